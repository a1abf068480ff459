"""Time to get into position, measured in the audio a user gets: `guide-bot export` of a shipped
routine, decoded, its speech found by an energy envelope (real espeak-ng, offline)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from guide_bot.cli import main
from guide_bot.config import Settings
from guide_bot.domain.lengths import select_length
from guide_bot.domain.positioning import changes_position
from guide_bot.domain.timeline import CueKind, plan
from guide_bot.library.loader import load_routines
from guide_bot.speech.codecs import decode
from guide_bot.speech.setup import cue_audio
from tests.speech.envelope import THRESHOLD, envelope, onset_errors

LIBRARY = Path(__file__).resolve().parents[2] / "scripts_library"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("GUIDE_BOT_AUDIO_CACHE", str(cache))
    monkeypatch.setenv("GUIDE_BOT_TTS", "espeak")
    return cache


def test_exported_track_leaves_time_to_get_into_position(env: Path, tmp_path: Path) -> None:
    runner = CliRunner(mix_stderr=False)
    args = ["neck-release", "--length", "quick", "--tts", "espeak"]
    out = tmp_path / "neck.ogg"
    exported = runner.invoke(main, ["export", *args, "-o", str(out)])
    assert exported.exit_code == 0, exported.stderr
    planned = json.loads(runner.invoke(main, ["plan", *args, "--json"]).stdout)

    routine = select_length(load_routines([LIBRARY]).routines["neck-release"], "quick")
    timeline = plan(routine, speak_s=cue_audio(Settings(), "espeak").duration_s)
    assert planned == {
        **timeline.to_dict(),
        "language": "en",
        "length": "quick",
        "conditions": [],
        "changes": [],
    }
    pcm = decode(out.read_bytes(), rate=22_050)
    # every cue starts where the plan says (the 20 ms)
    assert np.max(np.abs(onset_errors(timeline, pcm))) <= 0.020

    env_, block = envelope(pcm)
    step_s = block / pcm.rate
    previous = None
    for number, step in enumerate(routine.steps, start=1):
        announce = next(
            e for e in timeline.events if e.kind is CueKind.ANNOUNCE and e.step == number
        )
        start = next(
            e for e in timeline.events if e.kind is CueKind.HOLD_START and e.step == number
        )
        # the measured end of the instruction's speech: the last loud block before "now"
        begin, stop = int(announce.at_s / step_s), int((start.at_s - 0.1) / step_s)
        loud = np.flatnonzero(env_[begin:stop] > THRESHOLD)
        instruction_end = (begin + int(loud[-1]) + 1) * step_s
        near = int((start.at_s - 0.15) / step_s)
        onset = (near + int(np.flatnonzero(env_[near:] > THRESHOLD)[0])) * step_s
        quiet = onset - instruction_end
        least = 10 if changes_position(step, previous) else 5
        assert quiet >= least - 0.02, (number, step.title, quiet)
        assert quiet == pytest.approx(start.at_s - (announce.at_s + announce.speak_s), abs=0.03)
        previous = step
    assert changes_position(routine.steps[0], None)  # lies down on the ball: 10 s or more
    assert not changes_position(routine.steps[1], routine.steps[0])  # stands: 5 s or more
