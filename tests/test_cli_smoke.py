"""The command line answers as the README says, on the shipped library."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from guide_bot.cli import main


def test_list_json_names_every_shipped_routine(library_dir: Path) -> None:
    result = CliRunner().invoke(main, ["list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {row["id"] for row in rows} == {p.stem for p in library_dir.glob("*.yaml")}
    for row in rows:
        assert row["duration_s"] > 0
        assert set(row) == {
            "id",
            "title",
            "duration_s",
            "areas",
            "complaints",
            "tools",
            "durations_s",
        }
        assert list(row["durations_s"]) == ["quick", "standard", "full"]
        assert 120 <= row["durations_s"]["quick"] <= 240
        assert row["durations_s"]["standard"] == row["duration_s"]


def test_validate_strict_passes_on_the_shipped_library() -> None:
    result = CliRunner().invoke(main, ["validate", "--strict", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["errors"] == []
    assert report["routines"] >= 1
