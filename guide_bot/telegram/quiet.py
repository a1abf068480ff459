"""Quiet text mode: what each cue of a plan becomes in the chat, and when the step message is
refreshed.

One message per step, edited in place; only the moves (a hold start, and a release or a switch
of sides) arrive as new messages, with a notification. The other cues (halfway, the 3-2-1
countdown, the step's own cues, pacing) are shown silently in the step message.

The cost in Bot API calls is what limits the refreshes, not Telegram's edit limits (about one
edit a second per chat, 20 messages a minute in a group): the aim is at most `AIM_CALLS_PER_STEP`
calls per step, and the moves alone use a step's share first. `refresh_points` gives each step
the refreshes its share leaves room for, on the most useful silent cues (each hold's halfway,
then the start of each countdown, then the step's own cues). A step with many sides and
repetitions (neck-release's side stretch: 4 holds, 3 releases) has no room left, nor has a
session whose moves alone pass the aim (neck-release: 19 new messages for 4 steps); there the
countdown is the hold's length in each "now" message, and the step message changes only when
the user acts. Pure: the plan in, event
indices out, so a restarted session refreshes at the same cues.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from guide_bot.domain.timeline import CueKind, Timeline

AIM_CALLS_PER_STEP = 4
AIM_BOTH_CALLS_PER_STEP = 3  # "both": a step's voice note and up to two edits of its caption
_SILENT = (CueKind.HALFWAY, CueKind.COUNTDOWN, CueKind.CUE, CueKind.PACE)


@functools.lru_cache(maxsize=256)
def hold_lengths(timeline: Timeline) -> dict[int, float]:
    """The planned length of the hold each hold start (by event index) begins."""
    starts = [i for i, e in enumerate(timeline.events) if e.kind is CueKind.HOLD_START]
    return {i: hold.end_s - hold.start_s for i, hold in zip(starts, timeline.holds, strict=False)}


@functools.lru_cache(maxsize=256)
def hold_cues(timeline: Timeline) -> dict[int, tuple[str, ...]]:
    """The step's own cues inside the hold each hold start (by event index) begins: the "now"
    message lists them, so they are read even where the step message is not refreshed."""
    found: dict[int, tuple[str, ...]] = {}
    current: int | None = None
    for index, event in enumerate(timeline.events):
        if event.kind is CueKind.HOLD_START:
            current = index
            found[index] = ()
        elif event.kind is CueKind.RELEASE:
            current = None
        elif event.kind is CueKind.CUE and current is not None:
            found[current] = (*found[current], event.text)
    return found


def is_final_release(timeline: Timeline, index: int) -> bool:
    """Whether event `index` is the release that ends the session (its words go on top of the
    closing message)."""
    events = timeline.events
    return events[index].kind is CueKind.RELEASE and all(
        e.kind is CueKind.COMPLETE for e in events[index + 1 :]
    )


def ends_step(timeline: Timeline, index: int) -> bool:
    """Whether the release at `index` is its step's last (a rest may follow, then the next step's
    announcement): the next step's message goes out at once and carries it."""
    for event in timeline.events[index + 1 :]:
        if event.kind is CueKind.REST:
            continue
        return event.kind is CueKind.ANNOUNCE
    return False


def folded_after_release(timeline: Timeline, index: int) -> list[int]:
    """The rest and switch-sides cues after the release at `index`, up to the next hold start or
    step: they are said in the release's own message (one notification for one move)."""
    folded: list[int] = []
    for offset, event in enumerate(timeline.events[index + 1 :], start=index + 1):
        if event.kind not in (CueKind.REST, CueKind.SWITCH_SIDES):
            break
        folded.append(offset)
    return folded


@dataclass
class _Step:
    sends: int = 1  # the step's own message
    holds: list[list[int]] = field(default_factory=list)  # silent cue indices, per hold


def planned_sends(timeline: Timeline) -> list[int]:
    """New messages per step in quiet text mode: the step's message (step 1's is the get-ready
    message), one per hold start, one per release inside the step (switch and rest folded in);
    the closing message counts for the last step."""
    return [step.sends for step in _steps(timeline)]


def _steps(timeline: Timeline) -> list[_Step]:
    steps = [_Step() for _ in range(timeline.step_count)]
    for index, event in enumerate(timeline.events):
        if event.step is None:
            continue
        step = steps[event.step - 1]
        if event.kind is CueKind.HOLD_START:
            step.sends += 1
            step.holds.append([])
        elif event.kind is CueKind.RELEASE and not ends_step(timeline, index):
            step.sends += 1  # the closing message for the final one, a message otherwise
        elif event.kind in _SILENT and step.holds:
            step.holds[-1].append(index)
    return steps


def _priority(timeline: Timeline, hold: list[int]) -> list[list[int]]:
    """A hold's silent cues by usefulness: halfway, then the countdown's start, then the rest."""
    kinds = [timeline.events[i].kind for i in hold]
    halfway = [i for i, k in zip(hold, kinds, strict=True) if k is CueKind.HALFWAY]
    countdown = [i for i, k in zip(hold, kinds, strict=True) if k is CueKind.COUNTDOWN][:1]
    others = [i for i in hold if i not in halfway and i not in countdown]
    if not halfway and others:  # no halfway cue (a short hold, breathing): its first cue
        halfway, others = others[:1], others[1:]
    return [halfway, countdown, others]


def note_sends(timeline: Timeline) -> tuple[int, ...]:
    """New messages per step in "both" mode: the step's voice note (step 1's is the get-ready
    note), and the closing message for the last step; the moves are in the notes' audio."""
    count = timeline.step_count
    return tuple(1 + (number == count - 1) for number in range(count))


@functools.lru_cache(maxsize=256)
def refresh_points(
    timeline: Timeline, aim: int = AIM_CALLS_PER_STEP, sends: tuple[int, ...] | None = None
) -> frozenset[int]:
    """The event indices at which the step message is edited: per step, as many as its share of
    `aim` calls leaves after its new messages (quiet text's moves, or `sends` per step), and in
    all no more than the session's share leaves (so a session never goes over the aim because
    of refreshes); the most useful first (every hold's halfway before any countdown, and so
    on)."""
    steps = _steps(timeline)
    if sends is not None:
        for step, count in zip(steps, sends, strict=True):
            step.sends = count
    left = aim * len(steps) - sum(step.sends for step in steps)
    ranked: list[list[list[int]]] = []  # per rank: per step: indices in order
    for rank in range(3):
        ranked.append([[i for hold in step.holds for i in _priority(timeline, hold)[rank]]
                       for step in steps])  # fmt: skip
    budgets = [max(0, aim - step.sends) for step in steps]
    chosen: set[int] = set()
    for per_step in ranked:
        for number, indices in enumerate(per_step):
            for index in indices:
                if left > 0 and budgets[number] > 0:
                    chosen.add(index)
                    budgets[number] -= 1
                    left -= 1
    return frozenset(chosen)


__all__ = [
    "AIM_BOTH_CALLS_PER_STEP",
    "AIM_CALLS_PER_STEP",
    "ends_step",
    "folded_after_release",
    "hold_cues",
    "hold_lengths",
    "is_final_release",
    "note_sends",
    "planned_sends",
    "refresh_points",
]
