"""The shape of a timeline as the session machine needs it: where steps and holds begin and end.

Derived once from the events of a `Timeline` (by their kinds), so that the machine can work with
event indices: a hold runs from its `hold_start` to its `release`, with its countdown between.
"""

from __future__ import annotations

from dataclasses import dataclass

from guide_bot.domain.timeline import CueKind, Timeline

EPS = 1e-6  # epoch floats near 1.8e9 carry about 2.4e-7 s of rounding
Located = tuple[int | None, str | None, float | None]  # step, side, seconds left in the hold


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
    base_times: tuple[float, ...]  # at_s of every event in the timeline

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
        return cls(
            announce=tuple(announce[s] for s in steps),
            holds=tuple(holds),
            base_times=tuple(event.at_s for event in events),
        )

    def times(self, shifts: tuple[tuple[int, float], ...]) -> list[float]:
        """The at_s of every event once each `(index, seconds)` shift moved its suffix later."""
        times = list(self.base_times)
        for index, seconds in shifts:
            for i in range(index, len(times)):
                times[i] += seconds
        return times

    def step_at(self, times: list[float], offset: float) -> int | None:
        """The step (1-based) whose announcement is the latest at or before `offset`."""
        step: int | None = None
        for number, index in enumerate(self.announce, start=1):
            if times[index] <= offset + EPS:
                step = number
        return step

    def hold_around(self, cursor: int) -> HoldShape | None:
        """The hold that has started but not released when `cursor` is the next event."""
        return next((h for h in self.holds if h.start < cursor <= h.release), None)

    def locate(
        self, times: list[float], offset: float
    ) -> tuple[int | None, str | None, float | None]:
        """(step, side of its current or latest hold, seconds left in the hold) at `offset`."""
        step = self.step_at(times, offset)
        side: str | None = None
        hold_left: float | None = None
        for hold in self.holds:
            if hold.step == step and times[hold.start] <= offset + EPS:
                side = hold.side
                left = times[hold.release] - offset
                hold_left = left if left > EPS else None
        return step, side, hold_left
