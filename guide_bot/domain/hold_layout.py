"""Where the cues inside one hold go, so that no two are spoken at once.

A hold starts when the words that start it ("... Press now.") end, so they never eat it. Inside
it there are the step's own cues, the generated halfway and
countdown cues, and the release at its end. Priorities: the author's cues are never dropped; they
move later when they would talk over earlier words, and earlier when they would run into the
release. Halfway and countdown numbers are left out where they would collide. Only when the
author's cues cannot fit in the hold at all does the hold grow so that they are said in full,
rather than be cut off or talked over.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from guide_bot.domain.cues import (
    BREATHE_IN_TEXT,
    BREATHE_OUT_TEXT,
    COUNTDOWN_TECHNIQUES,
    HALFWAY_TECHNIQUES,
    HALFWAY_TEXT,
    CueKind,
    countdown_text,
)
from guide_bot.domain.routine import Step
from guide_bot.domain.wording import ENGLISH, Wording

SpeakTime = Callable[[str], float]
EPSILON_S = 1e-9  # cues that fit exactly must not fail on float rounding of their sum


@dataclass(frozen=True, kw_only=True, slots=True)
class LayoutOptions:
    """The parts of the plan options that shape a hold."""

    countdown: bool
    countdown_from: int
    halfway_min_hold_s: float
    gap_s: float
    wording: Wording = ENGLISH


@dataclass(frozen=True, kw_only=True, slots=True)
class HoldLayout:
    """The cues of one hold, sorted by time, and when the hold ends (its release)."""

    cues: tuple[tuple[float, CueKind, str], ...]
    end_s: float


def layout_hold(
    step: Step, start: float, speak: SpeakTime, options: LayoutOptions, *, quiet_end: bool = False
) -> HoldLayout:
    """Place the cues of a hold that starts at `start`, when the words that start it end.

    A paced breathing step gets its "Breathe in" / "Breathe out" cues; "Halfway" only where
    there is something to hold (compress, stretch, roll); no countdown in a breathing step or in
    the last hold of a routine that fades out (`quiet_end`).
    """
    gap = options.gap_s
    w = options.wording
    breathe_in, breathe_out = w.gettext(BREATHE_IN_TEXT), w.gettext(BREATHE_OUT_TEXT)
    halfway = w.gettext(HALFWAY_TEXT)
    floor = start + gap
    end = start + step.hold_s
    cues = sorted(step.cues, key=lambda cue: cue.at_s)
    lengths = [speak(cue.text) for cue in cues]
    ats: list[float] = []
    earliest = floor
    for cue, length in zip(cues, lengths, strict=True):
        ats.append(max(start + cue.at_s, earliest))
        earliest = ats[-1] + length + gap
    if cues and earliest > end:
        pulled = list(ats)
        limit = end
        for i in reversed(range(len(cues))):
            pulled[i] = min(pulled[i], limit - gap - lengths[i])
            limit = pulled[i]
        if pulled[0] >= floor - EPSILON_S:
            ats = pulled
        else:
            end = earliest  # cannot fit: the hold grows until they have been said
    busy = [(start, start)]
    busy += [(at, at + length) for at, length in zip(ats, lengths, strict=True)]
    busy.append((end, end))
    placed = [(at, CueKind.CUE, cue.text) for at, cue in zip(ats, cues, strict=True)]

    def fits(at: float, text: str) -> bool:
        length = speak(text)
        if at < floor or not all(at + length + gap <= b0 or at >= b1 + gap for b0, b1 in busy):
            return False
        busy.append((at, at + length))
        return True

    if step.pace is not None:
        period = step.pace.in_s + step.pace.out_s
        cycle = 0
        while start + cycle * period < end:
            inhale = start + cycle * period
            if cycle and fits(inhale, breathe_in):
                placed.append((inhale, CueKind.PACE, breathe_in))
            exhale = inhale + step.pace.in_s
            if exhale < end and fits(exhale, breathe_out):
                placed.append((exhale, CueKind.PACE, breathe_out))
            cycle += 1
    counts = options.countdown and step.technique in COUNTDOWN_TECHNIQUES and not quiet_end
    if counts and step.hold_s >= options.countdown_from + 5:
        for n in range(1, options.countdown_from + 1):  # "1" matters most, so it is placed first
            if not fits(end - n, countdown_text(n)):
                break  # a gap in the countdown would confuse: say only the numbers after it
            placed.append((end - n, CueKind.COUNTDOWN, countdown_text(n)))
    if step.technique in HALFWAY_TECHNIQUES and step.hold_s >= options.halfway_min_hold_s:
        at = start + step.hold_s / 2
        if fits(at, halfway):
            placed.append((at, CueKind.HALFWAY, halfway))
    return HoldLayout(cues=tuple(sorted(placed, key=lambda item: item[0])), end_s=end)
