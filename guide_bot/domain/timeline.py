"""The planner: a routine becomes a timeline of cues at exact offsets from the session start.

The announcement of a step never eats its hold: the hold starts only once the instruction has
been spoken and the person has had time to get into position (the step's settle time,
positioning.py: at least 5 s, more when the step moves them onto the floor, a roller or a wall),
and it is timed from the end of the words that start it ("... Press now."). How
long each text takes to say is an input (`speak_s`), measured from real audio when a speech
engine is used and estimated from the words otherwise; the planner calls no engine.

Spoken cues never talk over each other (each ends at least `gap_s` before the next begins): a
step's own cues move until they fit (hold_layout.py), and the generated halfway and countdown cues
are left out where they would collide. The final release says that the session is complete; the
last event, `complete`, is a chime with no words at exactly `total_s`, so a rendered track is
`total_s` long. A routine with `ending: fade` (for sleep) ends instead on quiet words, with no
countdown and no chime (`Timeline.quiet_end`). The stop rule is part of the first words, at 0 s.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from guide_bot.domain.cues import (
    COMPLETE_TEXT,
    HOLD_VERB,
    CueKind,
    announce_text,
    hold_start_text,
    prepare_text,
    release_text,
    rest_text,
    switch_text,
)
from guide_bot.domain.hold_layout import LayoutOptions, SpeakTime, layout_hold
from guide_bot.domain.lengths import as_played
from guide_bot.domain.positioning import settle_times, switch_extra_s
from guide_bot.domain.reading import speaking_time_s
from guide_bot.domain.routine import Routine, Step
from guide_bot.domain.wording import ENGLISH, Wording

__all__ = [
    "HOLD_VERB",
    "CueKind",
    "Hold",
    "PlanOptions",
    "SpeakTime",
    "Timeline",
    "TimelineEvent",
    "announce_text",
    "hold_start_text",
    "moved",
    "plan",
]


@dataclass(frozen=True, kw_only=True, slots=True)
class PlanOptions:
    """Choices that change the plan: countdown cues on or off, and the pauses between cues."""

    countdown: bool = True
    countdown_from: int = 3
    halfway_min_hold_s: float = 20.0
    switch_s: float = 5.0  # after "switch sides", to move to the other side
    between_reps_s: float = 1.0  # a breath between repetitions that follow without a rest
    gap_s: float = 0.25  # the least silence between two spoken cues
    # Plans made before steps had their own settle time paused this long after every
    # instruction; sessions stored then are rebuilt with it (sessions/plans.py).
    legacy_settle_s: float | None = None
    wording: Wording = ENGLISH  # the language of the generated cues (the routine's is its own)


@dataclass(frozen=True, kw_only=True, slots=True)
class TimelineEvent:
    """One cue: when it falls due, what it is, which step and side, and what it says."""

    at_s: float
    kind: CueKind
    step: int | None  # 1-based step number; None for prepare and complete
    side: str | None
    text: str
    speak_s: float  # how long its words take; 0 for the completion chime

    @property
    def spoken(self) -> bool:
        """Whether this cue has words to say (the completion is a chime only)."""
        return self.speak_s > 0

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of one event in `guide-bot plan --json`."""
        return {
            "at_s": round(self.at_s, 3),
            "kind": self.kind.value,
            "step": self.step,
            "side": self.side,
            "text": self.text,
            "speak_s": round(self.speak_s, 3),  # how long the words take in this voice
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class Hold:
    """One timed hold: a step, on one side, one repetition.

    It runs from the end of its `hold_start` words (the "now") to its `release` event.
    """

    step: int
    side: str | None
    rep: int
    start_s: float
    end_s: float


@dataclass(frozen=True, kw_only=True, slots=True)
class Timeline:
    """The whole plan of a session; events sorted by time, the last at `total_s`."""

    routine_id: str
    title: str
    total_s: float
    events: tuple[TimelineEvent, ...]
    step_starts: tuple[float, ...]  # at_s of each step's announcement, in step order
    holds: tuple[Hold, ...] = field(default=())
    quiet_end: bool = False  # the routine fades out: no chime at the end
    _hash: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        key = (self.routine_id, self.title, self.total_s, self.events, self.step_starts)
        key_more = (self.holds, self.quiet_end)
        object.__setattr__(self, "_hash", hash((*key, *key_more)))

    def __hash__(self) -> int:
        """Computed once: a restart looks thousands of sessions' timelines up in caches, and
        hashing every event each time was an eighth of the start-up (bench/README.md)."""
        return self._hash

    @property
    def step_count(self) -> int:
        """Number of steps in the routine."""
        return len(self.step_starts)

    def step_end(self, step: int) -> float:
        """When a step (1-based) ends: the next step's start, or the end of the session."""
        return self.step_starts[step] if step < len(self.step_starts) else self.total_s

    def spoken_texts(self) -> list[str]:
        """Every distinct text that is spoken, in order of first use (for cache warm-up)."""
        return list(dict.fromkeys(e.text for e in self.events if e.spoken))

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of `guide-bot plan --json`."""
        return {
            "routine": self.routine_id,
            "total_s": round(self.total_s, 3),
            "events": [event.to_dict() for event in self.events],
        }


def moved(timeline: Timeline, times: Sequence[float]) -> Timeline:
    """The timeline with every event at its time in `times` (a session's plan after +15 s:
    `SessionMachine.event_times()`); step starts, holds and the total move with their events."""
    if len(times) != len(timeline.events):
        raise ValueError(f"{len(times)} times for {len(timeline.events)} events")
    events = tuple(replace(e, at_s=at) for e, at in zip(timeline.events, times, strict=True))
    starts = tuple(e for e in events if e.kind is CueKind.HOLD_START)
    releases = tuple(e for e in events if e.kind is CueKind.RELEASE)
    holds = tuple(
        replace(hold, start_s=start.at_s + start.speak_s, end_s=release.at_s)
        for hold, start, release in zip(timeline.holds, starts, releases, strict=True)
    )
    return replace(
        timeline,
        events=events,
        step_starts=tuple(e.at_s for e in events if e.kind is CueKind.ANNOUNCE),
        holds=holds,
        total_s=events[-1].at_s,
    )


@dataclass
class _Builder:
    speak: SpeakTime
    events: list[TimelineEvent] = field(default_factory=list)

    def add(
        self,
        at_s: float,
        kind: CueKind,
        step: int | None,
        side: str | None,
        text: str,
        *,
        spoken: bool = True,
    ) -> float:
        """Add an event; returns when its words end."""
        speak_s = self.speak(text) if spoken else 0.0
        self.events.append(
            TimelineEvent(at_s=at_s, kind=kind, step=step, side=side, text=text, speak_s=speak_s)
        )
        return at_s + speak_s


def _sides_and_reps(step: Step) -> Iterator[tuple[int, int, str | None]]:
    """(rep, side index, side) for every hold of a step, in the order they are held."""
    for rep in range(1, step.reps + 1):
        for index, side in enumerate(step.side_names):
            yield rep, index, side


def _settle_times(routine: Routine, opts: PlanOptions) -> tuple[float, ...]:
    if opts.legacy_settle_s is not None:
        return (opts.legacy_settle_s,) * len(routine.steps)
    return tuple(float(s) for s in settle_times(routine.steps))


def _switch_extra(step: Step, opts: PlanOptions) -> float:
    return 0.0 if opts.legacy_settle_s is not None else float(switch_extra_s(step))


def _between_reps(opts: PlanOptions) -> float:
    return opts.between_reps_s if opts.legacy_settle_s is None else opts.legacy_settle_s


def plan(
    routine: Routine,
    speak_s: SpeakTime = speaking_time_s,
    options: PlanOptions | None = None,
) -> Timeline:
    """Lay out every cue of a routine at its offset from the session start.

    A routine file with lengths is planned in its standard length unless one was selected
    (lengths.select_length) before.
    """
    routine = as_played(routine)
    opts = options or PlanOptions()
    gap = opts.gap_s
    layout_options = LayoutOptions(
        countdown=opts.countdown,
        countdown_from=opts.countdown_from,
        halfway_min_hold_s=opts.halfway_min_hold_s,
        gap_s=gap,
        wording=opts.wording,
    )
    w = opts.wording
    b = _Builder(speak=speak_s)
    t = b.add(0.0, CueKind.PREPARE, None, None, prepare_text(routine, w))
    t += max(routine.get_ready_s, gap)
    step_starts: list[float] = []
    holds: list[Hold] = []
    last_number = len(routine.steps)
    settles = _settle_times(routine, opts)
    for number, step in enumerate(routine.steps, start=1):
        step_starts.append(t)
        t = b.add(t, CueKind.ANNOUNCE, number, None, announce_text(number, step, w))
        t += max(settles[number - 1], gap)  # time to get into position
        order = list(_sides_and_reps(step))
        previous_side: str | None = None
        for position, (rep, side_index, side) in enumerate(order, start=1):
            if side is not None and previous_side is not None and side != previous_side:
                t = b.add(t, CueKind.SWITCH_SIDES, number, side, switch_text(side, step, w))
                t += max(opts.switch_s + _switch_extra(step, opts), gap)
            previous_side = side
            opener = hold_start_text(step, side, rep, first_of_rep=side_index == 0, w=w)
            start = b.add(t, CueKind.HOLD_START, number, side, opener)  # holding from "now"
            last_of_step = position == len(order)
            final = last_of_step and number == last_number
            quiet_end = final and routine.ending == "fade"
            layout = layout_hold(step, start, speak_s, layout_options, quiet_end=quiet_end)
            for at, kind, text in layout.cues:
                b.add(at, kind, number, side, text)
            end = layout.end_s
            holds.append(Hold(step=number, side=side, rep=rep, start_s=start, end_s=end))
            release = release_text(step, final=final, ending=routine.ending, w=w)
            t = b.add(end, CueKind.RELEASE, number, side, release) + gap
            if step.rest_s and not final:
                next_title = routine.steps[number].title if last_of_step else None
                rest_at = t
                words_end = b.add(
                    rest_at, CueKind.REST, number, None, rest_text(step, next_title, w)
                )
                t = max(words_end + gap, rest_at + step.rest_s)
            elif not last_of_step and side is None:
                t += _between_reps(opts)  # straight into the next repetition: a breath first
    b.add(t, CueKind.COMPLETE, None, None, w.gettext(COMPLETE_TEXT), spoken=False)
    events = sorted(b.events, key=lambda e: e.at_s)
    return Timeline(
        routine_id=routine.id,
        title=routine.title,
        total_s=t,
        events=tuple(events),
        step_starts=tuple(step_starts),
        holds=tuple(holds),
        quiet_end=routine.ending == "fade",
    )
