"""The plain-data check between YAML and the schema: only text, numbers, lists and mappings pass.

A routine is text, whole numbers, a few decimals, lists and mappings with text keys. Anything else
YAML can build (binary data, sets, explicit timestamps, ordered pairs, not-a-number, infinity, a
number too long to convert, a key that is a list or a number) is refused here with the path of the
field it sits in, so that the loader reports it like any other error: file, step, field, allowed.
The value is replaced by null in the data handed on, and the schema's errors at the same place are
dropped as echoes of this one.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from guide_bot.library.yaml_source import BadKey, TooLongNumber

Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class PlainProblem:
    """A value or key that is not plain data, where it is and what is wrong."""

    loc: Loc
    message: str
    replaced: bool = True  # the value at `loc` was replaced by None (False: a key was dropped)


def _kind(value: Any) -> str | None:
    """What a value is, in words, when it is not plain data; None when it is."""
    if isinstance(value, TooLongNumber):
        return f"{value!r} (line {value.line})"
    if isinstance(value, bytes | bytearray):
        return "binary data (!!binary)"
    if isinstance(value, set | frozenset):
        return "a set (!!set)"
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return "a date or time (!!timestamp)"
    if isinstance(value, tuple):
        return "ordered pairs (!!omap or !!pairs)"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value!r} (not a finite number)"
    if value is None or isinstance(value, str | bool | int | float | list | dict):
        return None
    return f"a value of type {type(value).__name__}"


def plain_data(data: Any) -> tuple[Any, list[PlainProblem]]:
    """The data with every non-plain value replaced by None, and the problems found."""
    problems: list[PlainProblem] = []

    def walk(value: Any, loc: Loc) -> Any:
        kind = _kind(value)
        if kind is not None:
            problems.append(PlainProblem(loc, f"must not be {kind}"))
            return None
        if isinstance(value, Mapping):
            clean: dict[str, Any] = {}
            for key, item in value.items():
                if isinstance(key, BadKey):
                    problems.append(
                        PlainProblem(
                            loc,
                            f"has a key that is {key.shown}, not a field name (line {key.line}); "
                            "allowed: field names as text, like 'title: ...'",
                            replaced=False,
                        )
                    )
                    continue
                clean[key] = walk(item, (*loc, key))
            return clean
        if isinstance(value, list):
            return [walk(item, (*loc, index)) for index, item in enumerate(value)]
        return value

    return walk(data, ()), problems


def is_under(loc: Loc, problems: list[PlainProblem]) -> bool:
    """Whether a schema error at `loc` only repeats a plain-data problem at or above it."""
    return any(loc[: len(p.loc)] == p.loc for p in problems if p.replaced)
