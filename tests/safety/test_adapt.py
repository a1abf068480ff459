"""adapt(): what each screening answer leaves out, replaces or softens, and what it refuses."""

from __future__ import annotations

import pytest

from guide_bot.domain.adapt import adapt, personalise
from guide_bot.domain.conditions import CONDITION_NAMES, CONDITIONS, UnknownCondition, resolve
from guide_bot.domain.lengths import available_lengths, select_length
from guide_bot.domain.routine import Routine

RULED_OUT = {
    "osteoporosis": {"trunk-flexion", "trunk-twist", "spine-rolling"},
    "pregnancy": {"lying-face-down", "vein-pressure"},
    "pregnancy_over_20_weeks": {"lying-face-down", "vein-pressure", "lying-on-back"},
    "varicose_veins": {"vein-pressure"},
}


@pytest.mark.parametrize("condition", sorted(RULED_OUT))
def test_no_routine_in_any_length_keeps_a_step_the_guidance_rules_out(
    shipped: dict[str, Routine], condition: str
) -> None:
    changed = 0
    for routine in shipped.values():
        for length in available_lengths(routine):
            played = select_length(routine, length)
            result = adapt(played, [condition])
            if result.routine is None:
                assert [a.kind for a in result.refusals] == ["nothing_left"]
                continue
            for step in result.routine.steps:
                assert not RULED_OUT[condition] & set(step.loads), (routine.id, step.title)
            changed += len(result.changes)
            before = [s for s in played.steps if RULED_OUT[condition] & set(s.loads)]
            assert len([c for c in result.changes if c.action in {"left out", "replaced"}]) == len(
                before
            )
    assert changed > 0


def test_pregnancy_keeps_pressure_gentle_and_says_so(shipped: dict[str, Routine]) -> None:
    result = adapt(shipped["neck-release"], ["pregnancy"])
    assert result.routine is not None
    for step in result.routine.steps:
        if step.pressure is not None:
            assert step.pressure <= 4
            assert f"{step.pressure} out of 10" in step.instruction
    softened = [c for c in result.changes if c.action == "softened"]
    assert softened
    assert all("pressure 6 -> 4" in c.why for c in softened)


def test_osteoporosis_replaces_knee_hugs_with_the_gentler_step_and_says_why(
    shipped: dict[str, Routine],
) -> None:
    result = adapt(shipped["lower-back-relief"], ["osteoporosis"])
    assert result.routine is not None
    titles = [s.title for s in result.routine.steps]
    assert "Knees to chest" not in titles
    assert "Lying twist" not in titles
    assert "Standing pelvic tilt" in titles
    texts = [c.text for c in result.changes]
    assert any(
        t.startswith("Step 3 (Knees to chest) replaced: now 'Standing pelvic tilt'") for t in texts
    )
    assert any(t.startswith("Step 4 (Lying twist) left out:") for t in texts)
    assert all("Too Fit to Fracture" in t for t in texts)


def test_bleeding_risk_softens_to_light_pressure_and_prefers_the_hand(
    shipped: dict[str, Routine],
) -> None:
    result = adapt(shipped["neck-release"], ["bleeding_risk"])
    assert result.routine is not None
    first = result.routine.steps[0]
    assert first.title == "Shoulder squeeze by hand"  # the body-weight ball step is replaced
    assert all(s.pressure is None or s.pressure <= 3 for s in result.routine.steps)
    assert "3 out of 10" in result.routine.steps[1].instruction


def test_65_plus_holds_stretches_longer_and_adds_balance_support(
    shipped: dict[str, Routine],
) -> None:
    morning = select_length(shipped["morning-mobility"], "standard")
    result = adapt(morning, ["age_65_plus"])
    assert result.routine is not None
    for before, after in zip(morning.steps, result.routine.steps, strict=True):
        if after.technique == "stretch":
            assert 30 <= after.hold_s <= 60
            if before.hold_s < 30:  # 3 x 20 s becomes 2 x 30 s: the same minute, longer holds
                assert after.hold_s * after.reps == before.hold_s * before.reps
                assert any(c.action == "held longer" for c in result.changes)
    legs = adapt(shipped["legs-after-sport"], ["age_65_plus"]).routine
    assert legs is not None
    balance = [s for s in legs.steps if "standing-balance" in s.loads]
    assert balance
    assert all("wall or a chair for balance" in s.instruction for s in balance)


@pytest.mark.parametrize(
    "condition", [c.name for c in CONDITIONS if c.kind in {"stop", "ask_first"}]
)
def test_not_now_and_ask_first_refuse_with_advice(
    shipped: dict[str, Routine], condition: str
) -> None:
    result = adapt(shipped["neck-release"], ["age_65_plus", condition])
    assert result.refused
    assert result.routine is None
    (advice,) = result.refusals
    assert advice.condition == condition
    assert advice.kind in {"stop", "ask_first"}
    assert advice.text


def test_a_routine_with_nothing_left_is_refused_not_played_empty(
    shipped: dict[str, Routine],
) -> None:
    only_back = shipped["bedtime-relaxation"].model_copy(
        update={"steps": shipped["bedtime-relaxation"].steps[1:4]}  # all lying on the back
    )
    result = adapt(only_back, ["pregnancy_over_20_weeks"])
    assert result.routine is None
    assert [a.kind for a in result.refusals] == ["nothing_left"]
    assert len(result.changes) == 3


def test_unknown_condition_names_the_allowed_ones(shipped: dict[str, Routine]) -> None:
    with pytest.raises(UnknownCondition) as caught:
        adapt(shipped["neck-release"], ["osteoporosiss"])
    assert "osteoporosiss" in str(caught.value)
    for name in CONDITION_NAMES:
        assert name in str(caught.value)


def test_names_are_stable_snake_case_and_past_20_weeks_implies_pregnancy() -> None:
    assert all(name.replace("_", "").isalnum() and name.islower() for name in CONDITION_NAMES)
    assert len(set(CONDITION_NAMES)) == len(CONDITION_NAMES) == 13
    assert [c.name for c in resolve(["pregnancy_over_20_weeks"])] == [
        "pregnancy",
        "pregnancy_over_20_weeks",
    ]


def test_no_conditions_change_nothing_and_notes_come_once(shipped: dict[str, Routine]) -> None:
    routine = shipped["heel-and-arch"]
    assert adapt(routine, []).routine == routine
    assert adapt(routine, []).changes == ()
    notes = [c for c in adapt(routine, ["skin_damage"]).changes if c.action == "note"]
    assert [c.step for c in notes] == [None]


def test_personalise_plays_the_length_then_adapts(shipped: dict[str, Routine]) -> None:
    result = personalise(shipped["hips-and-glutes"], length="quick", conditions=["age_65_plus"])
    assert result.routine is not None
    quick = select_length(shipped["hips-and-glutes"], "quick")
    assert [s.title for s in result.routine.steps] == [s.title for s in quick.steps]
    assert all(s.lengths is None and s.quick is None for s in result.routine.steps)
