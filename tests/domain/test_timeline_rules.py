"""The planner's rules, one case each: the words it adds and where it puts them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from routine_strategies import CUE_TEXTS

from guide_bot.domain.cues import STOP_RULE
from guide_bot.domain.positioning import SETTLE_BY_TECHNIQUE_S
from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import CueKind, PlanOptions, Timeline, TimelineEvent, plan

Factory = Callable[..., Routine]


def of_kind(timeline: Timeline, kind: CueKind) -> list[TimelineEvent]:
    return [e for e in timeline.events if e.kind is kind]


def test_json_shape_is_exactly_the_documented_one(two_steps: Timeline) -> None:
    data = two_steps.to_dict()
    assert set(data) == {"routine", "total_s", "events"}
    assert data["routine"] == "test-routine"
    assert isinstance(data["total_s"], float)
    events = data["events"]
    assert isinstance(events, list)
    for event in events:
        assert set(event) == {"at_s", "kind", "step", "side", "text", "speak_s"}
        assert event["kind"] in {kind.value for kind in CueKind}
    assert [e["at_s"] for e in events] == sorted(e["at_s"] for e in events)


def test_the_hold_starts_after_the_instruction_and_its_own_words(two_steps: Timeline) -> None:
    announce = of_kind(two_steps, CueKind.ANNOUNCE)[0]
    start = of_kind(two_steps, CueKind.HOLD_START)[0]
    assert start.at_s >= announce.at_s + announce.speak_s + SETTLE_BY_TECHNIQUE_S["compress"]
    hold = two_steps.holds[0]
    assert hold.start_s == start.at_s + start.speak_s
    assert hold.end_s - hold.start_s == pytest.approx(30)


def test_halfway_only_for_holds_of_twenty_seconds_or_more(make_routine: Factory) -> None:
    timeline = plan(make_routine([{"hold_s": 19}, {"hold_s": 20}]))
    assert [e.step for e in of_kind(timeline, CueKind.HALFWAY)] == [2]
    halfway = of_kind(timeline, CueKind.HALFWAY)[0]
    hold = timeline.holds[1]
    assert halfway.at_s == pytest.approx(hold.start_s + 10)


def test_countdown_ends_one_second_before_the_release(two_steps: Timeline) -> None:
    numbers = [e for e in two_steps.events if e.kind is CueKind.COUNTDOWN and e.step == 2]
    release = next(e for e in of_kind(two_steps, CueKind.RELEASE) if e.step == 2)
    assert [e.text for e in numbers] == ["3", "2", "1"]
    assert [release.at_s - e.at_s for e in numbers] == pytest.approx([3, 2, 1])


def test_countdown_can_be_switched_off(make_routine: Factory) -> None:
    routine = make_routine([{"hold_s": 30}])
    assert of_kind(plan(routine, options=PlanOptions(countdown=False)), CueKind.COUNTDOWN) == []
    assert len(of_kind(plan(routine), CueKind.COUNTDOWN)) == 3


def test_no_countdown_in_a_short_hold(make_routine: Factory) -> None:
    assert of_kind(plan(make_routine([{"hold_s": 7}])), CueKind.COUNTDOWN) == []


def test_sides_switch_with_a_cue_and_time_to_move(two_steps: Timeline) -> None:
    switch = of_kind(two_steps, CueKind.SWITCH_SIDES)
    assert [(e.side, e.text) for e in switch] == [("left", "Switch to the left side.")]
    left_start = next(e for e in of_kind(two_steps, CueKind.HOLD_START) if e.side == "left")
    assert left_start.at_s >= switch[0].at_s + switch[0].speak_s + PlanOptions().switch_s
    assert left_start.text == "Left side. Press now."


def test_repetitions_say_next_repetition_and_switch_back(make_routine: Factory) -> None:
    timeline = plan(make_routine([{"hold_s": 10, "reps": 2, "sides": "left-right"}]))
    starts = [e.text for e in of_kind(timeline, CueKind.HOLD_START)]
    assert starts == [
        "Repetition 1 of 2. Right side. Press now.",
        "Left side. Press now.",
        "Next repetition, 2 of 2. Right side. Press now.",
        "Left side. Press now.",
    ]
    switches = [e.side for e in of_kind(timeline, CueKind.SWITCH_SIDES)]
    assert switches == ["left", "right", "left"]


def test_repetitions_without_rest_get_a_breath_between(make_routine: Factory) -> None:
    timeline = plan(make_routine([{"hold_s": 10, "reps": 2}]))
    first_release = of_kind(timeline, CueKind.RELEASE)[0]
    second = of_kind(timeline, CueKind.HOLD_START)[1]
    breath = PlanOptions().between_reps_s
    assert second.at_s - (first_release.at_s + first_release.speak_s) >= breath


def test_rest_lasts_its_seconds_and_names_the_next_step(make_routine: Factory) -> None:
    routine = make_routine([{"hold_s": 10, "rest_s": 20, "title": "A"}, {"hold_s": 10}])
    timeline = plan(routine)
    (rest,) = of_kind(timeline, CueKind.REST)
    assert rest.text == "Rest for 20 seconds. Next: Step 2."
    assert timeline.step_starts[1] == pytest.approx(rest.at_s + 20)


def test_no_rest_after_the_last_hold_and_the_final_release_says_it_is_over(
    make_routine: Factory,
) -> None:
    timeline = plan(make_routine([{"hold_s": 10, "rest_s": 5}]))
    assert of_kind(timeline, CueKind.REST) == []
    assert of_kind(timeline, CueKind.RELEASE)[-1].text == "Release. Session complete, well done."
    complete = timeline.events[-1]
    assert (complete.kind, complete.speak_s, complete.at_s) == (
        CueKind.COMPLETE,
        0.0,
        timeline.total_s,
    )


def test_get_ready_without_seconds(make_routine: Factory) -> None:
    timeline = plan(make_routine([{"hold_s": 10}], get_ready_s=0))
    prepare = timeline.events[0]
    assert prepare.text == f"Get ready for Test routine. {STOP_RULE}"
    announce = of_kind(timeline, CueKind.ANNOUNCE)[0]
    assert announce.at_s >= prepare.speak_s + PlanOptions().gap_s


def test_author_cue_moves_later_past_the_words_that_start_the_hold(
    make_routine: Factory,
) -> None:
    timeline = plan(make_routine([{"hold_s": 30, "cues": [{"at_s": 0.1, "text": "Breathe out."}]}]))
    (cue,) = of_kind(timeline, CueKind.CUE)
    assert cue.at_s == pytest.approx(timeline.holds[0].start_s + PlanOptions().gap_s)


def test_author_cue_near_the_end_moves_earlier_and_the_countdown_gives_way(
    make_routine: Factory,
) -> None:
    text = CUE_TEXTS[1]
    timeline = plan(make_routine([{"hold_s": 30, "cues": [{"at_s": 29, "text": text}]}]))
    (cue,) = of_kind(timeline, CueKind.CUE)
    release = of_kind(timeline, CueKind.RELEASE)[0]
    assert cue.at_s + cue.speak_s + PlanOptions().gap_s == pytest.approx(release.at_s)
    assert of_kind(timeline, CueKind.COUNTDOWN) == []  # "1" would talk over it, so none


def test_halfway_gives_way_to_an_author_cue(make_routine: Factory) -> None:
    timeline = plan(make_routine([{"hold_s": 30, "cues": [{"at_s": 15, "text": CUE_TEXTS[0]}]}]))
    assert of_kind(timeline, CueKind.HALFWAY) == []
    assert len(of_kind(timeline, CueKind.CUE)) == 1


def test_measured_durations_move_everything(make_routine: Factory) -> None:
    routine = make_routine([{"hold_s": 20}])
    slow = plan(routine, speak_s=lambda text: 2.0 * len(text.split()))
    fast = plan(routine)
    assert slow.total_s > fast.total_s
    assert slow.holds[0].end_s - slow.holds[0].start_s == pytest.approx(20)


def test_cues_that_fill_a_hold_exactly_do_not_grow_it(make_routine: Factory) -> None:
    # Found by hypothesis: the hold start, a 0.25 s gap and three cues with their gaps add up to
    # the 6 s hold only up to float rounding, and the hold grew by a hair instead of the cues
    # moving earlier.
    texts = ["Breathe out.", CUE_TEXTS[3], "Breathe out."]
    routine = make_routine([{"hold_s": 6, "cues": [{"at_s": 1.0, "text": t} for t in texts]}])
    speak = {"Breathe out.": 0.3, CUE_TEXTS[3]: 4.4}
    gap = PlanOptions().gap_s
    assert gap + sum(speak[t] + gap for t in texts) == pytest.approx(6.0)
    timeline = plan(routine, speak_s=lambda text: speak.get(text, 1.3))
    hold = timeline.holds[0]
    assert hold.end_s - hold.start_s == pytest.approx(6.0, abs=1e-12)
    assert len(of_kind(timeline, CueKind.CUE)) == 3
