"""Hypothesis strategies: random routines within the schema's limits, and voices of any speed.

Holds are kept short so that a whole session runs in a few hundred events at most.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from guide_bot.domain.reading import speaking_time_s
from guide_bot.domain.routine import Routine

CUE_TEXTS = [
    "Breathe out.",
    "Let the shoulder drop.",
    "Soften your jaw, your tongue and the space between your eyebrows, then let it all go.",
    "Ease off a little if the ache grows; it should stay a good ache and never turn sharp.",
]


@st.composite
def steps(draw: st.DrawFn) -> dict[str, Any]:
    hold_s = draw(st.integers(min_value=1, max_value=45))
    cue_times = st.floats(min_value=0.05, max_value=hold_s - 0.05) if hold_s > 0.1 else st.nothing()
    cues = draw(
        st.lists(
            st.fixed_dictionaries({"at_s": cue_times, "text": st.sampled_from(CUE_TEXTS)}),
            max_size=3,
        )
    )
    technique = draw(st.sampled_from(["compress", "stretch", "roll", "breathe", "move"]))
    sides = draw(st.sampled_from(["none", "left-right"]))
    extra: dict[str, Any] = {}
    if technique == "breathe" and draw(st.booleans()):
        extra["pace"] = {"in_s": draw(st.sampled_from([2.0, 4.0])), "out_s": 6.0}
    if sides == "left-right" and draw(st.booleans()):
        extra["lie_on"] = draw(st.sampled_from(["worked-side", "other-side"]))
    if draw(st.booleans()):
        extra["caution"] = "Keep off the spine."
    return extra | {
        "title": draw(st.sampled_from(["Upper trapezius", "Calf", "Slow breathing"])),
        "instruction": draw(st.sampled_from(["Do it.", "Lean into the ball and hold it there."])),
        "technique": technique,
        "hold_s": hold_s,
        "sides": sides,
        "reps": draw(st.integers(min_value=1, max_value=3)),
        "rest_s": draw(st.sampled_from([0, 0, 3, 10])),
        "cues": cues,
    }


@st.composite
def routines(draw: st.DrawFn) -> Routine:
    return Routine.model_validate(
        {
            "id": "random",
            "title": "Random routine",
            "summary": "Made by hypothesis.",
            "areas": ["neck"],
            "complaints": ["stiffness"],
            "tools": ["ball"],
            "get_ready_s": draw(st.integers(min_value=0, max_value=12)),
            "ending": draw(st.sampled_from(["complete", "complete", "fade"])),
            "steps": draw(st.lists(steps(), min_size=1, max_size=4)),
        }
    )


def speakers() -> st.SearchStrategy[Callable[[str], float]]:
    """The estimate, or a voice that is faster or slower than it (as a real engine may be)."""
    return st.floats(min_value=0.5, max_value=2.0).map(
        lambda factor: lambda text: round(speaking_time_s(text) * factor, 3)
    )
