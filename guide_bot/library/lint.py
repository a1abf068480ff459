"""Soft checks of a routine against the domain's ranges (docs/routines.md, "Lint").

Warnings by default, errors with `guide-bot validate --strict`. The ranges come from the sources in
the team's domain notes: trigger-point compression 30-60 s (Gemmell 2008), static stretches 10-60 s
(ACSM, 10-30 s for most adults and up to 60 s for older adults), foam rolling at least 90 s per
muscle group (Hughes 2019), breathing 30-120 s. Pressure targets 4-7 of 10 (the domain notes
say about 5-7, never sharp; 4 is allowed for the sensitive head and jaw), at most about 5 minutes of
pressure on one point in a session, and an instruction short enough to be spoken before its hold
(an interval-timer app's users complained of long names cut off by the next cue). Reading is
faster than speaking (about 200 against 150 words a minute), so an instruction that can be spoken
before its hold can also be read on screen in the time the step lasts. A step's tools
must be among the routine's tools, which is what people filter on.
"""

from __future__ import annotations

from collections import defaultdict

from guide_bot.domain.reading import SPEAKING_WORDS_PER_S, speaking_time_s
from guide_bot.domain.routine import Routine, Step
from guide_bot.library.issues import Issue

HOLD_RANGES_S: dict[str, tuple[int, int]] = {
    "compress": (30, 60),
    "stretch": (10, 60),
    "roll": (30, 180),
    "breathe": (30, 120),
    "move": (15, 90),
}
MIN_ROLL_PER_SIDE_S = 90  # total rolling on one muscle group, all repetitions
MAX_PRESSURE_ON_POINT_S = 300  # about 5 minutes of pressure on one point in a session
PRESSURE_RANGE = (4, 7)  # target discomfort for compress and roll; never sharp pain
MAX_INSTRUCTION_SPEAK_S = 25.0  # hands in place, waiting: longer than this is not remembered


def _issue(file: str, index: int, step: Step, field: str, message: str) -> Issue:
    return Issue(
        file=file,
        step=index + 1,
        step_title=step.title,
        field=field,
        message=message,
        severity="warning",
    )


def lint_routine(routine: Routine, file: str) -> list[Issue]:
    """The warnings for one valid routine."""
    found: list[Issue] = []
    pressure_on_point: dict[str, int] = defaultdict(int)
    for index, step in enumerate(routine.steps):
        low, high = HOLD_RANGES_S[step.technique]
        if not low <= step.hold_s <= high:
            found.append(
                _issue(
                    file,
                    index,
                    step,
                    "hold_s",
                    f"{step.hold_s} s is outside the usual range for {step.technique}; "
                    f"allowed: {low}-{high} s",
                )
            )
        if step.technique == "roll" and step.hold_s * step.reps < MIN_ROLL_PER_SIDE_S:
            found.append(
                _issue(
                    file,
                    index,
                    step,
                    "reps",
                    f"{step.hold_s * step.reps} s of rolling per side; foam rolling helps soreness "
                    f"from about {MIN_ROLL_PER_SIDE_S} s per muscle group; allowed: hold_s "
                    f"times reps of at least {MIN_ROLL_PER_SIDE_S} s",
                )
            )
        if step.technique in {"compress", "roll"}:
            if step.pressure is None:
                found.append(
                    _issue(
                        file,
                        index,
                        step,
                        "pressure",
                        f"a {step.technique} step should say how hard; allowed: pressure "
                        f"{PRESSURE_RANGE[0]}-{PRESSURE_RANGE[1]} of 10",
                    )
                )
            elif not PRESSURE_RANGE[0] <= step.pressure <= PRESSURE_RANGE[1]:
                found.append(
                    _issue(
                        file,
                        index,
                        step,
                        "pressure",
                        f"{step.pressure}/10 is outside the target, firm but never sharp; "
                        f"allowed: {PRESSURE_RANGE[0]}-{PRESSURE_RANGE[1]}/10",
                    )
                )
        if step.technique == "compress":
            pressure_on_point[(step.point or step.title).casefold()] += step.hold_s * step.reps
        unlisted = [tool for tool in step.tools if tool not in routine.tools]
        if unlisted:
            found.append(
                _issue(
                    file,
                    index,
                    step,
                    "tools",
                    f"{', '.join(unlisted)} not in the routine's tools "
                    f"({', '.join(routine.tools)}); allowed: tools the routine lists, so that "
                    "people who filter by tools find it",
                )
            )
        spoken = speaking_time_s(step.instruction)
        if spoken > MAX_INSTRUCTION_SPEAK_S:
            found.append(
                _issue(
                    file,
                    index,
                    step,
                    "instruction",
                    f"takes about {spoken:.0f} s to speak before the hold starts; allowed: under "
                    f"{MAX_INSTRUCTION_SPEAK_S:.0f} s (about "
                    f"{int(MAX_INSTRUCTION_SPEAK_S * SPEAKING_WORDS_PER_S)} words)",
                )
            )
    for point, seconds in pressure_on_point.items():
        if seconds > MAX_PRESSURE_ON_POINT_S:
            found.append(
                Issue(
                    file=file,
                    field="steps",
                    message=f"{seconds} s of pressure on '{point}' per side; allowed: at most "
                    f"{MAX_PRESSURE_ON_POINT_S} s (5 minutes) on one point in a session",
                    severity="warning",
                )
            )
    return found
