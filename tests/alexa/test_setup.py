"""Alexa settings, the loopback rule for unverified requests, and the committed skill package."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from guide_bot.cli import main
from guide_bot.config import Settings
from guide_bot.library.loader import load_routines
from guide_bot.speakers.alexa import (
    AlexaCatalog,
    AlexaSetupError,
    build_alexa_feature,
    check_alexa_verify_setting,
)
from guide_bot.speakers.alexa.model import BUILT_IN_INTENTS, interaction_model_json
from tests.alexa.harness import FakeLinks

PACKAGE = Path(__file__).resolve().parents[2] / "contrib" / "alexa" / "skill-package"
MODEL = PACKAGE / "interactionModels" / "custom" / "en-US.json"


@pytest.mark.parametrize(
    "listen", ["127.0.0.1", "127.0.0.53", "::1", "[::1]", "localhost", "127.0.0.1, ::1"]
)
def test_unverified_requests_are_allowed_on_loopback(listen: str) -> None:
    check_alexa_verify_setting(False, listen)


@pytest.mark.parametrize(
    "listen", ["0.0.0.0", "::", "", "192.168.1.20", "guide-bot.example.com", "127.0.0.1,0.0.0.0"]
)
def test_unverified_requests_are_refused_anywhere_else(listen: str) -> None:
    with pytest.raises(AlexaSetupError, match="GUIDE_BOT_ALEXA_VERIFY=false") as caught:
        check_alexa_verify_setting(False, listen)
    assert "loopback" in str(caught.value)
    assert "GUIDE_BOT_HTTP_LISTEN" in str(caught.value)


@pytest.mark.parametrize("listen", ["0.0.0.0", "::", "192.168.1.20"])
def test_verified_requests_may_come_from_anywhere(listen: str) -> None:
    check_alexa_verify_setting(True, listen)


def test_settings_default_to_verification_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GUIDE_BOT_ALEXA_VERIFY", raising=False)
    monkeypatch.delenv("GUIDE_BOT_ALEXA_SKILL_ID", raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.alexa_verify is True
    assert settings.alexa_skill_id is None


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUIDE_BOT_ALEXA_VERIFY", "false")
    monkeypatch.setenv("GUIDE_BOT_ALEXA_SKILL_ID", "amzn1.ask.skill.abc")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.alexa_verify is False
    assert settings.alexa_skill_id == "amzn1.ask.skill.abc"


def test_a_bad_verify_value_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUIDE_BOT_ALEXA_VERIFY", "perhaps")
    with pytest.raises(ValueError, match="alexa_verify"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_the_committed_interaction_model_matches_the_library(library_dir: Path) -> None:
    routines = load_routines((library_dir,)).routines
    expected = interaction_model_json(AlexaCatalog.from_routines(routines.values()))
    assert MODEL.read_text(encoding="utf-8") == expected, (
        "contrib/alexa is out of date: run "
        "guide-bot alexa model -o contrib/alexa/skill-package/interactionModels/custom/en-US.json"
    )


def test_the_interaction_model_has_what_an_audio_skill_needs(library_dir: Path) -> None:
    model = json.loads(MODEL.read_text(encoding="utf-8"))["interactionModel"]["languageModel"]
    intents = {intent["name"]: intent for intent in model["intents"]}
    assert set(BUILT_IN_INTENTS) <= set(intents)
    assert {"AMAZON.PauseIntent", "AMAZON.ResumeIntent"} <= set(intents)  # required by AudioPlayer
    assert intents["StartRoutineIntent"]["slots"] == [{"name": "routine", "type": "ROUTINE"}]
    assert all("{routine}" in sample for sample in intents["StartRoutineIntent"]["samples"])
    (routine_type,) = model["types"]
    ids = {value["id"] for value in routine_type["values"]}
    assert ids == {path.stem for path in library_dir.glob("*.yaml")}
    assert model["invocationName"] == "guide bot"


def test_the_manifest_declares_the_audio_player_and_an_https_endpoint() -> None:
    manifest = json.loads((PACKAGE / "skill.json").read_text(encoding="utf-8"))["manifest"]
    custom = manifest["apis"]["custom"]
    assert {"type": "AUDIO_PLAYER"} in custom["interfaces"]
    assert custom["endpoint"]["uri"].startswith("https://")
    assert custom["endpoint"]["uri"].endswith("/alexa")


def test_the_model_command_writes_checks_and_refuses(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "en-US.json"
    stale = runner.invoke(main, ["alexa", "model", "--check", "-o", str(out)])
    assert stale.exit_code == 1
    assert "out of date" in stale.output
    wrote = runner.invoke(main, ["alexa", "model", "-o", str(out)])
    assert wrote.exit_code == 0, wrote.output
    assert out.read_text(encoding="utf-8") == MODEL.read_text(encoding="utf-8")
    fresh = runner.invoke(main, ["alexa", "model", "--check", "-o", str(out)])
    assert fresh.exit_code == 0
    assert "matches the library" in fresh.output
    named = runner.invoke(main, ["alexa", "model", "--invocation-name", "stretch coach"])
    assert json.loads(named.output)["interactionModel"]["languageModel"]["invocationName"] == (
        "stretch coach"
    )
    bad = runner.invoke(main, ["alexa", "model", "--invocation-name", "Alexa"])
    assert bad.exit_code == 2
    assert "cannot be an invocation name" in bad.output


def test_the_model_command_refuses_an_empty_library(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["alexa", "model", "--library", str(tmp_path)])
    assert result.exit_code == 2  # a library folder without routines is a bad setting
    assert "holds no routine files" in result.output


def test_the_feature_is_off_without_a_skill_id(library_dir: Path) -> None:
    routines = load_routines((library_dir,)).routines.values()
    off = build_alexa_feature(
        skill_id=None, verify=True, listen="0.0.0.0", routines=routines, links=FakeLinks()
    )
    local = build_alexa_feature(
        skill_id=None, verify=False, listen="127.0.0.1", routines=routines, links=FakeLinks()
    )
    on = build_alexa_feature(
        skill_id="amzn1.ask.skill.x", verify=True, listen="::", routines=routines, links=FakeLinks()
    )
    assert off is None
    assert local is not None
    assert on is not None


def test_the_feature_refuses_unverified_requests_off_loopback(library_dir: Path) -> None:
    with pytest.raises(AlexaSetupError, match="loopback"):
        build_alexa_feature(
            skill_id="amzn1.ask.skill.x",
            verify=False,
            listen="0.0.0.0",
            routines=load_routines((library_dir,)).routines.values(),
            links=FakeLinks(),
        )
