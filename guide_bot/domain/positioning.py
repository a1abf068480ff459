"""Time to get into position: the quiet between a step's instruction and its "... now".

People follow a session with their hands busy and often their eyes closed. After the instruction
they still have to put the ball in place, lie down or lean against the wall before the hold can
start, so every step gets a settle time after its announcement: the step's own `settle_s` when
the file gives one, otherwise a default per technique, plus more when the step puts the person
somewhere new (onto the floor, a roller or against a wall) compared with the step before.

What a step asks of the body is read from what the file already says (its loads, `lie_on` and
tools), so a routine needs no extra field for this. The planner is the only user of these times:
every front end (notes, tracks, the terminal player, the live view) plays the planner's timeline,
so the settle time is counted once, here, and the same everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from guide_bot.domain.routine import StepFields

# The default settle time of a step by technique: placing a ball or getting onto a roller takes a
# moment longer than starting a stretch, a movement or a breath.
SETTLE_BY_TECHNIQUE_S: dict[str, int] = {
    "compress": 6,
    "roll": 6,
    "stretch": 5,
    "move": 5,
    "breathe": 5,
}
POSITION_CHANGE_S = 5  # more when the step puts the person somewhere new
SIDE_LYING_SWITCH_S = 5  # more to switch sides when that means turning over onto the other side
SETTLE_LINT_S = (5, 30)  # what lint accepts for a step's own `settle_s`

# The setups that take getting into, and the words docs and messages use for them.
SETUPS: dict[str, str] = {
    "lying-on-back": "lying on the back",
    "lying-face-down": "lying face down",
    "lying-on-side": "lying on one side",
    "kneeling": "kneeling",
    "roller": "on a foam roller",
    "floor": "sitting on the floor",
    "wall": "against a wall",
}
_LYING_LOADS = ("lying-on-back", "lying-face-down", "kneeling")


def setup_of(step: StepFields) -> frozenset[str]:
    """Where the step puts the person (names of SETUPS); empty for standing or sitting freely.

    A wall or a mat listed among the tools counts only when the step is not already lying or
    kneeling: tools are alternatives, and a step that lies on a ball "or" uses a wall lies down.
    """
    found: set[str] = {load for load in _LYING_LOADS if load in step.loads}
    if step.lie_on is not None:
        found.add("lying-on-side")
    if "foam-roller" in step.tools:
        found.add("roller")
    if not found:
        if "mat" in step.tools:
            found.add("floor")
        if "wall" in step.tools:
            found.add("wall")
    return frozenset(found)


def changes_position(step: StepFields, previous: StepFields | None) -> bool:
    """Whether the step puts the person into a setup the step before did not have.

    Getting up to stand or sit freely is not counted: the default settle time covers it.
    """
    setup = setup_of(step)
    before = setup_of(previous) if previous is not None else frozenset()
    return bool(setup) and setup != before


def settle_s(step: StepFields, previous: StepFields | None) -> int:
    """Seconds of quiet between the step's announcement and its first "... now"."""
    if step.settle_s is not None:
        return step.settle_s
    extra = POSITION_CHANGE_S if changes_position(step, previous) else 0
    return SETTLE_BY_TECHNIQUE_S[step.technique] + extra


def settle_times(steps: Sequence[StepFields]) -> tuple[int, ...]:
    """The settle time of every step, in order, each judged against the step before it."""
    return tuple(
        settle_s(step, steps[index - 1] if index else None) for index, step in enumerate(steps)
    )


def switch_extra_s(step: StepFields) -> int:
    """Seconds added to the switch between sides: a side-lying step means turning over."""
    return SIDE_LYING_SWITCH_S if step.lie_on is not None else 0
