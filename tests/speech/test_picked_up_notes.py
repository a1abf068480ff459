"""A voice note picked up mid-step (after Resume or +15 s) opens with words, never silence.

Real espeak-ng audio; the level of the note's first 0.5 s is measured on the decoded OGG/Opus.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import CueKind, Timeline, plan
from guide_bot.speech.cache import AudioCache
from guide_bot.speech.codecs import decode
from guide_bot.speech.cues import CueAudio
from guide_bot.speech.espeak_engine import EspeakEngine
from guide_bot.speech.notes import VoiceNotes
from guide_bot.speech.ports import Pcm
from guide_bot.speech.track import opened_segment, render_segment, segment

ROUTINE: dict[str, Any] = {
    "id": "picked-up",
    "title": "Picked up",
    "summary": "A routine for lead-in tests.",
    "areas": ["neck"],
    "complaints": ["neck-pain"],
    "tools": ["ball"],
    "get_ready_s": 3,
    "steps": [
        {
            "title": "Upper trapezius",
            "instruction": "Lean into the ball.",
            "technique": "compress",
            "hold_s": 40,
            "sides": "left-right",
            "cues": [{"at_s": 25, "text": "Breathe out slowly."}],
        }
    ],
}
OPENINGS = ("Right side, thirty seconds left.", "Right side.")


@pytest.fixture
def cues(cache: AudioCache, espeak: EspeakEngine) -> CueAudio:
    return CueAudio(espeak, cache)


@pytest.fixture
def timeline(cues: CueAudio) -> Timeline:
    return plan(Routine.model_validate(ROUTINE), speak_s=cues.duration_s)


def level(pcm: Pcm, start_s: float, end_s: float) -> float:
    samples = np.frombuffer(pcm.samples, dtype="<i2").astype(np.float64) / 32768
    part = samples[round(start_s * pcm.rate) : round(end_s * pcm.rate)]
    return float(np.sqrt(np.mean(part**2)))


def of_kind(timeline: Timeline, kind: CueKind) -> list[Any]:
    return [e for e in timeline.events if e.kind is kind]


def test_a_note_from_mid_hold_opens_with_where_the_person_is(
    cues: CueAudio, timeline: Timeline
) -> None:
    hold = timeline.holds[0]
    start = hold.start_s + 3  # 37 s left; the step's cue is 22 s away
    end = timeline.total_s
    plain = render_segment(segment(timeline, start, end), cues, chimes=False)
    assert level(plain, 0, 0.5) == 0  # what the note used to be: silence first

    seg = opened_segment(timeline, start, end, OPENINGS, cues.duration_s)
    lead, *rest = seg.events
    assert (lead.kind, lead.text, lead.at_s) == (CueKind.LEAD_IN, OPENINGS[0], start)
    assert [e.kind for e in rest][:2] == [CueKind.HALFWAY, CueKind.CUE]
    assert rest == [e for e in timeline.events if start <= e.at_s < end or e.at_s == end]

    note = VoiceNotes(cues, chimes=False).segment(seg)
    audio = decode(note.data, rate=22_050)
    assert level(audio, 0, 0.5) > 0.02
    # everything after the words stays at its planned time, to the sample
    mix = np.frombuffer(render_segment(seg, cues, chimes=False).samples, dtype="<i2")
    for event in rest:
        if event.spoken:
            clip = np.frombuffer(cues.clip(event.text).samples, dtype="<i2")
            at = round((event.at_s - start) * 22_050)
            assert np.array_equal(mix[at : at + len(clip)], clip), event.kind


def test_countdown_numbers_give_way_to_the_words(cues: CueAudio, timeline: Timeline) -> None:
    release = of_kind(timeline, CueKind.RELEASE)[0]
    start = release.at_s - 3.5  # "3", "2", "1" are about to be said
    seg = opened_segment(timeline, start, timeline.total_s, ("Right side.",), cues.duration_s)
    spoken = [e for e in seg.events if e.spoken]
    assert spoken[0].kind is CueKind.LEAD_IN
    lead_end = start + spoken[0].speak_s
    kept = [e for e in spoken[1:] if e.kind is CueKind.COUNTDOWN]
    assert all(e.at_s >= lead_end + 0.25 for e in kept)
    assert release in seg.events  # the release itself is never dropped


def test_a_shorter_wording_when_a_cue_that_must_be_said_is_close(
    cues: CueAudio, timeline: Timeline
) -> None:
    cue = of_kind(timeline, CueKind.CUE)[0]
    room = cues.duration_s(OPENINGS[1]) + 0.5  # room for "Right side." only
    assert room < cues.duration_s(OPENINGS[0])
    seg = opened_segment(timeline, cue.at_s - room, timeline.total_s, OPENINGS, cues.duration_s)
    assert seg.events[0].text == "Right side."
    assert cue in seg.events


def test_no_room_at_all_starts_the_note_at_the_next_cue(cues: CueAudio, timeline: Timeline) -> None:
    release = of_kind(timeline, CueKind.RELEASE)[0]
    start = release.at_s - 0.3
    seg = opened_segment(timeline, start, timeline.total_s, OPENINGS, cues.duration_s)
    assert seg.start_s == release.at_s
    assert seg.events[0] == release
    audio = render_segment(seg, cues, chimes=False)
    assert level(audio, 0, 0.5) > 0.02
