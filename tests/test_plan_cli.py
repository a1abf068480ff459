"""`guide-bot plan`: the table, the JSON shape, unknown ids and the --tts seam."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from guide_bot.cli import main, plan_cmds


def test_plan_json_has_the_documented_shape() -> None:
    result = CliRunner().invoke(main, ["plan", "neck-release", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {
        "routine",
        "total_s",
        "events",
        "language",
        "length",
        "conditions",
        "changes",
    }
    assert (data["length"], data["conditions"], data["changes"]) == ("standard", [], [])
    assert data["language"] == "en"
    assert data["routine"] == "neck-release"
    events = data["events"]
    assert [e["at_s"] for e in events] == sorted(e["at_s"] for e in events)
    assert events[0]["kind"] == "prepare"
    assert events[-1] == {
        "at_s": data["total_s"],
        "kind": "complete",
        "step": None,
        "side": None,
        "text": "Session complete. Well done.",
        "speak_s": 0.0,  # the chime: no words
    }
    assert all(e["speak_s"] > 0 for e in events[:-1])
    assert {e["kind"] for e in events} >= {"announce", "hold_start", "countdown", "release"}


def test_plan_table_shows_minutes_and_seconds() -> None:
    result = CliRunner().invoke(main, ["plan", "neck-release"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("neck-release: ")
    assert lines[2].startswith("00:00")
    assert "prepare" in lines[2]
    assert "complete" in lines[-1]


def test_unknown_routine_exits_2_with_close_matches() -> None:
    result = CliRunner(mix_stderr=False).invoke(main, ["plan", "neck-relase"])
    assert result.exit_code == 2
    assert "no routine 'neck-relase'" in result.stderr
    assert "neck-release" in result.stderr


def test_unknown_routine_without_close_matches(tmp_path: Path) -> None:
    result = CliRunner(mix_stderr=False).invoke(main, ["plan", "zzz", "--library", str(tmp_path)])
    assert result.exit_code == 2
    assert "Did you mean" not in result.stderr


def test_invalid_routine_file_says_why(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("id: broken\ntitle: x\n", encoding="utf-8")
    result = CliRunner(mix_stderr=False).invoke(
        main, ["plan", "broken", "--library", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "invalid" in result.stderr
    assert "broken.yaml" in result.stderr


def test_tts_without_the_speech_package_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> object:
        raise ImportError(name)

    monkeypatch.setattr(plan_cmds.importlib, "import_module", missing)
    result = CliRunner(mix_stderr=False).invoke(main, ["plan", "neck-release", "--tts", "espeak"])
    assert result.exit_code == 1
    assert "speech package" in result.stderr


def test_tts_engine_is_a_closed_choice() -> None:
    result = CliRunner().invoke(main, ["plan", "neck-release", "--tts", "festival"])
    assert result.exit_code == 2


def test_tts_uses_the_speak_time_of_the_seam(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan_cmds, "speak_time_for", lambda engine, settings=None: lambda text: 1.0)
    plain = json.loads(CliRunner().invoke(main, ["plan", "neck-release", "--json"]).output)
    timed = CliRunner().invoke(main, ["plan", "neck-release", "--json", "--tts", "auto"])
    assert timed.exit_code == 0, timed.output
    assert json.loads(timed.output)["total_s"] != plain["total_s"]


def test_mmss() -> None:
    assert plan_cmds.mmss(0) == "00:00"
    assert plan_cmds.mmss(59.99) == "00:59"
    assert plan_cmds.mmss(432.45) == "07:12"


def test_tts_with_no_working_engine_fails_clearly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # speech is connected (tests/speech/test_cli.py plans with espeak-ng's real lengths); here
    # the engine fails, and plan says so instead of estimating
    from guide_bot.speech import selection
    from tests.speech.fakes import BrokenEngine

    monkeypatch.setenv("GUIDE_BOT_AUDIO_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(selection, "make_espeak", lambda _voice: BrokenEngine())
    result = CliRunner(mix_stderr=False).invoke(main, ["plan", "neck-release", "--tts", "espeak"])
    assert result.exit_code == 1
    assert "no speech engine works" in result.stderr
