"""Properties of the planner over random routines (hypothesis), within the schema's limits."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st
from routine_strategies import CUE_TEXTS, routines, speakers

from guide_bot.domain.cues import (
    BREATHE_IN_TEXT,
    BREATHE_OUT_TEXT,
    HALFWAY_TECHNIQUES,
    RELEASE_BY_TECHNIQUE,
    STOP_RULE,
    release_text,
)
from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import CueKind, PlanOptions, Timeline, plan

FAST = settings(deadline=None)


def check_no_overlap(timeline: Timeline, gap: float) -> None:
    spoken = [e for e in timeline.events if e.spoken]
    for before, after in itertools.pairwise(spoken):
        assert before.at_s + before.speak_s + gap <= after.at_s + 1e-9, (before, after)


@FAST
@given(routine=routines(), speak=speakers(), countdown=st.booleans())
def test_plan_invariants(routine: Routine, speak: Callable[[str], float], countdown: bool) -> None:
    options = PlanOptions(countdown=countdown)
    timeline = plan(routine, speak_s=speak, options=options)
    events = timeline.events
    assert [e.at_s for e in events] == sorted(e.at_s for e in events)
    assert events[-1].kind is CueKind.COMPLETE
    assert events[-1].at_s == timeline.total_s
    assert events[-1].speak_s == 0
    assert [e.kind for e in events].count(CueKind.COMPLETE) == 1
    check_no_overlap(timeline, options.gap_s)
    if not countdown:
        assert CueKind.COUNTDOWN not in {e.kind for e in events}
    holds_expected = sum(len(s.side_names) * s.reps for s in routine.steps)
    assert len(timeline.holds) == holds_expected
    starts = [e for e in events if e.kind is CueKind.HOLD_START]
    releases = [e for e in events if e.kind is CueKind.RELEASE]
    assert len(starts) == len(releases) == holds_expected
    for hold, start, release in zip(timeline.holds, starts, releases, strict=True):
        step = routine.steps[hold.step - 1]
        assert (hold.start_s, hold.end_s) == (start.at_s + start.speak_s, release.at_s)
        assert hold.end_s - hold.start_s >= step.hold_s - 1e-9  # the hold is never shortened
        inside = [e for e in events if hold.start_s < e.at_s < release.at_s]
        assert all(e.step == hold.step and e.side == hold.side for e in inside)
        assert [e.kind for e in inside].count(CueKind.CUE) == len(step.cues)
        if step.hold_s < options.halfway_min_hold_s:
            assert CueKind.HALFWAY not in {e.kind for e in inside}
        numbers = [e.text for e in inside if e.kind is CueKind.COUNTDOWN]
        assert numbers == [str(n) for n in range(len(numbers), 0, -1)]
        if hold.end_s - hold.start_s > step.hold_s + 1e-9:  # grown only when cues cannot fit
            said = sum(speak(c.text) + options.gap_s for c in step.cues)
            assert said + options.gap_s > step.hold_s
    for number, begin in enumerate(timeline.step_starts, start=1):
        announce = next(e for e in events if e.kind is CueKind.ANNOUNCE and e.step == number)
        first_hold = next(e for e in starts if e.step == number)
        assert announce.at_s == begin
        assert first_hold.at_s >= announce.at_s + announce.speak_s  # never eats the hold
        if step.technique not in HALFWAY_TECHNIQUES:  # nothing is held while breathing or moving
            assert CueKind.HALFWAY not in {e.kind for e in inside}
            assert start.text.endswith(("Breathe now.", "Move now.", "Breathe in."))
        pace = [e for e in inside if e.kind is CueKind.PACE]
        if step.pace is None:
            assert pace == []
        else:  # "in" on each period from the hold start, "out" in_s later (where they fit)
            period = step.pace.in_s + step.pace.out_s
            for event in pace:
                phase = round((event.at_s - hold.start_s) % period, 6) % period
                expected = BREATHE_IN_TEXT if phase == 0 else BREATHE_OUT_TEXT
                assert phase in {0, step.pace.in_s}
                assert event.text == expected
            if not step.cues and step.hold_s > step.pace.in_s + 1:
                assert pace
                assert pace[0].text == BREATHE_OUT_TEXT
            assert CueKind.COUNTDOWN not in {e.kind for e in inside}
    assert events[0].kind is CueKind.PREPARE
    assert STOP_RULE in events[0].text
    final = releases[-1]
    last_step = routine.steps[-1]
    assert final.text == release_text(last_step, final=True, ending=routine.ending)
    if routine.ending == "fade":
        assert timeline.quiet_end
        assert "complete" not in final.text
        last_hold = [e for e in events if timeline.holds[-1].start_s < e.at_s < final.at_s]
        assert CueKind.COUNTDOWN not in {e.kind for e in last_hold}
    else:
        assert "complete" in final.text
        assert final.text.startswith(RELEASE_BY_TECHNIQUE[last_step.technique])


def test_a_step_too_short_for_its_cues_grows_instead_of_talking_over() -> None:
    routine = Routine.model_validate(
        {
            "id": "tight",
            "title": "Tight",
            "summary": "x",
            "areas": ["neck"],
            "complaints": ["stiffness"],
            "tools": ["ball"],
            "steps": [
                {
                    "title": "Short",
                    "instruction": "Do it.",
                    "technique": "compress",
                    "hold_s": 3,
                    "cues": [{"at_s": 1, "text": CUE_TEXTS[2]}],
                }
            ],
        }
    )
    timeline = plan(routine)
    check_no_overlap(timeline, PlanOptions().gap_s)
    (hold,) = timeline.holds
    assert hold.end_s - hold.start_s > 3
