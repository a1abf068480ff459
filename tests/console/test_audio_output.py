"""Choosing an audio output at run time, playing through a command-line player, the speaker."""

from __future__ import annotations

import stat
import sys
import threading
import time
import types
import wave
from io import BytesIO
from pathlib import Path

import pytest

from guide_bot.console.audio import (
    CommandPlayer,
    NoAudio,
    PlaybackError,
    SoundDevicePlayer,
    choose_output,
    describe,
    silence_wav,
)
from guide_bot.console.speaker import Speaker


def _no_sounddevice() -> str:
    return "not installed"


def _script(folder: Path, name: str, body: str) -> Path:
    """A fake player: a shell script on a private PATH."""
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def _which_in(folder: Path):  # type: ignore[no-untyped-def]
    def which(name: str) -> str | None:
        path = folder / name
        return str(path) if path.exists() else None

    return which


def test_none_and_unknown_preferences_say_why() -> None:
    assert choose_output("none") == NoAudio("audio turned off (GUIDE_BOT_AUDIO_PLAYER=none)")
    unknown = choose_output("winamp")
    assert isinstance(unknown, NoAudio)
    assert "'winamp'" in unknown.reason
    assert "aplay" in unknown.reason


def test_nothing_found_names_every_candidate(tmp_path: Path) -> None:
    outcome = choose_output("auto", which=_which_in(tmp_path), try_sounddevice=_no_sounddevice)
    assert isinstance(outcome, NoAudio)
    assert outcome.reason == (
        "sounddevice: not installed; paplay, pw-play, aplay, ffplay, afplay, mpv: not on PATH"
    )
    assert describe(outcome).startswith("No audio output (sounddevice: not installed;")


def test_a_player_that_cannot_open_a_device_is_passed_over(tmp_path: Path) -> None:
    error = "aplay: main:831: audio open error: No such device"
    _script(tmp_path, "aplay", f'echo "{error}" >&2; exit 1')
    log = tmp_path / "played"
    _script(tmp_path, "mpv", f'for a; do f="$a"; done; cat "$f" >> "{log}"')
    outcome = choose_output("auto", which=_which_in(tmp_path), try_sounddevice=_no_sounddevice)
    assert isinstance(outcome, CommandPlayer)
    assert outcome.name == "mpv"
    assert describe(outcome) == "Audio: cues play through mpv."
    assert log.read_bytes() == silence_wav()  # the probe played a real WAV

    only_aplay = choose_output("aplay", which=_which_in(tmp_path))
    assert only_aplay == NoAudio("aplay: aplay: main:831: audio open error: No such device")


def test_command_player_plays_the_whole_wav_and_cleans_up(tmp_path: Path) -> None:
    log = tmp_path / "played"
    args = tmp_path / "args"
    player = CommandPlayer(
        "aplay",
        (str(_script(tmp_path, "aplay", f'echo "$@" > "{args}"; cat "$2" > "{log}"')), "-q"),
    )
    wav = silence_wav(0.25, 16_000)
    player.play(wav, threading.Event())
    assert log.read_bytes() == wav
    played_file = Path(args.read_text().split()[1])
    assert args.read_text().startswith("-q ")
    assert not played_file.exists()  # the temporary WAV is removed
    with wave.open(BytesIO(log.read_bytes())) as w:
        assert (w.getframerate(), w.getnframes()) == (16_000, 4_000)


def test_cancel_stops_a_long_clip_at_once(tmp_path: Path) -> None:
    player = CommandPlayer("slow", (str(_script(tmp_path, "slow", "exec sleep 30")),))
    cancel = threading.Event()
    threading.Timer(0.1, cancel.set).start()
    started = time.monotonic()
    player.play(silence_wav(), cancel)
    assert time.monotonic() - started < 2.0


def test_a_failing_player_raises_playback_error(tmp_path: Path) -> None:
    player = CommandPlayer("broken", (str(_script(tmp_path, "broken", "exit 3")),))
    with pytest.raises(PlaybackError, match="status 3"):
        player.play(silence_wav(), threading.Event())
    missing = CommandPlayer("gone", (str(tmp_path / "gone"),))
    with pytest.raises(PlaybackError):
        missing.play(silence_wav(), threading.Event())
    assert missing.probe() is not None


class _FakeStream:
    def __init__(self, frames: int) -> None:
        self.polls = frames

    @property
    def active(self) -> bool:
        self.polls -= 1
        return self.polls > 0


class _FakeSd(types.SimpleNamespace):
    """Just enough of the sounddevice module."""

    def __init__(self, devices: bool = True) -> None:
        super().__init__(played=[], stopped=0, devices=devices, stream=_FakeStream(3))

    def query_devices(self, kind: str) -> dict[str, str]:
        if not self.devices:
            raise ValueError("No output device")
        return {"name": "Fake DAC"}

    def play(self, data: object, rate: int) -> None:
        self.played.append((len(data), rate))  # type: ignore[arg-type]

    def get_stream(self) -> _FakeStream:
        return self.stream

    def stop(self) -> None:
        self.stopped += 1


def test_sounddevice_is_used_only_with_an_output_device(monkeypatch: pytest.MonkeyPatch) -> None:
    from guide_bot.console import audio

    monkeypatch.setitem(sys.modules, "sounddevice", None)  # not installed
    assert audio._try_sounddevice() == "not installed (pip install 'guide-bot[audio]')"
    monkeypatch.setitem(sys.modules, "sounddevice", _FakeSd(devices=False))
    assert audio._try_sounddevice() == "no output device (No output device)"
    fake = _FakeSd()
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    player = audio._try_sounddevice()
    assert isinstance(player, SoundDevicePlayer)
    assert player.name == "sounddevice (Fake DAC)"
    assert fake.played == [(2205, 22_050)]  # the probe's 0.1 s of silence
    assert fake.stopped == 1


def test_sounddevice_on_this_machine_is_reported_not_crashed() -> None:
    from guide_bot.console import audio

    outcome = audio._try_sounddevice()
    if isinstance(outcome, str):  # no PortAudio or no device here: the reason is given
        assert outcome
    else:  # pragma: no cover - a machine with a sound card
        assert outcome.name.startswith("sounddevice")


class _Recorder:
    name = "recorder"

    def __init__(self, block: bool = False, fail_on: bytes | None = None) -> None:
        self.played: list[bytes] = []
        self.block = block
        self.fail_on = fail_on
        self.started = threading.Event()

    def play(self, wav: bytes, cancel: threading.Event) -> None:
        self.started.set()
        if wav == self.fail_on:
            raise PlaybackError("device unplugged")
        if self.block:
            cancel.wait(5.0)
            return
        self.played.append(wav)


def test_speaker_plays_in_order_without_blocking_the_caller() -> None:
    backend = _Recorder()
    speaker = Speaker(backend)
    for n in range(5):
        speaker.say(lambda n=n: bytes([n]))  # type: ignore[misc]
    assert speaker.wait_idle(2.0)
    assert backend.played == [bytes([n]) for n in range(5)]
    assert speaker.played == 5
    speaker.close()


def test_hush_cuts_the_clip_playing_and_drops_the_queue() -> None:
    backend = _Recorder(block=True)
    speaker = Speaker(backend)
    started = time.monotonic()
    speaker.say(lambda: b"long")
    speaker.say(lambda: b"queued")
    assert backend.started.wait(1.0)
    speaker.hush()
    assert speaker.wait_idle(2.0)
    assert time.monotonic() - started < 2.0
    assert speaker.played == 0
    backend.block = False
    speaker.say(lambda: b"after")
    assert speaker.wait_idle(2.0)
    assert backend.played == [b"after"]
    speaker.close()


def test_a_playback_failure_turns_the_speaker_off_with_its_reason() -> None:
    backend = _Recorder(fail_on=b"bad")
    speaker = Speaker(backend)
    speaker.say(lambda: b"bad")
    assert speaker.wait_idle(2.0)
    assert speaker.failure == "device unplugged"
    speaker.say(lambda: b"later")
    time.sleep(0.05)
    assert backend.played == []
    speaker.close()


def test_a_clip_that_cannot_be_made_does_not_kill_the_thread() -> None:
    def broken() -> bytes:
        raise RuntimeError("cache is gone")

    speaker = Speaker(_Recorder())
    speaker.say(broken)
    assert speaker.wait_idle(2.0)
    assert speaker.failure == "RuntimeError: cache is gone"
    speaker.close()
