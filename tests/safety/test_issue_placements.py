"""The placements issue 17 lists are fixed in the shipped library (words and pictures agree)."""

from __future__ import annotations

from guide_bot.domain.body_map import DANGER_ZONES, zones_hit
from guide_bot.domain.lengths import available_lengths, select_length
from guide_bot.domain.routine import Routine, Step
from guide_bot.domain.timeline import plan


def _step(routine: Routine, title: str) -> Step:
    return next(s for s in routine.steps if s.title == title)


def test_lower_back_presses_just_above_the_hip_bone_not_over_the_kidneys(
    shipped: dict[str, Routine],
) -> None:
    step = shipped["lower-back-relief"].steps[0]
    assert "just above the top of the hip bone" in step.instruction
    assert "two finger widths to one side of the spine" in step.instruction
    assert "lowest rib" not in step.instruction
    assert step.where is not None
    assert zones_hit("back", step.where.points, DANGER_ZONES) == []


def test_shoulder_chest_and_jaw_points_moved_off_the_armpit_and_the_joint(
    shipped: dict[str, Routine],
) -> None:
    shoulder = shipped["shoulder-release"]
    assert not any("armpit fold" in s.instruction for s in shoulder.steps)
    assert (
        "outer edge of your shoulder blade"
        in _step(shoulder, "Outer edge of the shoulder blade").instruction
    )
    chest = _step(shipped["chest-opener"], "Front of the chest")
    assert "halfway between the breastbone and" in chest.instruction
    assert "hand's width in from the shoulder" not in chest.instruction
    jaw = _step(shipped["tension-headache"], "Jaw muscle")
    assert "two finger-widths in front of the" in jaw.instruction
    assert "above the angle of the jaw" in jaw.instruction


def test_neck_release_reaches_the_top_of_the_shoulder_without_a_wall_behind(
    shipped: dict[str, Routine],
) -> None:
    first = shipped["neck-release"].steps[0]
    assert first.instruction.startswith("Lie on your back")
    assert "lying-on-back" in first.loads
    assert first.alternative is not None  # by hand, for those who must not lie on the back


def test_quads_stop_below_the_hip_crease_and_the_head_is_held(
    shipped: dict[str, Routine],
) -> None:
    quads = _step(shipped["legs-after-sport"], "Front of the thigh")
    assert "a hand's width below the hip crease" in quads.instruction
    assert quads.where is not None
    assert zones_hit("front", quads.where.points, DANGER_ZONES) == []
    roll = _step(shipped["upper-back-roll"], "Upper back roll")
    assert "behind your head to hold its weight" in roll.instruction


def test_mornings_hinge_at_the_hips_and_bedtime_fades_with_a_paced_breath(
    shipped: dict[str, Routine],
) -> None:
    morning = shipped["morning-mobility"]
    for length in available_lengths(morning):
        words = " ".join(e.text for e in plan(select_length(morning, length)).events).lower()
        assert "fold forward" not in words
        assert "forward fold" not in words
    assert "Hip hinge" in [s.title for s in morning.steps]
    bedtime = shipped["bedtime-relaxation"]
    assert bedtime.ending == "fade"
    exhale = _step(bedtime, "Long exhale breathing")
    assert exhale.pace is not None
    assert exhale.pace.out_s == 2 * exhale.pace.in_s
    assert "four" not in exhale.instruction
    assert "eight" not in exhale.instruction


def test_where_does_it_hurt_finds_every_new_routine(shipped: dict[str, Routine]) -> None:
    wanted = {
        "sciatica-like": "buttock-pain-down-the-leg",
        "hip-pain": "outer-hip-and-thigh",
        "heel-arch-pain": "heel-and-arch",
        "jaw-clenching": "jaw-clenching",
        "pregnancy": "pregnancy-gentle-release",
        "older-adults": "chair-routine-older-adults",
        "forearm-grip": "forearms-and-grip",
        "warm-up": "dynamic-warm-up",
        "micro-break": "desk-micro-break",
    }
    for complaint, routine_id in wanted.items():
        assert complaint in shipped[routine_id].complaints


def test_the_pregnancy_routine_needs_no_change_for_pregnancy(
    shipped: dict[str, Routine],
) -> None:
    from guide_bot.domain.adapt import adapt

    routine = shipped["pregnancy-gentle-release"]
    for length in available_lengths(routine):
        result = adapt(select_length(routine, length), ["pregnancy_over_20_weeks"])
        assert result.routine is not None
        assert result.changes == ()
