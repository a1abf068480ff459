"""Helpers for the library tests: a valid routine to break, and checks through loader and CLI.

Every malformed file is checked twice, through `load_routines` and through
`guide-bot validate FILE --json`, so the two can never disagree about what is wrong.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from guide_bot.cli import main
from guide_bot.library.issues import Issue
from guide_bot.library.loader import load_routines

# A routine with no errors and no lint warnings; tests copy it and break one thing.
BASE: dict[str, Any] = {
    "id": "sample",
    "title": "Sample routine",
    "summary": "A short routine used by the tests.",
    "areas": ["neck"],
    "complaints": ["neck-pain"],
    "tools": ["ball", "wall"],
    "cautions": ["No pressure on the front of the neck."],
    "steps": [
        {
            "title": "Slow breathing",
            "instruction": "Close your eyes and breathe slowly.",
            "technique": "breathe",
            "hold_s": 40,
            "where": {"view": "front", "point": [0.5, 0.38]},
            "lengths": ["quick", "standard", "full"],
            "quick": {"hold_s": 110},
        },
        {
            "title": "Upper trapezius",
            "instruction": "Lean the ball into the top of your shoulder, about 5 out of 10.",
            "technique": "compress",
            "hold_s": 45,
            "sides": "left-right",
            "pressure": 5,
            "point": "upper trapezius",
            "tools": ["ball", "wall"],
            "cues": [{"at_s": 15, "text": "Breathe out slowly."}],
            "where": {"view": "back", "point": [0.60, 0.18]},
        },
    ],
}


def _routine(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


def dump(data: Any) -> str:
    """YAML text of plain data, in the order written."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


@dataclass
class Expected:
    """What an error must say: where (file, step, field) and what is allowed."""

    field: str
    allowed: tuple[str, ...]
    step: int | None = None
    step_title: str | None = None


def _run_validate(*args: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    """`guide-bot validate ... --json`: the exit code and the parsed report."""
    result = CliRunner().invoke(main, ["validate", *args, "--json"], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.output)


def _matches(entry: dict[str, Any], file: Path, expected: Expected) -> bool:
    return (
        entry["file"] == str(file)
        and entry["field"] == expected.field
        and entry["step"] == expected.step
        and entry["step_title"] == expected.step_title
    )


def _assert_refused(
    paths: list[Path],
    file: Path,
    *,
    field: str,
    allowed: tuple[str, ...],
    step: int | None = None,
    step_title: str | None = None,
) -> list[Issue]:
    expected = Expected(field=field, allowed=allowed, step=step, step_title=step_title)
    loaded = load_routines(paths)
    found = [i for i in loaded.errors if _matches(i.to_dict(), file, expected)]
    assert found, f"no error for {expected} in {[str(i) for i in loaded.errors]}"
    for issue in found:
        assert "allowed" in issue.message, issue.message
        for part in expected.allowed:
            assert part in issue.message, issue.message
    assert file not in loaded.files.values()

    code, report = _run_validate(*(str(p) for p in paths))
    assert code == 1
    entries = [e for e in report["errors"] if _matches(e, file, expected)]
    assert entries, report
    for entry in entries:
        for part in expected.allowed:
            assert part in entry["message"], entry["message"]
    return found


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write routine data (or raw text/bytes) to a file in tmp_path; returns its path."""

    def _write(data: Any, name: str | None = None, folder: Path | None = None) -> Path:
        where = folder or tmp_path
        where.mkdir(parents=True, exist_ok=True)
        if name is None:
            name = f"{data['id']}.yaml"
        path = where / name
        if isinstance(data, bytes):
            path.write_bytes(data)
        elif isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_text(dump(data), encoding="utf-8")
        return path

    return _write


Routine = Callable[..., dict[str, Any]]
Refused = Callable[..., list[Issue]]
Validate = Callable[..., tuple[int, dict[str, Any]]]


@pytest.fixture
def make_routine() -> Routine:
    """make_routine(**changes): a fresh copy of the valid routine with top-level fields replaced."""
    return _routine


@pytest.fixture
def refused() -> Refused:
    """refused(paths, file, field=..., allowed=(...), step=, step_title=): checks loader and CLI."""
    return _assert_refused


@pytest.fixture
def validate() -> Validate:
    """validate(*args, env=None): `guide-bot validate ... --json` -> (exit code, report)."""
    return _run_validate
