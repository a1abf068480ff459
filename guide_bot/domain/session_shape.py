"""The shape of a timeline as the session machine needs it: where steps and holds begin and end.

Derived once from the events of a `Timeline` (by their kinds), so that the machine can work with
event indices: a hold runs from its `hold_start` to its `release`, with its countdown between.
"""

from __future__ import annotations

from dataclasses import dataclass

from guide_bot.domain.timeline import CueKind, Timeline


@dataclass(frozen=True, slots=True)
class HoldShape:
    """One hold, by the indices of its events."""

    start: int  # index of the hold_start event
    release: int  # index of the release event
    countdown: tuple[int, ...]  # indices of its countdown events
    step: int
    side: str | None


@dataclass(frozen=True, slots=True)
class SessionShape:
    """Where the announcements and holds are among a timeline's events."""

    announce: tuple[int, ...]  # index of each step's announcement, step 1 first
    holds: tuple[HoldShape, ...]

    @classmethod
    def of(cls, timeline: Timeline) -> SessionShape:
        events = timeline.events
        if not events or events[-1].kind is not CueKind.COMPLETE:
            raise ValueError("a timeline must end with its `complete` event")
        announce: dict[int, int] = {}
        holds: list[HoldShape] = []
        open_at: int | None = None
        countdown: list[int] = []
        for index, event in enumerate(events):
            if event.kind is CueKind.ANNOUNCE and event.step is not None:
                announce.setdefault(event.step, index)
            elif event.kind is CueKind.HOLD_START:
                open_at, countdown = index, []
            elif event.kind is CueKind.COUNTDOWN and open_at is not None:
                countdown.append(index)
            elif event.kind is CueKind.RELEASE and open_at is not None:
                start = events[open_at]
                step = start.step if start.step is not None else 0
                holds.append(HoldShape(open_at, index, tuple(countdown), step, start.side))
                open_at = None
        steps = sorted(announce)
        if steps != list(range(1, len(steps) + 1)):
            raise ValueError("a timeline must announce steps 1, 2, ... in order")
        return cls(announce=tuple(announce[s] for s in steps), holds=tuple(holds))
