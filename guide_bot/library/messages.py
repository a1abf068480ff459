"""Pydantic's validation errors turned into issues a person can act on.

Each issue names the step by number and title and the field by its path (`cues[1].at_s`), and
its message says what went wrong in plain words and ends with what is allowed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError

from guide_bot.domain.routine import (
    AREAS,
    COMPLAINTS,
    LENGTHS,
    LOADS,
    MAX_HOLD_S,
    MAX_ID_LENGTH,
    MAX_SETTLE_S,
    MIN_HOLD_S,
    SIDES,
    TECHNIQUES,
    TOOLS,
    Cue,
    Routine,
    Step,
)
from guide_bot.domain.visible_text import shown_safely
from guide_bot.library.issues import Issue
from guide_bot.library.plain_data import PlainProblem

MAX_SHOWN_CHARS = 60  # of a refused value quoted in a message

# What a person may write in each field, said in the error when the value is refused.
_TEXT = "text of {low}-{high} characters"
ALLOWED: dict[str, str] = {
    "id": "a safe slug: lowercase letters, digits and single hyphens, at most "
    f"{MAX_ID_LENGTH} characters, equal to the file name",
    "title": _TEXT.format(low=1, high=80),
    "summary": _TEXT.format(low=1, high=600),
    "cautions": "a list of texts, one caution each",
    "steps": "a list of 1 to 40 steps",
    "cues": "a list of cues, each with at_s and text",
    "hold_s": f"a whole number of seconds from {MIN_HOLD_S} to {MAX_HOLD_S}",
    "reps": "a whole number from 1 to 10",
    "rest_s": "a whole number of seconds from 0 to 300",
    "get_ready_s": "a whole number of seconds from 0 to 60",
    "settle_s": f"a whole number of seconds from 0 to {MAX_SETTLE_S} (lint: 5-30), or leave it "
    "out for the default",
    "pressure": "a whole number from 0 (none) to 10 (worst), or leave it out",
    "point": _TEXT.format(low=1, high=60) + ", or leave it out",
    "technique": ", ".join(TECHNIQUES),
    "sides": ", ".join(SIDES),
    "areas": ", ".join(AREAS),
    "complaints": ", ".join(COMPLAINTS),
    "tools": ", ".join(TOOLS),
    "at_s": "seconds after the hold starts, more than 0 and less than the hold",
    "loads": ", ".join(LOADS),
    "lengths": ", ".join(LENGTHS),
    "caution": _TEXT.format(low=1, high=200) + ", or leave it out",
    "stop_rule": _TEXT.format(low=1, high=200) + ", or leave it out",
    "ending": "complete, fade",
    "lie_on": "worked-side, other-side",
    "where": "a mapping {view: front|back|side, point: [x, y]} or {view, line: [[x, y], [x, y]]}",
    "pace": "a mapping {in_s: 2-8, out_s: 2-12}, for breathe steps",
    "quick": "a mapping of hold_s, reps, rest_s (any of them)",
    "full": "a mapping of hold_s, reps, rest_s (any of them)",
    "alternative": "a step (every field of a step but alternative)",
}
# Fields whose allowed values depend on where they are (`where.point` is not a step's `point`).
_ALLOWED_PATH: dict[str, str] = {
    "where.view": "front, back, side",
    "where.point": "[x, y] with x and y from 0 to 1 (docs/routines.md, 'Body map')",
    "where.line": "[[x, y], [x, y]] with x and y from 0 to 1 (docs/routines.md, 'Body map')",
    "where.both_sides": "true or false",
    "pace.in_s": "a number of seconds from 2 to 8",
    "pace.out_s": "a number of seconds from 2 to 12",
}
# Errors a step's own checks raise, and the field each one is about (from the error's context).
_STEP_CHECKS: dict[str, str] = {
    "override_without_length": "{name}",
    "pace_not_breathe": "pace",
    "lie_on_without_sides": "lie_on",
    "point_or_line": "",
}
# Where a step or cue says a field differently from the routine.
_ALLOWED_IN: dict[tuple[str, str], str] = {
    ("step", "title"): _TEXT.format(low=1, high=60),
    ("step", "instruction"): _TEXT.format(low=1, high=600),
    ("cue", "text"): _TEXT.format(low=1, high=200),
}
_FIELDS = {
    "routine": ", ".join(Routine.model_fields),
    "step": ", ".join(Step.model_fields),
    "cue": ", ".join(Cue.model_fields),
}
MAPPING_NEEDED = f"a YAML mapping with the fields {_FIELDS['routine']}"

# Pydantic's wording replaced by plainer words; the allowed values are added after.
_PROBLEM: dict[str, str] = {
    "int_type": "must be a whole number, not {got}",
    "int_parsing": "must be a whole number, not {got}",
    "int_from_float": "must be a whole number, not {got}",
    "float_type": "must be a number, not {got}",
    "float_parsing": "must be a number, not {got}",
    "string_type": "must be text, not {got}",
    "string_too_short": "must not be empty",
    "string_too_long": "is too long ({length} characters)",
    "literal_error": "{got} is not an allowed value",
    "greater_than_equal": "{got} is too small",
    "greater_than": "{got} is too small",
    "less_than_equal": "{got} is too large",
    "less_than": "{got} is too large",
    "tuple_type": "must be a list, not {got}",
    "too_short": "has too few items",
    "too_long": "has too many items",
    "model_type": "must be a mapping of fields, not {got}",
    "model_attributes_type": "must be a mapping of fields, not {got}",
}


def _step_title(data: Any, index: int) -> str | None:
    if isinstance(data, Mapping):
        steps = data.get("steps")
        if isinstance(steps, list) and 0 <= index < len(steps):
            step = steps[index]
            if isinstance(step, Mapping) and isinstance(step.get("title"), str):
                return shown_safely(str(step["title"]))
    return None


def _allowed(container: str, field_name: str) -> str:
    return _ALLOWED_IN.get((container, field_name)) or ALLOWED.get(
        field_name, "see docs/routines.md"
    )


def describe(value: Any) -> str:
    """A value in words, for messages: 'the text 'x'', 'a list', '45.5'."""
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{value!r} (true/false)"
    if isinstance(value, str):
        # repr escapes control and direction characters; a long value is cut, not echoed whole.
        shown = repr(value[:MAX_SHOWN_CHARS])
        return f"the text {shown}{'…' if len(value) > MAX_SHOWN_CHARS else ''}"
    shown = repr(value)
    return shown if len(shown) <= MAX_SHOWN_CHARS else shown[:MAX_SHOWN_CHARS] + "…"


def _message(err: ErrorDetails, field_name: str, container: str, path: str = "") -> str:
    kind = err["type"]
    if kind == "missing":
        return f"missing; this field is required; allowed: {_allowed(container, field_name)}"
    if kind == "extra_forbidden":
        return f"unknown field; allowed fields of a {container}: {_FIELDS[container]}"
    if kind == "cue_outside_hold" or kind in _STEP_CHECKS:
        return err["msg"]
    got = err.get("input")
    template = _PROBLEM.get(kind)
    if template is not None:
        length = len(got) if isinstance(got, str | list | tuple) else 0
        text = template.format(got=describe(got), length=length)
    else:
        text = err["msg"].removeprefix("Value error, ")
    if "allowed:" in text:
        return text
    by_path = next((a for tail, a in _ALLOWED_PATH.items() if path.endswith(tail)), None)
    return f"{text}; allowed: {by_path or _allowed(container, field_name)}"


def _is_echo(err: ErrorDetails, others: list[ErrorDetails]) -> bool:
    """Whether an error only repeats a deeper one: a list "too short" because an item failed."""
    loc = tuple(err["loc"])
    return err["type"] == "too_short" and any(
        len(other["loc"]) > len(loc) and tuple(other["loc"][: len(loc)]) == loc for other in others
    )


def plain_errors(problems: list[PlainProblem]) -> ValidationError:
    """Plain-data problems as a validation error, to be reported like the schema's own."""
    return ValidationError.from_exception_data(
        "Routine",
        [
            InitErrorDetails(
                type=PydanticCustomError("not_plain_data", "{text}", {"text": problem.message}),
                loc=problem.loc,
                input=None,
            )
            for problem in problems
        ],
    )


def issues_from_validation(
    exc: ValidationError,
    data: Any,
    file: str,
    *,
    keep: Callable[[tuple[str | int, ...]], bool] | None = None,
) -> list[Issue]:
    """Turn pydantic's errors into issues that name the step by number and title.

    `keep` chooses errors by location (the loader drops the echoes of a plain-data problem).
    """
    issues: list[Issue] = []
    errors = exc.errors()
    for err in errors:
        if _is_echo(err, errors) or (keep is not None and not keep(tuple(err["loc"]))):
            continue
        loc = list(err["loc"])
        step: int | None = None
        title: str | None = None
        container = "routine"
        if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
            step = loc[1] + 1
            title = _step_title(data, loc[1])
            loc = loc[2:]
            container = "step"
            if err["type"] == "cue_outside_hold":
                loc = [*loc, "cues", int(err.get("ctx", {})["cue"]) - 1, "at_s"]
            elif err["type"] in _STEP_CHECKS:
                named = _STEP_CHECKS[err["type"]].format(**err.get("ctx", {}))
                loc = [*loc, named] if named else loc
            for at in range(len(loc) - 1):
                number = loc[at + 1]
                if loc[at] == "cues" and isinstance(number, int):
                    container = "cue"
                    loc = [*loc[:at], f"cues[{number + 1}]", *loc[at + 2 :]]
                    break
        # The last named part of the location is the field the person has to change.
        names = [str(part) for part in loc if not isinstance(part, int)]
        field_name = names[-1] if names else ("steps" if step is not None else "routine")
        path = ".".join(names) if names else field_name
        if container == "cue" and names and names[-1].startswith("cues["):
            # The cue itself is wrong (not a mapping): what is allowed is a cue.
            field_name, container = "cues", "step"
        issues.append(
            Issue(
                file=file,
                step=step,
                step_title=title,
                field=path,
                message=_message(err, field_name, container, path),
            )
        )
    return issues
