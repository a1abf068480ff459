"""The three lengths of a routine: quick (a 2-4 minute taster), standard and full.

A step says which lengths it is part of (`lengths:`, standard and full by default) and how it
differs in the quick or the full one (`quick:` and `full:` override hold_s, reps and rest_s). The
standard length is the step as written. `select_length` turns a routine into the plain routine of
one length, which the planner and every front end take as they take any routine.
"""

from __future__ import annotations

from guide_bot.domain.routine import LENGTHS, Length, LengthOverride, Routine, Step

DEFAULT_LENGTH: Length = "standard"


class LengthUnavailable(ValueError):
    """The routine has no step in the length asked for."""


def available_lengths(routine: Routine) -> tuple[Length, ...]:
    """The lengths this routine can be played in, shortest first."""
    found = {length for step in routine.steps for length in step.in_lengths}
    return tuple(length for length in LENGTHS if length in found)


def step_in_length(step: Step, length: Length) -> Step | None:
    """The step as it is played in `length`, or None when it is not part of that length."""
    if length not in step.in_lengths:
        return None
    override: LengthOverride | None = step.quick if length == "quick" else None
    if length == "full":
        override = step.full
    changes: dict[str, object] = {"lengths": None, "quick": None, "full": None}
    if override is not None:
        changes.update(override.model_dump(exclude_none=True))
    return step.model_copy(update=changes)


def length_steps(routine: Routine, length: Length) -> list[tuple[int, Step]]:
    """(index in the file, step as played) for every step of one length."""
    found: list[tuple[int, Step]] = []
    for index, step in enumerate(routine.steps):
        played = step_in_length(step, length)
        if played is not None:
            found.append((index, played))
    return found


def select_length(routine: Routine, length: Length = DEFAULT_LENGTH) -> Routine:
    """The routine as played in one length; raises LengthUnavailable when it has none."""
    steps = [step for _, step in length_steps(routine, length)]
    if not steps:
        offered = ", ".join(available_lengths(routine))
        raise LengthUnavailable(
            f"routine {routine.id!r} has no {length} length; allowed: {offered}"
        )
    return routine.model_copy(update={"steps": tuple(steps)})


def as_played(routine: Routine) -> Routine:
    """The routine itself when it is plain, else its standard length (what `plan` plays)."""
    plain = all(s.lengths is None and s.quick is None and s.full is None for s in routine.steps)
    if plain or "standard" not in available_lengths(routine):
        return routine
    return select_length(routine, "standard")
