"""Fitting a routine to the person before it starts: the length they picked, their screening.

The user's ticked conditions split three ways (domain/conditions.py): `stop` ones refuse the
routine with their advice, `ask_first` ones need a confirming tap ("I have asked, and it is
fine"), and `adapt` ones change the routine (domain/adapt.py). Only the adapting ones reach the
session's plan, with the length (sessions/plans.py `PlanChoice`), so a restart plays the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from guide_bot.domain.adapt import Adaptation, personalise
from guide_bot.domain.conditions import BY_NAME, Condition, resolve
from guide_bot.domain.lengths import DEFAULT_LENGTH, available_lengths
from guide_bot.domain.routine import Length, Routine
from guide_bot.domain.wording import ENGLISH, Wording
from guide_bot.sessions.plans import PlanChoice
from guide_bot.telegram.callbacks import LengthCode

CODES: dict[Length, LengthCode] = {"quick": "q", "standard": "s", "full": "f"}
LENGTH_OF_CODE: dict[str, Length] = {code: length for length, code in CODES.items()}


@dataclass(frozen=True, kw_only=True, slots=True)
class Fitted:
    """A routine fitted to one person in one length."""

    length: Length
    lengths: tuple[Length, ...]  # the lengths the routine has
    stops: tuple[str, ...]  # advice of the `stop` conditions: nothing starts
    ask_first: tuple[str, ...]  # advice of the `ask_first` conditions: needs the confirming tap
    adaptation: Adaptation  # the length adapted to the `adapt` conditions (may refuse: none left)
    choice: PlanChoice

    @property
    def refusals(self) -> tuple[str, ...]:
        """Advice that refuses the routine outright (stop conditions, or no step left)."""
        return self.stops + tuple(a.text for a in self.adaptation.refusals)

    @property
    def changes(self) -> tuple[str, ...]:
        """One line per change the adaptation made, with why."""
        return tuple(change.text for change in self.adaptation.changes)


def _advice(condition: Condition, w: Wording) -> str:
    return f"{w.gettext(condition.label)}: {w.gettext(condition.why)}."


def pick_length(routine: Routine, code: str | None) -> Length:
    """The length of a button code, or the default one the routine has."""
    lengths = available_lengths(routine)
    wanted = LENGTH_OF_CODE.get(code or "", DEFAULT_LENGTH)
    if wanted in lengths:
        return wanted
    return DEFAULT_LENGTH if DEFAULT_LENGTH in lengths else lengths[0]


def lengths_offered(
    routine: Routine,
    conditions: Sequence[str],
    duration_s: Callable[[Routine], float],
    chosen: Length | None = None,
) -> list[tuple[Length, LengthCode, float]]:
    """Each length the routine has (and these answers leave a step in), with its seconds; a
    length that plays the same as a shorter one is left out (unless it is `chosen`)."""
    found: list[tuple[Length, LengthCode, float]] = []
    seen: list[Routine] = []
    for length in available_lengths(routine):
        played = fit(routine, conditions, length).adaptation.routine
        if played is not None and (played not in seen or length == chosen):
            seen.append(played)
            found.append((length, CODES[length], duration_s(played)))
    return found


def fit(
    routine: Routine, conditions: Sequence[str], length: Length, w: Wording = ENGLISH
) -> Fitted:
    """The routine in `length`, fitted to these condition names (unknown ones are ignored);
    the advice and the changes in the language of `w` (the routine is already in it)."""
    known = resolve([name for name in conditions if name in BY_NAME])
    stops = tuple(_advice(c, w) for c in known if c.kind == "stop")
    ask = tuple(_advice(c, w) for c in known if c.kind == "ask_first")
    adapting = tuple(c.name for c in known if c.kind == "adapt")
    adaptation = personalise(routine, length=length, conditions=adapting, w=w)
    return Fitted(
        length=length,
        lengths=available_lengths(routine),
        stops=stops,
        ask_first=ask,
        adaptation=adaptation,
        choice=PlanChoice(length=length, conditions=adapting),
    )
