"""`guide-bot list --json` shape, and `--library DIR` / GUIDE_BOT_LIBRARY pointing elsewhere."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from guide_bot.cli import main
from guide_bot.domain.lengths import select_length
from guide_bot.domain.timeline import plan
from guide_bot.library.loader import load_routines

Routine = Callable[..., dict[str, Any]]
Validate = Callable[..., tuple[int, dict[str, Any]]]
Write = Callable[..., Path]


@pytest.fixture
def other_library(tmp_path: Path, write: Write, make_routine: Routine) -> Path:
    folder = tmp_path / "my-routines"
    write(make_routine(), folder=folder)
    write(make_routine(id="evening", title="Evening", tools=["ball", "wall", "mat"]), folder=folder)
    return folder


def _list(*args: str, env: dict[str, str] | None = None) -> Any:
    result = CliRunner().invoke(main, ["list", "--json", *args], env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_list_json_shape_and_duration_come_from_the_planner(other_library: Path) -> None:
    rows = _list("--library", str(other_library))
    sample = load_routines([other_library / "sample.yaml"]).routines["sample"]
    assert rows[1] == {
        "id": "sample",
        "title": "Sample routine",
        "duration_s": round(plan(sample).total_s, 1),
        "areas": ["neck"],
        "complaints": ["neck-pain"],
        "tools": ["ball", "wall"],
        "durations_s": {
            length: round(plan(select_length(sample, length)).total_s, 1)
            for length in ("quick", "standard", "full")
        },
    }
    assert rows[1]["durations_s"]["standard"] == rows[1]["duration_s"]
    assert [row["id"] for row in rows] == ["evening", "sample"]
    assert rows[0]["tools"] == ["ball", "wall", "mat"]


def test_the_env_var_points_list_and_validate_at_another_folder(
    other_library: Path, validate: Validate
) -> None:
    env = {"GUIDE_BOT_LIBRARY": str(other_library)}
    assert [row["id"] for row in _list(env=env)] == ["evening", "sample"]
    code, report = validate("--strict", env=env)
    assert (code, report["routines"]) == (0, 2)


def test_the_option_wins_over_the_env_var(other_library: Path, tmp_path: Path) -> None:
    env = {"GUIDE_BOT_LIBRARY": str(tmp_path / "elsewhere")}
    rows = _list("--library", str(other_library), env=env)
    assert len(rows) == 2


def test_validate_library_option_checks_that_folder(
    other_library: Path, write: Write, make_routine: Routine, validate: Validate
) -> None:
    write(make_routine(id="broken", get_ready_s=99), folder=other_library)
    code, report = validate("--library", str(other_library))
    assert code == 1
    assert report["routines"] == 2
    assert [e["field"] for e in report["errors"]] == ["get_ready_s"]


def test_list_skips_broken_files_and_says_so(
    other_library: Path, write: Write, make_routine: Routine
) -> None:
    write(make_routine(id="broken", title=""), folder=other_library)
    result = CliRunner().invoke(main, ["list", "--library", str(other_library)])
    assert result.exit_code == 0
    assert "sample" in result.output
    assert "evening" in result.output
    assert "skipped: " in result.output
    assert "broken.yaml, field 'title'" in result.output


def test_list_of_an_empty_folder(tmp_path: Path) -> None:
    """An empty library is a configuration mistake: one line naming the setting, status 2."""
    result = CliRunner(mix_stderr=False).invoke(main, ["list", "--library", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"guide-bot: GUIDE_BOT_LIBRARY / --library: {tmp_path} holds no routine files; "
        "allowed: a folder holding routine files (.yaml or .yml), see docs/routines.md\n"
    )
