"""`guide-bot validate` and `guide-bot list`: check routine files and show the library."""

from __future__ import annotations

import json
from pathlib import Path

import click

from guide_bot.cli.errors import check_library
from guide_bot.cli.language import Language, lang_option
from guide_bot.cli.options import json_option, library_option, unchecked_library_option
from guide_bot.domain.lengths import available_lengths, select_length
from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import PlanOptions, plan
from guide_bot.library.issues import Issue
from guide_bot.library.lint import lint_routine
from guide_bot.library.loader import load_routines
from guide_bot.library.translations import missing_languages


def _echo_issue(kind: str, issue: Issue) -> None:
    click.echo(f"{kind}: {issue}", err=True)


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--strict",
    is_flag=True,
    help="Treat lint warnings, and a shipped language a routine lacks, as errors.",
)
@json_option
@unchecked_library_option
def validate_cmd(paths: tuple[Path, ...], strict: bool, as_json: bool, library: Path) -> None:
    """Check routine files (default: the whole library) and their translations. Exit 0 when
    valid, 1 otherwise; with --strict, a warning (also a missing language) counts as an error."""
    result = load_routines(paths or (check_library(library),))
    warnings: list[Issue] = []
    for routine_id, routine in result.routines.items():
        warnings.extend(lint_routine(routine, str(result.files[routine_id])))
    warnings.extend(missing_languages(result.files))
    errors = list(result.errors)
    if strict:
        errors.extend(warnings)
        warnings = []
    if as_json:
        click.echo(
            json.dumps(
                {
                    "routines": len(result.routines),
                    "errors": [issue.to_dict() for issue in errors],
                    "warnings": [issue.to_dict() for issue in warnings],
                },
                indent=2,
            )
        )
    else:
        for issue in errors:
            _echo_issue("error", issue)
        for issue in warnings:
            _echo_issue("warning", issue)
        verdict = "valid" if not errors else "invalid"
        click.echo(
            f"{len(result.routines)} routines loaded, {len(errors)} errors, "
            f"{len(warnings)} warnings: {verdict}"
        )
    raise SystemExit(1 if errors or not result.routines else 0)


def durations_s(routine: Routine, options: PlanOptions | None = None) -> dict[str, float]:
    """Seconds each length of the routine lasts, shortest length first."""
    return {
        length: round(plan(select_length(routine, length), options=options).total_s, 1)
        for length in available_lengths(routine)
    }


@click.command("list")
@json_option
@library_option
@lang_option
def list_cmd(as_json: bool, library: Path, lang: Language) -> None:
    """List the routines with their length, areas, complaints and tools (titles and lengths in
    the language of --lang; a routine without that translation keeps its English title)."""
    result = load_routines((library,))
    for issue in result.errors:
        _echo_issue("skipped", issue)
    routines = [
        result.translations.localized(routine, lang.code)
        for routine in sorted(result.routines.values(), key=lambda r: r.id)
    ]
    options = lang.options
    rows = [
        {
            "id": routine.id,
            "title": routine.title,
            "duration_s": round(plan(routine, options=options).total_s, 1),
            "areas": list(routine.areas),
            "complaints": list(routine.complaints),
            "tools": list(routine.tools),
            "durations_s": durations_s(routine, options),
        }
        for routine in routines
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo(lang.tr.t("No valid routines in {library}.", library=library))
        return
    for routine, row in zip(routines, rows, strict=True):
        minutes = float(row["duration_s"]) / 60  # type: ignore[arg-type]
        others = ", ".join(
            f"{length} {seconds / 60:.1f}"
            for length, seconds in durations_s(routine, options).items()
        )
        click.echo(f"{routine.id:<28} {minutes:5.1f} min  {routine.title} ({others} min)")
        labels = lang.tr.t(
            "areas: {areas}; for: {complaints}; tools: {tools}",
            areas=", ".join(routine.areas),
            complaints=", ".join(routine.complaints),
            tools=", ".join(routine.tools),
        )
        click.echo(f"{'':<28} {labels}")
