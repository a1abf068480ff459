"""Whole-session tracks and step segments: lengths, sample-exact cue offsets, chimes, files."""

from __future__ import annotations

import numpy as np
import pytest

from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import CueKind, Timeline, plan
from guide_bot.speech.cache import AudioCache
from guide_bot.speech.chime import CHIME_S, chime
from guide_bot.speech.codecs import decode, encode, probe
from guide_bot.speech.cues import CueAudio
from guide_bot.speech.espeak_engine import EspeakEngine
from guide_bot.speech.track import render_segment, render_track, step_segment
from tests.speech.envelope import onset_errors


@pytest.fixture
def cues(cache: AudioCache, espeak: EspeakEngine) -> CueAudio:
    return CueAudio(espeak, cache)


@pytest.fixture
def timeline(cues: CueAudio, short_routine: Routine) -> Timeline:
    return plan(short_routine, speak_s=cues.duration_s)


def test_track_length_is_total_plus_final_chime(cues: CueAudio, timeline: Timeline) -> None:
    pcm = render_track(timeline, cues)
    assert pcm.duration_s == pytest.approx(timeline.total_s + CHIME_S, abs=1 / pcm.rate)
    assert abs(pcm.duration_s - timeline.total_s) <= 0.5


def test_every_cue_starts_on_its_sample(cues: CueAudio, timeline: Timeline) -> None:
    pcm = render_track(timeline, cues, chimes=False)
    mix = np.frombuffer(pcm.samples, dtype="<i2")
    for event in timeline.events:
        if event.spoken:
            clip = np.frombuffer(cues.clip(event.text).samples, dtype="<i2")
            at = round(event.at_s * pcm.rate)
            assert np.array_equal(mix[at : at + len(clip)], clip), event.kind
    assert np.max(np.abs(onset_errors(timeline, pcm))) <= 1.5 / 1000  # envelope block


def test_chimes_mark_hold_start_release_and_the_end(cues: CueAudio, timeline: Timeline) -> None:
    with_chimes = np.frombuffer(render_track(timeline, cues).samples, dtype="<i2")
    without = np.frombuffer(render_track(timeline, cues, chimes=False).samples, dtype="<i2")
    diff = with_chimes[: len(without)].astype(np.int32) - without
    diff = np.concatenate([diff, with_chimes[len(without) :]])
    bell = np.frombuffer(chime(22_050).samples, dtype="<i2")
    hold_starts = [h.start_s for h in timeline.holds]
    releases = [e.at_s for e in timeline.events if e.kind is CueKind.RELEASE]
    assert releases == [h.end_s for h in timeline.holds]
    starts_words = [e.at_s + e.speak_s for e in timeline.events if e.kind is CueKind.HOLD_START]
    assert hold_starts == pytest.approx(starts_words)  # the chime follows "... now"
    marks = [*hold_starts, *releases, timeline.total_s]
    expected = np.zeros(len(diff), dtype=np.int32)
    for mark in marks:
        at = round(mark * 22_050)
        expected[at : at + len(bell)] += bell[: len(expected) - at]
    # equal except where voice plus chime had to be clipped to 16 bits
    assert np.mean(diff == expected) > 0.999


@pytest.mark.parametrize("fmt", ["ogg", "mp3"])
def test_encoded_track_keeps_the_offsets(cues: CueAudio, timeline: Timeline, fmt: str) -> None:
    pcm = render_track(timeline, cues, chimes=False)
    data = encode(pcm, fmt).data  # type: ignore[arg-type]
    info = probe(data)
    assert info.codec == {"ogg": "opus", "mp3": "mp3"}[fmt]
    assert info.channels == 1
    assert info.duration_s == pytest.approx(pcm.duration_s, abs=0.002)
    errors = onset_errors(timeline, decode(data, rate=pcm.rate))
    assert np.max(np.abs(errors)) <= 0.020  # the 20 ms


def test_step_segment_holds_its_cues_at_offsets_from_the_step_start(
    cues: CueAudio, timeline: Timeline
) -> None:
    start, end = timeline.step_starts[0], timeline.step_end(1)
    pcm = render_segment(step_segment(timeline, 1), cues, chimes=False)
    assert pcm.duration_s == pytest.approx(end - start, abs=1 / pcm.rate)
    mix = np.frombuffer(pcm.samples, dtype="<i2")
    inside = [e for e in timeline.events if e.spoken and start <= e.at_s < end]
    assert inside
    assert {e.step for e in inside} == {1}
    for event in inside:
        clip = np.frombuffer(cues.clip(event.text).samples, dtype="<i2")
        at = round((event.at_s - start) * pcm.rate)
        assert np.array_equal(mix[at : at + len(clip)], clip)


def test_silence_between_cues(cues: CueAudio, timeline: Timeline) -> None:
    pcm = render_track(timeline, cues, chimes=False)
    mix = np.frombuffer(pcm.samples, dtype="<i2")
    hold = timeline.holds[0]
    busy = [
        (round(e.at_s * pcm.rate), round((e.at_s + e.speak_s) * pcm.rate))
        for e in timeline.events
        if e.spoken
    ]
    quiet = np.ones(len(mix), dtype=bool)
    for a, b in busy:
        quiet[a:b] = False
    span = slice(round(hold.start_s * pcm.rate), round(hold.end_s * pcm.rate))
    assert np.all(mix[span][quiet[span]] == 0)
