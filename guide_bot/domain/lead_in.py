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
from guide_bot.domain.wording import ENGLISH, Wording

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


def _count(n: int, w: Wording) -> str:
    """A number as said: English in words ("twenty five"), other languages in digits (the voice
    reads them in its own language)."""
    return number_words(n) if w.code == "en" else str(n)


def time_left_words(seconds: float, w: Wording = ENGLISH) -> str:
    """How long is left, as said aloud: "45 seconds", "one minute twenty", "two minutes".

    Whole seconds under 20 s; above that to the nearest 5 s, which is what people can use.
    """
    whole = max(1, round(seconds)) if seconds < 20 else 5 * round(seconds / 5)
    minutes, rest = divmod(whole, 60)
    if minutes == 0:
        return w.ngettext("{n} second", "{n} seconds", rest).format(n=_count(rest, w))
    said = w.ngettext("{n} minute", "{n} minutes", minutes).format(n=_count(minutes, w))
    if rest == 0:
        return said
    if rest < 10:
        secs = w.ngettext("{n} second", "{n} seconds", rest).format(n=_count(rest, w))
        return w.gettext("{minutes} and {seconds}").format(minutes=said, seconds=secs)
    # "one minute twenty": the seconds as a bare number
    return w.gettext("{minutes} {seconds}").format(minutes=said, seconds=_count(rest, w))


def _side(side: str, w: Wording) -> str:
    return w.gettext("Left side") if side == "left" else w.gettext("Right side")


def _hold_name(step: Step, hold: Hold, w: Wording) -> str:
    """The hold in a few words: "Right side", "Repetition 2 of 3, right side", or the title."""
    if step.reps > 1:
        rep = w.gettext("Repetition {rep} of {reps}").format(rep=hold.rep, reps=step.reps)
        if not hold.side:
            return rep
        side = w.gettext("left side") if hold.side == "left" else w.gettext("right side")
        return w.gettext("{repetition}, {side}").format(repetition=rep, side=side)
    return _side(hold.side, w) if hold.side else step.title


def lead_in_texts(
    routine: Routine, timeline: Timeline, offset_s: float, w: Wording = ENGLISH
) -> tuple[str, ...]:
    """The words that open a note starting at `offset_s` of the (moved) timeline of `routine`,
    in the language of `w` (the routine's own words are its titles).

    In a hold: where and how long is left. Before a hold of the step: the step and the side that
    comes. After the step's last hold: the rest and the next step. Empty before step 1 (the
    get-ready note is never sent mid-way).
    """
    step_number = sum(1 for start in timeline.step_starts if start <= offset_s + EPS)
    if step_number == 0:
        return ()
    step = routine.steps[step_number - 1]
    title = w.gettext("Step {number}, {title}.").format(number=step_number, title=step.title)
    holds = [h for h in timeline.holds if h.step == step_number]
    starts = [
        e.at_s for e in timeline.events if e.kind is CueKind.HOLD_START and e.step == step_number
    ]
    for hold, words_at in zip(holds, starts, strict=True):
        if words_at <= offset_s + EPS < hold.end_s:
            name = _hold_name(step, hold, w)
            left = time_left_words(hold.end_s - offset_s, w)
            return (
                w.gettext("{name}, {time} left.").format(name=name, time=left),
                w.gettext("{name}.").format(name=name),
            )
        if words_at > offset_s + EPS:
            name = _hold_name(step, hold, w)
            if hold is holds[0]:
                if not hold.side:
                    return (title, w.gettext("Step {number}.").format(number=step_number))
                first = (
                    w.gettext("Left side first.")
                    if hold.side == "left"
                    else w.gettext("Right side first.")
                )
                return (
                    f"{title} {first}",
                    w.gettext("Step {number}.").format(number=step_number),
                )
            return (
                w.gettext("{title} {name} next.").format(title=title, name=name),
                w.gettext("{name} next.").format(name=name),
            )
    if step_number < len(routine.steps):
        following = routine.steps[step_number]
        return (w.gettext("Rest. Next: {title}.").format(title=following.title), w.gettext("Rest."))
    return (w.gettext("That was the last step."),)
