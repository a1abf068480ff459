"""The routine the other tests break is itself valid and lint-clean, so each failure is theirs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from guide_bot.library.lint import lint_routine
from guide_bot.library.loader import load_routines

Routine = Callable[..., dict[str, Any]]
Validate = Callable[..., tuple[int, dict[str, Any]]]


def test_the_base_routine_is_valid_and_lint_clean(
    write: Callable[..., Path], make_routine: Routine, validate: Validate
) -> None:
    path = write(make_routine())
    loaded = load_routines([path])
    assert loaded.errors == []
    assert list(loaded.routines) == ["sample"]
    assert lint_routine(loaded.routines["sample"], str(path)) == []
    code, report = validate(str(path), "--strict")
    assert code == 0
    assert report == {"routines": 1, "errors": [], "warnings": []}
