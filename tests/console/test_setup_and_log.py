"""Voice or text before the session starts, and the plain log when output is not a terminal."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from player_fakes import RecordingSound, ScriptedKeys, tiny_routine

from guide_bot.cli import main
from guide_bot.config import Settings
from guide_bot.console import preparation
from guide_bot.console import voice as voice_module
from guide_bot.console.display import LiveDisplay, LogDisplay
from guide_bot.console.player import Player
from guide_bot.console.preparation import TEXT_ONLY_NOTICE, prepare
from guide_bot.console.sound import BellSound, VoiceSound
from guide_bot.domain.clock import FakeClock
from guide_bot.domain.cues import STOP_RULE
from guide_bot.domain.reading import reading_time_s
from guide_bot.domain.session import SessionMachine
from guide_bot.domain.timeline import plan
from guide_bot.speech.cache import AudioCache
from guide_bot.speech.cues import CueAudio
from guide_bot.speech.ports import Pcm, SpeechError


class _Silent:
    name = "silent"

    def __init__(self) -> None:
        self.played: list[bytes] = []

    def play(self, wav: bytes, cancel: threading.Event) -> None:
        self.played.append(wav)


class _Beeper:
    """A tiny engine: each text becomes a tone as long as its number of letters / 20 s."""

    name = "beeper"
    voice_key = "beeper-v1"

    def synthesize(self, text: str) -> Pcm:
        frames = 1000 * len(text)  # 20,000 Hz: 0.05 s a letter
        return Pcm(b"\x00\x40" * frames, 20_000)


class _Broken:
    name = "broken"
    voice_key = "broken"

    def synthesize(self, text: str) -> Pcm:
        raise SpeechError("no voice today")


def _settings(tmp_path: Path, **fields: object) -> Settings:
    return Settings(audio_cache=tmp_path / "cache", **fields)  # type: ignore[arg-type]


def test_text_only_plans_with_reading_times_and_says_so(tmp_path: Path) -> None:
    routine = tiny_routine()
    prepared = prepare(
        routine, text_only=True, tts="auto", settings=_settings(tmp_path), progress=print
    )
    assert prepared.notice == TEXT_ONLY_NOTICE
    assert not prepared.voiced
    assert prepared.timeline == plan(routine, speak_s=reading_time_s)
    rings: list[int] = []
    assert isinstance(prepared.make_sound(lambda: rings.append(1)), BellSound)


def test_no_audio_output_falls_back_to_text_with_the_reason(tmp_path: Path) -> None:
    settings = _settings(tmp_path, audio_player="none")
    prepared = prepare(
        tiny_routine(), text_only=False, tts="auto", settings=settings, progress=print
    )
    assert not prepared.voiced
    assert prepared.notice.startswith("No audio output (audio turned off (GUIDE_BOT_AUDIO_PLAYER")
    assert prepared.notice.endswith(
        "running with text and the terminal bell at hold start and release."
    )


def test_no_speech_engine_falls_back_to_text_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path)
    monkeypatch.setattr(preparation, "choose_output", lambda preference: _Silent())
    monkeypatch.setattr(
        voice_module,
        "_cue_audio",
        lambda tts, s: CueAudio(_Broken(), AudioCache(s.audio_cache, max_bytes=2**20)),
    )
    prepared = prepare(
        tiny_routine(), text_only=False, tts="gtts", settings=settings, progress=print
    )
    assert not prepared.voiced
    assert prepared.notice.startswith("No speech (no voice today): running with text")


def test_voiced_plan_uses_the_engines_real_durations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path)
    output = _Silent()
    monkeypatch.setattr(preparation, "choose_output", lambda preference: output)
    cues = CueAudio(_Beeper(), AudioCache(settings.audio_cache, max_bytes=2**24))
    monkeypatch.setattr(voice_module, "_cue_audio", lambda tts, s: cues)
    messages: list[str] = []
    routine = tiny_routine()
    prepared = prepare(
        routine, text_only=False, tts="espeak", settings=settings, progress=messages.append
    )
    assert prepared.voiced
    assert prepared.notice.startswith("Audio: cues play through silent, spoken by beeper (0 of ")
    assert any(m.startswith("Speaking cue 1 of ") for m in messages)
    announce = next(e for e in prepared.timeline.events if e.kind == "announce")
    assert announce.speak_s == pytest.approx(len(announce.text) * 0.05)
    sound = prepared.make_sound(lambda: None)
    assert isinstance(sound, VoiceSound)
    sound.cue(announce)
    sound.finish(2.0)
    assert output.played == [cues.entry(announce.text)[0].data]
    again = prepare(routine, text_only=False, tts="espeak", settings=settings, progress=print)
    assert "(0 of" not in again.notice  # the second time every clip is a cache hit
    assert again.timeline == prepared.timeline


def test_log_display_prints_each_cue_once_with_its_time() -> None:
    routine = tiny_routine()
    timeline = plan(routine, speak_s=reading_time_s)
    clock = FakeClock()
    out = io.StringIO()
    player = Player(
        routine=routine,
        session=SessionMachine(timeline),
        clock=clock,
        keys=ScriptedKeys(clock),
        display=LogDisplay(out),
        sound=RecordingSound(),
        notices=("Text only (test).",),
    )
    player.run()
    lines = out.getvalue().splitlines()
    assert lines[0] == "Text only (test)."
    assert lines[1] == f"[0:00] Get ready for Tiny test. {STOP_RULE}"
    # "Press now." comes when the plan has it: after the time to get into position
    hold_start = next(e for e in timeline.events if e.kind == "hold_start")
    whole = int(hold_start.at_s)
    assert whole >= 5
    assert lines[3] == f"[{whole // 60}:{whole % 60:02d}] {hold_start.text}"
    assert lines[3].endswith("Press now.")
    assert len(lines) == 1 + len(timeline.events) + 1
    assert lines[-1].startswith("Session complete: Tiny test")


def test_live_display_rewrites_only_changed_lines() -> None:
    out = io.StringIO()
    display = LiveDisplay(out)
    display.show(["a", "b", "c"])
    first = out.getvalue()
    assert first.count("\x1b[2J") == 1
    display.show(["a", "B", "c"])
    second = out.getvalue()[len(first) :]
    assert second == "\x1b[2;1HB\x1b[K"
    display.show(["a", "B"])
    third = out.getvalue()[len(first) + len(second) :]
    assert third == "\x1b[3;1H\x1b[K"
    display.bell()
    display.close("bye")
    assert out.getvalue().endswith("\a\x1b[3;1H\x1b[J\x1b[?25hbye\n")


def test_unknown_routine_exits_2_with_close_matches() -> None:
    result = CliRunner().invoke(main, ["play", "neck-relase", "--text-only"])
    assert result.exit_code == 2
    assert "Did you mean: neck-release" in result.output


def test_play_help_names_the_keys_and_options() -> None:
    result = CliRunner().invoke(main, ["play", "--help"])
    assert result.exit_code == 0
    for text in ("--text-only", "--tts", "--library", "space pause/resume", "q stop"):
        assert text in result.output


def test_live_display_never_writes_below_the_last_row(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setattr(
        "guide_bot.console.display.shutil.get_terminal_size",
        lambda fallback: os.terminal_size((80, 4)),
    )
    out = io.StringIO()
    LiveDisplay(out).show([f"line {n}" for n in range(10)])
    assert "\x1b[3;1Hline 2" in out.getvalue()
    assert "line 3" not in out.getvalue()
