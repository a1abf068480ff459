"""`guide-bot alexa model`: write the Alexa skill's interaction model from the library."""

from __future__ import annotations

import re
from pathlib import Path

import click

from guide_bot.cli.options import library_option
from guide_bot.library.loader import load_routines
from guide_bot.speakers.alexa.catalog import AlexaCatalog
from guide_bot.speakers.alexa.model import DEFAULT_INVOCATION_NAME, interaction_model_json

_INVOCATION = re.compile(r"[a-z][a-z' .]*[a-z.]")


@click.group("alexa")
def alexa_group() -> None:
    """The Alexa skill package (contrib/alexa/)."""


def _invocation_name(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    if not _INVOCATION.fullmatch(value) or len(value.split()) < 2:
        raise click.BadParameter(
            f"{value!r} cannot be an invocation name; allowed: two or more words of lower-case "
            "letters (apostrophes and periods allowed), e.g. 'guide bot'"
        )
    return value


@alexa_group.command("model")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write here (e.g. contrib/alexa/skill-package/interactionModels/custom/en-US.json) "
    "instead of printing.",
)
@click.option(
    "--invocation-name",
    default=DEFAULT_INVOCATION_NAME,
    show_default=True,
    callback=_invocation_name,
    help="What people say to open the skill.",
)
@click.option("--check", is_flag=True, help="Do not write: exit 1 if --output differs.")
@library_option
def model_cmd(output: Path | None, invocation_name: str, check: bool, library: Path) -> None:
    """The interaction model (en-US) with a ROUTINE slot listing the library's routines."""
    result = load_routines((library,))
    for issue in result.errors:
        click.echo(f"skipped: {issue}", err=True)
    if not result.routines:
        raise click.ClickException(f"no valid routines in {library}; the model needs at least one")
    text = interaction_model_json(
        AlexaCatalog.from_routines(result.routines.values()), invocation_name=invocation_name
    )
    if check:
        if output is None:
            raise click.UsageError("--check needs --output FILE to compare with")
        current = output.read_text(encoding="utf-8") if output.is_file() else None
        if current != text:
            click.echo(f"{output} is out of date: run guide-bot alexa model -o {output}", err=True)
            raise SystemExit(1)
        click.echo(f"{output} matches the library ({len(result.routines)} routines).")
        return
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {output} ({len(result.routines)} routines).")
