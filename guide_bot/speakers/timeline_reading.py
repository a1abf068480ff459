"""Reading a timeline at an offset: which step, side and hold, what was said, what comes next.

Pure functions over a `Timeline`, used to follow a speaker that plays the whole-session track:
the player reports a position in the track, and the track is the timeline rendered to the sample.
They also give the seek targets of "next step" and "previous step".
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from guide_bot.domain.timeline import CueKind, Hold, Timeline, TimelineEvent

BACK_AGAIN_S = 3.0  # "previous" within this long of a step's start goes to the step before


@dataclass(frozen=True, kw_only=True, slots=True)
class Reading:
    """Where an offset falls in a timeline."""

    offset_s: float
    step: int | None  # 1-based; None while getting ready
    side: str | None
    hold: Hold | None  # the hold running at the offset, if any
    latest: TimelineEvent | None  # the latest event at or before the offset
    said: str | None  # the words of the latest spoken cue at or before the offset
    upcoming: TimelineEvent | None  # the first event after the offset

    @property
    def hold_left_s(self) -> float | None:
        """Seconds left in the running hold."""
        return None if self.hold is None else max(0.0, self.hold.end_s - self.offset_s)


def read(timeline: Timeline, offset_s: float) -> Reading:
    """The reading of `timeline` at `offset_s` (clamped to 0..total_s)."""
    offset = min(max(0.0, offset_s), timeline.total_s)
    index = bisect.bisect_right(timeline.step_starts, offset)
    step = index if index > 0 else None
    hold = next((h for h in timeline.holds if h.start_s <= offset < h.end_s), None)
    side: str | None = None
    if step is not None:
        begun = [h for h in timeline.holds if h.step == step and h.start_s <= offset]
        side = begun[-1].side if begun else None
    times = [e.at_s for e in timeline.events]
    cut = bisect.bisect_right(times, offset)
    latest = timeline.events[cut - 1] if cut > 0 else None
    said = next((e.text for e in reversed(timeline.events[:cut]) if e.spoken), None)
    upcoming = timeline.events[cut] if cut < len(timeline.events) else None
    return Reading(
        offset_s=offset,
        step=step,
        side=side,
        hold=hold,
        latest=latest,
        said=said,
        upcoming=upcoming,
    )


def next_step_offset(timeline: Timeline, offset_s: float) -> float:
    """Where "next" seeks: the next step's start; on the last step, its final release."""
    current = read(timeline, offset_s).step or 0
    if current < timeline.step_count:
        return timeline.step_starts[current]
    finals = [e.at_s for e in timeline.events if e.kind is CueKind.RELEASE]
    return max(finals[-1] if finals else timeline.total_s, offset_s)


def previous_step_offset(timeline: Timeline, offset_s: float) -> float:
    """Where "previous" seeks: this step's start, or the step before when just past the start."""
    current = read(timeline, offset_s).step
    if current is None:
        return 0.0
    start = timeline.step_starts[current - 1]
    if offset_s - start < BACK_AGAIN_S and current > 1:
        return timeline.step_starts[current - 2]
    return start
