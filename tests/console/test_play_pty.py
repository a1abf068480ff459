"""`guide-bot play` as a user runs it: under a pseudo-terminal, with real keys and real time.

The routines are tiny (no get-ready time, holds of 2-3 s). The run that is left to finish on its
own is started once for the whole module, so it plays while the key tests run.
"""

from __future__ import annotations

import io
import os
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pexpect
import pytest

from guide_bot.console import audio
from guide_bot.console.audio import silence_wav
from guide_bot.console.voice import CachedVoice
from guide_bot.domain.timeline import CueKind, plan
from guide_bot.library.loader import load_routines
from guide_bot.speech.cache import AudioCache
from guide_bot.speech.chime import CHIME_S, chime
from guide_bot.speech.codecs import pcm_to_wav, wav_to_pcm
from guide_bot.speech.cues import CueAudio
from guide_bot.speech.selection import Voice, make_espeak

GUIDE_BOT = str(Path(sys.executable).with_name("guide-bot"))
ONE_STEP = """\
id: one
title: One step
summary: One short hold.
areas: [neck]
complaints: [neck-pain]
tools: [ball]
get_ready_s: 0
steps:
  - title: Short press
    instruction: Press.
    technique: compress
    hold_s: 2
"""


class Terminal:
    """A spawned command and everything it wrote; waits look only at output after a mark."""

    def __init__(self, child: pexpect.spawn) -> None:
        self.child = child
        self.log = io.StringIO()
        child.logfile_read = self.log
        self.mark = 0

    @property
    def text(self) -> str:
        """Everything written so far (with the terminal's control sequences)."""
        return self.log.getvalue()

    def send(self, keys: str) -> None:
        """Type keys; later waits look only at what is written after them."""
        self.mark = len(self.text)
        self.child.send(keys)

    def wait(self, pattern: str, timeout: float = 10.0) -> str:
        """Read until `pattern` (a regex) appears after the mark; returns the match."""
        deadline = time.monotonic() + timeout
        while True:
            found = re.search(pattern, self.text[self.mark :])
            if found:
                return found.group(0)
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} not shown; got {self.text[self.mark :]!r}")
            try:
                self.child.read_nonblocking(4096, timeout=0.05)
            except pexpect.TIMEOUT:
                continue
            except pexpect.EOF:
                if not re.search(pattern, self.text[self.mark :]):
                    raise AssertionError(f"{pattern!r} not shown before the end") from None

    def finish(self) -> int:
        """Read to the end; the exit status."""
        self.child.expect(pexpect.EOF)
        self.child.close()
        return int(self.child.exitstatus or 0)


def plain(text: str) -> str:
    """What was written, without control sequences, in single-spaced words (wraps undone)."""
    return " ".join(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", " ", text).split())


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUIDE_BOT_")}
    env.update(TERM="xterm", LANG="C.UTF-8", GUIDE_BOT_AUDIO_CACHE=str(tmp / "cache"), **extra)
    return env


def _spawn(args: list[str], env: dict[str, str]) -> Terminal:
    return Terminal(
        pexpect.spawn(GUIDE_BOT, args, env=env, dimensions=(40, 100), timeout=15, encoding="utf-8")
    )


@pytest.fixture(scope="module")
def natural_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Terminal]:
    """A session left to run to its end, stdin not a terminal, with no audio player on PATH."""
    if not isinstance(audio._try_sounddevice(), str):  # pragma: no cover - a real sound card
        pytest.skip("this machine has a working sound device; the no-audio run needs none")
    tmp = tmp_path_factory.mktemp("natural")
    (tmp / "library").mkdir()
    (tmp / "library" / "one.yaml").write_text(ONE_STEP, encoding="utf-8")
    (tmp / "empty-path").mkdir()
    env = _env(tmp, PATH=str(tmp / "empty-path"))
    command = f"exec {GUIDE_BOT} play one --library {tmp / 'library'} < /dev/null"
    child = pexpect.spawn(
        "/bin/sh", ["-c", command], env=env, dimensions=(40, 100), timeout=20, encoding="utf-8"
    )
    yield Terminal(child)
    child.close(force=True)


FAKE_PLAYER = """\
#!/bin/sh
# A stand-in for aplay: notes when each clip starts, keeps a copy, and takes as long as the clip.
for a; do f="$a"; done
n=$(ls "{out}" | grep -c wav)
date +%s.%N > "{out}/$(printf %03d "$n").time"
cp "$f" "{out}/$(printf %03d "$n").wav"
exec "{python}" -c "import sys, time, wave; w = wave.open(sys.argv[1]); \
time.sleep(w.getnframes() / w.getframerate())" "$f"
"""


@dataclass
class VoicedRun:
    """A session spoken by espeak-ng through a fake `aplay` that keeps what it was given."""

    term: Terminal
    folder: Path


@pytest.fixture(scope="module")
def voiced_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoicedRun]:
    """Started with the module: the one-step routine, spoken, left to run to its end."""
    tmp = tmp_path_factory.mktemp("voiced")
    (tmp / "library").mkdir()
    (tmp / "library" / "one.yaml").write_text(ONE_STEP, encoding="utf-8")
    (tmp / "bin").mkdir()
    (tmp / "played").mkdir()
    player = tmp / "bin" / "aplay"
    player.write_text(FAKE_PLAYER.format(out=tmp / "played", python=sys.executable))
    player.chmod(0o755)
    env = _env(
        tmp,
        PATH=f"{tmp / 'bin'}:/usr/bin:/bin",
        GUIDE_BOT_AUDIO_PLAYER="aplay",
        GUIDE_BOT_TTS="espeak",
    )
    term = _spawn(["play", "one", "--library", str(tmp / "library")], env)
    yield VoicedRun(term, tmp)
    term.child.close(force=True)


@pytest.fixture(autouse=True)
def _start_whole_runs_first(natural_run: Terminal, voiced_run: VoicedRun) -> None:
    """Every test in this module asks for them, so they play while the key tests run."""


def test_keys_pause_skip_back_add_and_quit(tiny_library: Path, tmp_path: Path) -> None:
    term = _spawn(["play", "tiny", "--text-only", "--library", str(tiny_library)], _env(tmp_path))
    term.wait(re.escape("Text only (--text-only)"))
    term.wait("Next step in 0:0")
    term.send(" ")
    term.wait("PAUSED · press space to resume")
    term.send(" ")
    term.wait(r"Resumed\.")
    term.send("n")  # past the get-ready cue to step 1
    term.wait(r"Skipped to step 1\.")
    term.wait(r"PRESS  0:03 left")
    assert "Step 1 of 2" in term.text[term.mark :]
    term.send("+")
    term.wait(r"\+15 s added to this hold\.")
    assert re.search(r"PRESS  0:1[6-8] left", term.text[term.mark :])
    term.send("n")
    term.wait(r"Skipped to step 2\.")
    assert "Step 2 of 2" in term.text[term.mark :]
    term.send("+")  # announcing, not holding
    term.wait(r"\+15 s works only during a hold\.")
    term.send("b")  # at the very start of step 2: back to step 1, like "previous track"
    term.wait(r"Back to the start of step 1\.")
    term.send("q")
    term.wait("Stopped at step 1 of 2: Tiny test")
    assert term.finish() == 0


def test_ctrl_c_stops_and_restores_the_terminal(tiny_library: Path, tmp_path: Path) -> None:
    # The shell traps SIGINT with a handler (not "ignore", which the child would inherit), so
    # it lives on after Ctrl-C to print the terminal's settings.
    command = f'trap ":" INT; {GUIDE_BOT} play tiny --text-only --library {tiny_library}; stty -a'
    term = Terminal(
        pexpect.spawn("/bin/sh", ["-c", command], env=_env(tmp_path), timeout=15, encoding="utf-8")
    )
    term.wait("Getting ready")
    term.mark = len(term.text)
    term.child.sendintr()
    term.wait("Stopped at getting ready: Tiny test")
    term.wait(r"\bicanon\b")
    assert term.finish() == 0
    after = term.text[term.mark :]
    assert "\x1b[?25h" in after  # the cursor is shown again
    settings = after[after.index("Stopped at") :].split()
    assert "icanon" in settings
    assert "echo" in settings
    assert "isig" in settings


def test_no_audio_falls_back_to_text_says_why_once_and_completes(natural_run: Terminal) -> None:
    term = natural_run
    term.wait("Session complete: One step", timeout=20)
    assert term.finish() == 0
    seen = term.text
    assert seen.count("No audio output (") == 1
    notice = plain(seen)
    assert "paplay, pw-play, aplay, ffplay, afplay, mpv: not on PATH" in notice
    assert "running with text and the terminal bell at hold start and release" in notice
    assert "No keys: stdin is not a terminal." in seen
    for countdown in ("PRESS  0:02 left", "PRESS  0:01 left"):
        assert countdown in seen
    assert seen.count("\a") == 3  # hold start, release, the end
    assert "Session complete. Well done." in seen


def test_spoken_cues_play_through_the_player_at_their_planned_times(voiced_run: VoicedRun) -> None:
    term, folder = voiced_run.term, voiced_run.folder
    term.wait("Session complete: One step", timeout=30)
    assert term.finish() == 0
    seen = plain(term.text)
    assert seen.count("Audio: cues play through aplay, spoken by espeak") == 1
    assert "No audio output" not in seen
    assert "\a" not in term.text  # no bell when the cues are spoken
    # The same engine and cache give the clips and the timeline the player used.
    cues = CueAudio(make_espeak(Voice()), AudioCache(folder / "cache", max_bytes=2**30))
    routine = load_routines((folder / "library",)).routines["one"]
    timeline = plan(routine, speak_s=cues.duration_s)
    assert cues.cache.stats.misses == 0  # every clip was made before the session started
    spoken = [e for e in timeline.events if e.spoken]
    end = timeline.events[-1]
    played = sorted(folder.joinpath("played").glob("*.wav"))
    assert played[0].read_bytes() == silence_wav()  # the probe
    voice = CachedVoice(cues)
    assert [p.read_bytes() for p in played[1:]] == [voice.event_wav(e) for e in [*spoken, end]]
    by_kind = dict(zip([e.kind for e in spoken], played[1:-1], strict=True))
    # plain cues are the cached clips as they are
    assert by_kind[CueKind.ANNOUNCE].read_bytes() == cues.entry(spoken[1].text)[0].data
    # "Press now." is followed by the chime, which marks the start of the hold
    press = wav_to_pcm(by_kind[CueKind.HOLD_START].read_bytes())
    words = cues.clip("Press now.")
    assert press.samples[: len(words.samples)] == words.samples
    assert press.duration_s == pytest.approx(words.duration_s + CHIME_S, abs=0.001)
    # "Release." has the chime mixed under its first words; the end is the chime alone
    release = wav_to_pcm(by_kind[CueKind.RELEASE].read_bytes())
    assert release.samples != cues.clip(spoken[-1].text).samples
    assert played[-1].read_bytes() == pcm_to_wav(chime(words.rate))
    # Each clip started at its planned offset (counted from the first cue), within 0.4 s.
    starts = [float(p.with_suffix(".time").read_text()) for p in played[1:]]
    planned = [e.at_s for e in spoken] + [timeline.total_s]
    for started, at_s in zip(starts, planned, strict=True):
        assert started - starts[0] == pytest.approx(at_s, abs=0.4)
