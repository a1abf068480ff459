"""What a voice note says first when it picks a session up mid-step (after Resume or +15 s).

A voice note made from the middle of a step would start with whatever silence lies before the
next cue: 20 s into a hold, the person hears nothing and cannot tell whether it plays. So such a
note opens by saying where the person is: "Right side, one minute twenty left." These are the
words; speech/track.py fits them in before the next cue. Each list runs from the fullest wording
to the shortest, so that a shorter one can be said when the next cue is close.
"""

from __future__ import annotations

from guide_bot.domain.cues import CueKind
from guide_bot.domain.routine import Routine, Step
from guide_bot.domain.timeline import Hold, Timeline

_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
EPS = 1e-6


def number_words(n: int) -> str:
    """0-99 in words ("twenty five"); larger numbers as digits."""
    if not 0 <= n < 100:
        return str(n)
    if n < 20:
        return _UNITS[n]
    tens, units = divmod(n, 10)
    return _TENS[tens - 2] if units == 0 else f"{_TENS[tens - 2]} {_UNITS[units]}"


def time_left_words(seconds: float) -> str:
    """How long is left, as said aloud: "45 seconds", "one minute twenty", "two minutes".

    Whole seconds under 20 s; above that to the nearest 5 s, which is what people can use.
    """
    whole = max(1, round(seconds)) if seconds < 20 else 5 * round(seconds / 5)
    minutes, rest = divmod(whole, 60)
    if minutes == 0:
        return "one second" if rest == 1 else f"{number_words(rest)} seconds"
    said = "one minute" if minutes == 1 else f"{number_words(minutes)} minutes"
    if rest == 0:
        return said
    if rest < 10:
        return f"{said} and {number_words(rest)} seconds"
    return f"{said} {number_words(rest)}"


def _hold_name(step: Step, hold: Hold) -> str:
    """The hold in a few words: "Right side", "Repetition 2 of 3, right side", or the title."""
    side = f"{hold.side.capitalize()} side" if hold.side else None
    if step.reps > 1:
        rep = f"Repetition {hold.rep} of {step.reps}"
        return f"{rep}, {side.lower()}" if side else rep
    return side or step.title


def lead_in_texts(routine: Routine, timeline: Timeline, offset_s: float) -> tuple[str, ...]:
    """The words that open a note starting at `offset_s` of the (moved) timeline of `routine`.

    In a hold: where and how long is left. Before a hold of the step: the step and the side that
    comes. After the step's last hold: the rest and the next step. Empty before step 1 (the
    get-ready note is never sent mid-way).
    """
    step_number = sum(1 for start in timeline.step_starts if start <= offset_s + EPS)
    if step_number == 0:
        return ()
    step = routine.steps[step_number - 1]
    title = f"Step {step_number}, {step.title}."
    holds = [h for h in timeline.holds if h.step == step_number]
    starts = [
        e.at_s for e in timeline.events if e.kind is CueKind.HOLD_START and e.step == step_number
    ]
    for hold, words_at in zip(holds, starts, strict=True):
        if words_at <= offset_s + EPS < hold.end_s:
            name = _hold_name(step, hold)
            return (f"{name}, {time_left_words(hold.end_s - offset_s)} left.", f"{name}.")
        if words_at > offset_s + EPS:
            name = _hold_name(step, hold)
            if hold is holds[0]:
                first = f" {hold.side.capitalize()} side first." if hold.side else ""
                return (f"{title}{first}", f"Step {step_number}.")
            return (f"{title} {name} next.", f"{name} next.")
    if step_number < len(routine.steps):
        following = routine.steps[step_number]
        return (f"Rest. Next: {following.title}.", "Rest.")
    return ("That was the last step.",)
