"""Loading routine files into validated `Routine` objects, with errors a person can act on.

Every error names the file, the step (number and title) and the field, and says what is allowed.
A file with any error is refused as a whole; the other files still load.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from guide_bot.domain.routine import (
    AREAS,
    COMPLAINTS,
    MAX_HOLD_S,
    MIN_HOLD_S,
    TECHNIQUES,
    TOOLS,
    Cue,
    Routine,
    Step,
)
from guide_bot.library.issues import Issue
from guide_bot.library.yaml_source import RoutineYamlError, parse_yaml

ROUTINE_SUFFIXES = (".yaml", ".yml")

# What a person may write in each field, said in the error when the value is refused.
ALLOWED: dict[str, str] = {
    "id": "a safe slug: lowercase letters, digits and single hyphens, equal to the file name",
    "hold_s": f"a whole number of seconds from {MIN_HOLD_S} to {MAX_HOLD_S}",
    "reps": "a whole number from 1 to 10",
    "rest_s": "a whole number of seconds from 0 to 300",
    "get_ready_s": "a whole number of seconds from 0 to 60",
    "pressure": "a whole number from 0 (none) to 10 (worst), or leave it out",
    "technique": ", ".join(TECHNIQUES),
    "sides": "none, left-right",
    "areas": ", ".join(AREAS),
    "complaints": ", ".join(COMPLAINTS),
    "tools": ", ".join(TOOLS),
    "at_s": "seconds after the hold starts, more than 0 and less than the hold",
}
_FIELDS_ROUTINE = ", ".join(Routine.model_fields)
_FIELDS_STEP = ", ".join(Step.model_fields)
_FIELDS_CUE = ", ".join(Cue.model_fields)


@dataclass
class LoadResult:
    """What loading a set of files gave: the valid routines and the problems found."""

    routines: dict[str, Routine] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    errors: list[Issue] = field(default_factory=list)


def _step_title(data: Any, index: int) -> str | None:
    if isinstance(data, Mapping):
        steps = data.get("steps")
        if isinstance(steps, list) and 0 <= index < len(steps):
            step = steps[index]
            if isinstance(step, Mapping) and isinstance(step.get("title"), str):
                return str(step["title"])
    return None


def _message(err: ErrorDetails, field_name: str, container: str) -> str:
    kind = err["type"]
    if kind == "missing":
        return (
            f"missing; this field is required ({ALLOWED.get(field_name, 'see docs/routines.md')})"
        )
    if kind == "extra_forbidden":
        allowed = {"routine": _FIELDS_ROUTINE, "step": _FIELDS_STEP, "cue": _FIELDS_CUE}[container]
        return f"unknown field; allowed fields of a {container}: {allowed}"
    text = err["msg"]
    if text.startswith("Value error, "):
        text = text.removeprefix("Value error, ")
    got = err.get("input")
    if kind not in {"model_type", "tuple_type", "list_type"} and not isinstance(
        got, Mapping | list
    ):
        text = f"{text} (got {got!r})"
    hint = ALLOWED.get(field_name)
    if hint and "allowed:" not in text:
        text = f"{text}; allowed: {hint}"
    return text


def issues_from_validation(exc: ValidationError, data: Any, file: str) -> list[Issue]:
    """Turn pydantic's errors into issues that name the step by number and title."""
    issues: list[Issue] = []
    for err in exc.errors():
        loc = list(err["loc"])
        step: int | None = None
        title: str | None = None
        container = "routine"
        if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
            step = loc[1] + 1
            title = _step_title(data, loc[1])
            loc = loc[2:]
            container = "step"
            if len(loc) >= 2 and loc[0] == "cues" and isinstance(loc[1], int):
                container = "cue"
                loc = [f"cues[{loc[1] + 1}]", *loc[2:]]
        # The last named part of the location is the field the person has to change.
        names = [str(part) for part in loc if not isinstance(part, int)]
        field_name = names[-1] if names else ("steps" if step is not None else "routine")
        path = ".".join(names) if names else field_name
        if err["type"] == "extra_forbidden" or err["type"] == "missing":
            field_key = field_name
        else:
            field_key = field_name.split("[")[0]
        if field_key.startswith("cues") and container == "cue":
            field_key = "at_s"
        issues.append(
            Issue(
                file=file,
                step=step,
                step_title=title,
                field=path,
                message=_message(err, field_key, container),
            )
        )
    return issues


def parse_routine(
    text: str, *, file: str, expected_id: str | None = None
) -> tuple[Routine | None, list[Issue]]:
    """Validate routine YAML text; `expected_id` is the id its file name demands."""
    try:
        data = parse_yaml(text)
    except RoutineYamlError as exc:
        return None, [Issue(file=file, field="(yaml)", message=str(exc))]
    if not isinstance(data, Mapping):
        return None, [
            Issue(
                file=file,
                field="(file)",
                message=f"a routine file must be a YAML mapping with the fields {_FIELDS_ROUTINE}",
            )
        ]
    try:
        routine = Routine.model_validate(data)
    except ValidationError as exc:
        return None, issues_from_validation(exc, data, file)
    if expected_id is not None and routine.id != expected_id:
        return None, [
            Issue(
                file=file,
                field="id",
                message=(
                    f"the id {routine.id!r} differs from the file name; "
                    f"allowed: the file name without .yaml, {expected_id!r}"
                ),
            )
        ]
    return routine, []


def routine_files(paths: Iterable[Path]) -> list[Path]:
    """The routine files named by paths: files as given, folders by their *.yaml files."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix in ROUTINE_SUFFIXES))
        else:
            found.append(path)
    return found


def load_routines(paths: Iterable[Path]) -> LoadResult:
    """Load and validate every routine file under the given files and folders."""
    result = LoadResult()
    for path in routine_files(paths):
        name = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            result.errors.append(Issue(file=name, field="(file)", message="no such file"))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            result.errors.append(Issue(file=name, field="(file)", message=f"cannot read: {exc}"))
            continue
        routine, problems = parse_routine(text, file=name, expected_id=path.stem)
        if routine is None:
            result.errors.extend(problems)
            continue
        if routine.id in result.routines:
            first = result.files[routine.id]
            result.errors.append(
                Issue(
                    file=name,
                    field="id",
                    message=f"duplicate id {routine.id!r}, already used by {first}; allowed: an id "
                    "no other routine uses",
                )
            )
            continue
        result.routines[routine.id] = routine
        result.files[routine.id] = path
    return result
