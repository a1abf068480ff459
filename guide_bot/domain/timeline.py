"""The planner: a routine becomes a timeline of cues at exact offsets from the session start.

The announcement of a step never eats its hold: the hold starts only once the instruction has
been spoken. How long each text takes to say is an input (`speak_s`), measured from real audio
when a speech engine is used and estimated from the words otherwise; the planner calls no engine.

Spoken cues never talk over each other: a step's own cues move later until the previous words
have been said, and the generated halfway and countdown cues are left out where they would
collide. The last event, `complete`, is a chime with no words, at exactly `total_s`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from guide_bot.domain.reading import speaking_time_s
from guide_bot.domain.routine import Routine, Step

SpeakTime = Callable[[str], float]


class CueKind(StrEnum):
    """What a timeline event is; the values are the `kind` strings of `guide-bot plan --json`."""

    PREPARE = "prepare"
    ANNOUNCE = "announce"
    HOLD_START = "hold_start"
    CUE = "cue"
    HALFWAY = "halfway"
    COUNTDOWN = "countdown"
    SWITCH_SIDES = "switch_sides"
    RELEASE = "release"
    REST = "rest"
    COMPLETE = "complete"


@dataclass(frozen=True, kw_only=True, slots=True)
class PlanOptions:
    """Choices that change the plan: countdown cues on or off, and the pauses between cues."""

    countdown: bool = True
    countdown_from: int = 3
    halfway_min_hold_s: float = 20.0
    settle_s: float = 1.0  # after the instruction, before "now": time to get into position
    switch_s: float = 5.0  # after "switch sides", to move to the other side
    gap_s: float = 0.25  # the least silence between two spoken cues


HOLD_VERB = {
    "compress": "Press",
    "stretch": "Stretch",
    "roll": "Roll",
    "breathe": "Breathe",
    "move": "Move",
}


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
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class Hold:
    """One timed hold: a step, on one side, one repetition."""

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


def hold_start_text(step: Step, side: str | None, rep: int) -> str:
    """The words that start a hold, saying the side and the repetition where there are several."""
    parts: list[str] = []
    if step.reps > 1:
        parts.append(f"Round {rep} of {step.reps}.")
    if side is not None:
        parts.append(f"{side.capitalize()} side.")
    parts.append(f"{HOLD_VERB[step.technique]} now.")
    return " ".join(parts)


def announce_text(number: int, step: Step) -> str:
    """The announcement of a step: its number, title and instruction."""
    return f"Step {number}. {step.title}. {step.instruction}"


def _countdown_words(n: int) -> str:
    return str(n)


@dataclass
class _Builder:
    speak: SpeakTime
    options: PlanOptions
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

    def hold_cues(self, number: int, step: Step, side: str | None, start: float) -> None:
        """The cues inside one hold, placed so that no two are spoken at once."""
        opts = self.options
        end = start + step.hold_s
        busy: list[tuple[float, float]] = [
            (start, start + self.speak(hold_start_text(step, side, 1)))
        ]
        busy.append((end, end + self.speak("Release.")))
        placed: list[tuple[float, CueKind, str]] = []

        def free(at: float, length: float) -> bool:
            return all(at + length + opts.gap_s <= b0 or at >= b1 + opts.gap_s for b0, b1 in busy)

        if opts.countdown and step.hold_s >= opts.countdown_from + 5:
            for n in range(opts.countdown_from, 0, -1):
                text = _countdown_words(n)
                at = end - n
                if free(at, self.speak(text)):
                    busy.append((at, at + self.speak(text)))
                    placed.append((at, CueKind.COUNTDOWN, text))
        for cue in step.cues:
            length = self.speak(cue.text)
            at = start + cue.at_s
            # An author's cue is never dropped: it waits until the words before it are said.
            for b0, b1 in sorted(busy):
                if not free(at, length) and b0 <= at + length + opts.gap_s and at < b1 + opts.gap_s:
                    at = b1 + opts.gap_s
            busy.append((at, at + length))
            placed.append((at, CueKind.CUE, cue.text))
        if step.hold_s >= opts.halfway_min_hold_s:
            at = start + step.hold_s / 2
            if free(at, self.speak("Halfway.")):
                placed.append((at, CueKind.HALFWAY, "Halfway."))
        for at, kind, text in sorted(placed, key=lambda item: item[0]):
            self.add(at, kind, number, side, text)


def _sides_and_reps(step: Step) -> Iterator[tuple[int, int, str | None]]:
    """(rep, side index, side) for every hold of a step, in the order they are held."""
    for rep in range(1, step.reps + 1):
        for index, side in enumerate(step.side_names):
            yield rep, index, side


def plan(
    routine: Routine,
    speak_s: SpeakTime = speaking_time_s,
    options: PlanOptions | None = None,
) -> Timeline:
    """Lay out every cue of a routine at its offset from the session start."""
    opts = options or PlanOptions()
    b = _Builder(speak=speak_s, options=opts)
    t = b.add(
        0.0,
        CueKind.PREPARE,
        None,
        None,
        f"Get ready for {routine.title}. First step in {routine.get_ready_s} seconds.",
    )
    t += routine.get_ready_s
    step_starts: list[float] = []
    holds: list[Hold] = []
    last_number = len(routine.steps)
    for number, step in enumerate(routine.steps, start=1):
        step_starts.append(t)
        t = b.add(t, CueKind.ANNOUNCE, number, None, announce_text(number, step)) + opts.settle_s
        for rep, side_index, side in _sides_and_reps(step):
            if side_index > 0:
                t = (
                    b.add(t, CueKind.SWITCH_SIDES, number, side, f"Switch to the {side} side.")
                    + opts.switch_s
                )
            start = t
            b.add(start, CueKind.HOLD_START, number, side, hold_start_text(step, side, rep))
            b.hold_cues(number, step, side, start)
            end = start + step.hold_s
            holds.append(Hold(step=number, side=side, rep=rep, start_s=start, end_s=end))
            t = b.add(end, CueKind.RELEASE, number, side, "Release.") + opts.gap_s
            last_hold_of_step = rep == step.reps and side_index == len(step.side_names) - 1
            if step.rest_s and not (last_hold_of_step and number == last_number):
                text = f"Rest for {step.rest_s} seconds."
                if last_hold_of_step:
                    text += f" Next: {routine.steps[number].title}."
                rest_at = t
                t = max(
                    b.add(rest_at, CueKind.REST, number, None, text) + opts.gap_s,
                    rest_at + step.rest_s,
                )
    b.add(t, CueKind.COMPLETE, None, None, "Session complete. Well done.", spoken=False)
    events = sorted(b.events, key=lambda e: e.at_s)
    return Timeline(
        routine_id=routine.id,
        title=routine.title,
        total_s=t,
        events=tuple(events),
        step_starts=tuple(step_starts),
        holds=tuple(holds),
    )
