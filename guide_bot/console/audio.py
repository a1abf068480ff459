"""Local audio output: find something on this machine that can play a WAV, and play one clip.

Chosen at run time, in this order: the `sounddevice` library (the optional `audio` extra; used
only when its PortAudio library loads and lists an output device), then the first command-line
player found on PATH among paplay, pw-play, aplay, ffplay, afplay and mpv. Every candidate is
probed by playing a tenth of a second of silence, so that a player that is installed but has
nothing to play on (aplay without a sound card, paplay without a sound server) is passed over,
with its reason kept for the one message that says why nothing was chosen.

`GUIDE_BOT_AUDIO_PLAYER` narrows the choice: `auto` (the default), `none`, `sounddevice`, or
one of the player names.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import threading
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

PLAYER_COMMANDS: dict[str, tuple[str, ...]] = {
    "paplay": ("paplay",),
    "pw-play": ("pw-play",),
    "aplay": ("aplay", "-q"),
    "ffplay": ("ffplay", "-nodisp", "-autoexit", "-loglevel", "quiet"),
    "afplay": ("afplay",),
    "mpv": ("mpv", "--no-video", "--really-quiet", "--no-terminal"),
}
AUDIO_CHOICES: tuple[str, ...] = ("auto", "none", "sounddevice", *PLAYER_COMMANDS)
PROBE_TIMEOUT_S = 5.0
_POLL_S = 0.02


class PlaybackError(Exception):
    """A clip could not be played (the player failed or the device went away)."""


class AudioBackend(Protocol):
    """Something that plays a WAV to the speaker, blocking until done or cancelled."""

    @property
    def name(self) -> str:
        """What plays the sound, for the one message that names it."""
        ...

    def play(self, wav: bytes, cancel: threading.Event) -> None:
        """Play a whole WAV; return early once `cancel` is set; PlaybackError on failure."""
        ...


@dataclass(frozen=True, slots=True)
class NoAudio:
    """No audio output could be used here, and why (one line for the user)."""

    reason: str


def silence_wav(seconds: float = 0.1, rate: int = 22_050) -> bytes:
    """A short silent 16-bit mono WAV: what each candidate is probed with."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x00" * round(seconds * rate))
    return out.getvalue()


class CommandPlayer:
    """A command-line player fed a temporary WAV file, one process per clip."""

    def __init__(self, name: str, argv: tuple[str, ...]) -> None:
        self._name = name
        self._argv = argv

    @property
    def name(self) -> str:
        """The player's name, e.g. "aplay"."""
        return self._name

    def play(self, wav: bytes, cancel: threading.Event) -> None:
        """Write the clip to a temporary file and run the player on it, stopping it on cancel."""
        fd, name = tempfile.mkstemp(prefix="guide-bot-", suffix=".wav")
        path = Path(name)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(wav)
            self._run(path, cancel)
        finally:
            path.unlink(missing_ok=True)

    def probe(self) -> str | None:
        """None when the player plays a short silence; otherwise why it cannot be used."""
        fd, name = tempfile.mkstemp(prefix="guide-bot-probe-", suffix=".wav")
        path = Path(name)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(silence_wav())
            done = subprocess.run(
                [*self._argv, str(path)],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=PROBE_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return f"no answer within {PROBE_TIMEOUT_S:g} s"
        except OSError as exc:
            return exc.strerror or str(exc)
        finally:
            path.unlink(missing_ok=True)
        if done.returncode != 0:
            return _last_line(done.stderr) or f"exit status {done.returncode}"
        return None

    def _run(self, path: Path, cancel: threading.Event) -> None:
        try:
            proc = subprocess.Popen(
                [*self._argv, str(path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            raise PlaybackError(f"{self._name}: {exc.strerror or exc}") from exc
        while proc.poll() is None:
            if cancel.wait(_POLL_S):
                proc.terminate()
                try:
                    proc.wait(timeout=1.0)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                return
        if proc.returncode != 0:
            raise PlaybackError(f"{self._name} exited with status {proc.returncode}")


class SoundDevicePlayer:
    """PortAudio through the `sounddevice` library: plays in-process, no temporary files."""

    def __init__(self, sd: Any) -> None:
        self._sd = sd

    @property
    def name(self) -> str:
        """Names the library and the default output device."""
        try:
            device = self._sd.query_devices(kind="output")["name"]
        except Exception:  # pragma: no cover - the device list changed under us
            device = "default device"
        return f"sounddevice ({device})"

    def play(self, wav: bytes, cancel: threading.Event) -> None:
        """Play through PortAudio, polling so that a cancel stops the sound at once."""
        import numpy as np

        samples, rate = _read_wav(wav)
        try:
            self._sd.play(np.frombuffer(samples, dtype="<i2"), rate)
            while self._sd.get_stream().active:
                if cancel.wait(_POLL_S):
                    break
            self._sd.stop()
        except Exception as exc:  # sounddevice raises PortAudioError and plain errors alike
            raise PlaybackError(f"sounddevice: {exc}") from exc


def _read_wav(data: bytes) -> tuple[bytes, int]:
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            if w.getnchannels() != 1 or w.getsampwidth() != 2:
                raise PlaybackError("expected a 16-bit mono WAV")
            return w.readframes(w.getnframes()), w.getframerate()
    except (wave.Error, EOFError) as exc:
        raise PlaybackError(f"bad WAV: {exc}") from exc


def _last_line(raw: bytes) -> str:
    lines = [line.strip() for line in raw.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1][:160] if lines else ""


def _try_sounddevice() -> SoundDevicePlayer | str:
    try:
        import sounddevice as sd
    except ImportError:
        return "not installed (pip install 'guide-bot[audio]')"
    except OSError as exc:  # the library is there but PortAudio itself did not load
        return f"PortAudio did not load ({exc})"
    try:
        sd.query_devices(kind="output")
    except Exception as exc:
        return f"no output device ({exc})"
    player = SoundDevicePlayer(sd)
    try:
        player.play(silence_wav(), threading.Event())
    except PlaybackError as exc:
        return str(exc)
    return player


def choose_output(
    preference: str = "auto",
    *,
    which: Callable[[str], str | None] = shutil.which,
    try_sounddevice: Callable[[], AudioBackend | str] = _try_sounddevice,
) -> AudioBackend | NoAudio:
    """The first working audio output allowed by `preference`, or NoAudio saying why."""
    if preference not in AUDIO_CHOICES:
        allowed = ", ".join(AUDIO_CHOICES)
        return NoAudio(f"unknown audio player {preference!r}; allowed: {allowed}")
    if preference == "none":
        return NoAudio("audio turned off (GUIDE_BOT_AUDIO_PLAYER=none)")
    reasons: list[str] = []
    if preference in ("auto", "sounddevice"):
        outcome = try_sounddevice()
        if not isinstance(outcome, str):
            return outcome
        reasons.append(f"sounddevice: {outcome}")
    names = list(PLAYER_COMMANDS) if preference == "auto" else [preference]
    names = [n for n in names if n != "sounddevice"]
    missing: list[str] = []
    for name in names:
        path = which(PLAYER_COMMANDS[name][0])
        if path is None:
            missing.append(name)
            continue
        player = CommandPlayer(name, (path, *PLAYER_COMMANDS[name][1:]))
        why = player.probe()
        if why is None:
            return player
        reasons.append(f"{name}: {why}")
    if missing:
        reasons.append(f"{', '.join(missing)}: not on PATH")
    return NoAudio("; ".join(reasons))


def describe(output: AudioBackend | NoAudio) -> str:
    """The one line that says what plays the cues, or why nothing does."""
    if isinstance(output, NoAudio):
        return f"No audio output ({output.reason})."
    return f"Audio: cues play through {output.name}."
