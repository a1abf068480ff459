"""`guide-bot warm-cache` and `guide-bot export`, run as a user would (espeak-ng, offline)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from guide_bot.cli import main
from guide_bot.config import Settings
from guide_bot.domain.timeline import plan
from guide_bot.library.loader import load_routines
from guide_bot.speech.chime import CHIME_S
from guide_bot.speech.codecs import probe
from guide_bot.speech.setup import cue_audio


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("GUIDE_BOT_AUDIO_CACHE", str(cache))
    monkeypatch.setenv("GUIDE_BOT_TTS", "espeak")
    return cache


def counts(output: str) -> tuple[int, int, int]:
    found = re.search(r"(\d+) cues: (\d+) hits, (\d+) misses", output)
    assert found, output
    cues, hits, misses = (int(g) for g in found.groups())
    return cues, hits, misses


def test_warm_cache_twice_second_run_is_all_hits(env: Path, short_library: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["warm-cache", "--library", str(short_library), "--tts", "espeak"])
    assert first.exit_code == 0, first.output
    cues, hits, misses = counts(first.output)
    assert cues > 5
    assert (hits, misses) == (0, cues)
    assert re.search(r"[1-9]\d* bytes written", first.output)
    second = runner.invoke(main, ["warm-cache", "--library", str(short_library)])
    assert second.exit_code == 0, second.output
    assert counts(second.output) == (cues, cues, 0)
    assert "0 bytes written" in second.output


@pytest.mark.parametrize(("fmt", "codec"), [("ogg", "opus"), ("mp3", "mp3")])
def test_export_duration_matches_the_plan(
    env: Path, short_library: Path, tmp_path: Path, fmt: str, codec: str
) -> None:
    out = tmp_path / f"track.{fmt}"
    result = CliRunner().invoke(
        main,
        ["export", "short-test", "-o", str(out), "--format", fmt, "--library", str(short_library)],
    )
    assert result.exit_code == 0, result.output
    info = probe(out.read_bytes())
    assert info.codec == codec
    assert info.channels == 1
    routine = load_routines([short_library]).routines["short-test"]
    total_s = plan(routine, speak_s=cue_audio(Settings(), "espeak").duration_s).total_s
    assert abs(info.duration_s - total_s) <= 0.5
    assert info.duration_s == pytest.approx(total_s + CHIME_S, abs=0.002)


def test_export_format_from_the_file_name(env: Path, short_library: Path, tmp_path: Path) -> None:
    out = tmp_path / "track.mp3"
    result = CliRunner().invoke(
        main, ["export", "short-test", "-o", str(out), "--library", str(short_library)]
    )
    assert result.exit_code == 0, result.output
    assert probe(out.read_bytes()).codec == "mp3"


def test_export_unknown_routine_exits_2(env: Path, short_library: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.ogg"
    result = CliRunner().invoke(
        main, ["export", "no-such", "-o", str(out), "--library", str(short_library)]
    )
    assert result.exit_code == 2
    assert "unknown routine 'no-such'" in result.output
    assert not out.exists()


def test_no_working_engine_is_a_clear_error(
    env: Path, short_library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from guide_bot.speech import selection
    from tests.speech.fakes import BrokenEngine

    monkeypatch.setattr(selection, "make_espeak", lambda _voice: BrokenEngine())
    result = CliRunner().invoke(
        main,
        ["export", "short-test", "-o", str(tmp_path / "x.ogg"), "--library", str(short_library)],
    )
    assert result.exit_code == 1
    assert "no speech engine works" in result.output


def test_plan_tts_uses_real_durations_and_export_matches_it(
    env: Path, short_library: Path, tmp_path: Path
) -> None:
    runner = CliRunner(mix_stderr=False)
    lib = ["--library", str(short_library)]
    estimated = json.loads(runner.invoke(main, ["plan", "short-test", "--json", *lib]).stdout)
    timed = runner.invoke(main, ["plan", "short-test", "--json", "--tts", "espeak", *lib])
    assert timed.exit_code == 0, timed.stderr
    total_s = json.loads(timed.stdout)["total_s"]
    assert total_s != estimated["total_s"]
    cues = cue_audio(Settings(), "espeak")
    for event in json.loads(timed.stdout)["events"]:
        if event["kind"] == "announce":
            assert cues.duration_s(event["text"]) > 0  # already in the cache
    out = tmp_path / "track.ogg"
    exported = runner.invoke(
        main, ["export", "short-test", "-o", str(out), "--tts", "espeak", *lib]
    )
    assert exported.exit_code == 0, exported.stderr
    assert abs(probe(out.read_bytes()).duration_s - total_s) <= 0.5
