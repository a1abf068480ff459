"""`guide-bot conditions` and `guide-bot picture`: the screening names, and where a step works.

Also the options `--length` and `--condition` that `plan` and `picture` share, and the one
function that turns them into the routine a person plays (domain/adapt.personalise).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from guide_bot.cli.options import json_option, library_option
from guide_bot.domain.adapt import Adaptation, personalise
from guide_bot.domain.conditions import CONDITION_NAMES, CONDITIONS
from guide_bot.domain.lengths import DEFAULT_LENGTH, LengthUnavailable
from guide_bot.domain.routine import LENGTHS, Length, Routine
from guide_bot.domain.wording import ENGLISH, Wording
from guide_bot.library.body_picture import NoPicture, render_step_picture

F = TypeVar("F", bound=Callable[..., Any])
USAGE_EXIT = 2
REFUSED_EXIT = 3


def length_option(func: F) -> F:
    """`--length quick|standard|full` (default standard)."""
    return click.option(
        "--length",
        "length",
        type=click.Choice(LENGTHS),
        default=DEFAULT_LENGTH,
        show_default=True,
        help="Which length of the routine: a 2-4 minute quick one, standard or full.",
    )(func)


def condition_option(func: F) -> F:
    """`--condition NAME`, repeatable: screening answers that adapt the routine."""
    return click.option(
        "--condition",
        "conditions",
        type=click.Choice(CONDITION_NAMES),
        multiple=True,
        help="A screening answer (repeatable); `guide-bot conditions` lists them.",
    )(func)


def personal_routine(
    routine: Routine, length: Length, conditions: tuple[str, ...], w: Wording = ENGLISH
) -> Adaptation:
    """The routine in that length adapted to those conditions (the changes in the words of `w`);
    exit 2 for a missing length."""
    try:
        return personalise(routine, length=length, conditions=conditions, w=w)
    except LengthUnavailable as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(USAGE_EXIT) from None


@click.command("conditions")
@json_option
def conditions_cmd(as_json: bool) -> None:
    """List the screening conditions that adapt or refuse a routine (names for --condition)."""
    if as_json:
        rows = [
            {"name": c.name, "label": c.label, "kind": c.kind, "effect": c.why} for c in CONDITIONS
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    for condition in CONDITIONS:
        click.echo(f"{condition.name:<26} {condition.kind:<9} {condition.label}")


@click.command("picture")
@click.argument("routine_id")
@click.argument("step", type=click.IntRange(min=1))
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The PNG file to write.",
)
@length_option
@condition_option
@library_option
def picture_cmd(
    routine_id: str,
    step: int,
    output: Path,
    length: Length,
    conditions: tuple[str, ...],
    library: Path,
) -> None:
    """Draw where STEP (1-based, as numbered by `plan`) of ROUTINE_ID works, as a PNG file."""
    from guide_bot.cli.plan_cmds import find_routine  # one loader path for plan and picture

    adaptation = personal_routine(find_routine(routine_id, library), length, conditions)
    if adaptation.routine is None:
        for advice in adaptation.refusals:
            click.echo(f"Not offered: {advice.text}", err=True)
        raise SystemExit(REFUSED_EXIT)
    try:
        png = render_step_picture(adaptation.routine, step - 1)
    except NoPicture as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(USAGE_EXIT) from None
    output.write_bytes(png)
    click.echo(f"{output}: step {step} of {routine_id} ({len(png)} bytes)")
