"""Soft checks of a routine against the domain's ranges (docs/routines.md, "Lint").

Warnings by default, errors with `guide-bot validate --strict`. The ranges come from the sources in
the team's domain notes: trigger-point compression 30-90 s, released early when the tension eases
(Gemmell 2008: 30 s to 1 min), static stretches 10-60 s a hold and 2-4 repetitions adding to about
60 s per muscle (ACSM, Garber 2011; Bandy & Irion 1997), foam rolling at least 90 s per muscle
group (Hughes 2019, Wilke 2019), breathing 30-120 s. Pressure targets 4-7 of 10 (the domain notes
say about 5-7, never sharp; 4 is allowed for the sensitive head and jaw), at most about 5 minutes of
pressure on one point in a session, and an instruction short enough to be spoken before its hold
(an interval-timer app's users complained of long names cut off by the next cue). Reading is
faster than speaking (about 200 against 150 words a minute), so an instruction that can be spoken
before its hold can also be read on screen in the time the step lasts. A step's tools
must be among the routine's tools, which is what people filter on. A step's own settle time (the
quiet to get into position after its instruction) is 5-30 s.

Every length of a routine is checked (domain/lengths.py): the quick one lasts 2-4 minutes, and the
doses above apply in the standard and full ones. The safety checks (pictures, danger zones, spoken
cautions, sides, tags, the stop rule) live in lint_safety.py.
"""

from __future__ import annotations

from collections import defaultdict

from guide_bot.domain.lengths import available_lengths, length_steps, select_length
from guide_bot.domain.positioning import SETTLE_LINT_S
from guide_bot.domain.reading import SPEAKING_WORDS_PER_S, speaking_time_s
from guide_bot.domain.routine import LENGTHS, Length, Routine, Step, StepFields
from guide_bot.domain.timeline import plan
from guide_bot.library.issues import Issue
from guide_bot.library.lint_safety import lint_safety

HOLD_RANGES_S: dict[str, tuple[int, int]] = {
    "compress": (30, 90),
    "stretch": (10, 60),
    "roll": (30, 180),
    "breathe": (30, 120),
    "move": (15, 90),
}
MIN_ROLL_PER_SIDE_S = 90  # total rolling on one muscle group, all repetitions
STRETCH_REPS = (2, 4)  # repetitions of a static stretch in the standard and full lengths
STRETCH_TOTAL_S = (45, 90)  # "about 60 s in total per muscle", per side
QUICK_TOTAL_S = (120, 240)  # the quick length: 2 to 4 minutes
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


def _dose(step: Step, length: Length) -> list[tuple[str, str]]:
    """(field, message) for a step whose dose is off in the standard or full length."""
    if length == "quick":
        return []
    found: list[tuple[str, str]] = []
    total = step.hold_s * step.reps
    if step.technique == "roll" and total < MIN_ROLL_PER_SIDE_S:
        found.append(
            (
                "reps",
                f"{total} s of rolling per side; foam rolling helps soreness from about "
                f"{MIN_ROLL_PER_SIDE_S} s per muscle group; allowed: hold_s times reps of at "
                f"least {MIN_ROLL_PER_SIDE_S} s",
            )
        )
    if step.technique == "stretch":
        low, high = STRETCH_REPS
        t_low, t_high = STRETCH_TOTAL_S
        if not (low <= step.reps <= high and t_low <= total <= t_high):
            found.append(
                (
                    "reps",
                    f"{step.reps} x {step.hold_s} s of stretching per side; a stretch works "
                    f"best in {low}-{high} repetitions adding to about 60 s per muscle; "
                    f"allowed: reps {low}-{high} and hold_s times reps {t_low}-{t_high} s",
                )
            )
    return found


def _settle_check(step: StepFields) -> list[tuple[str, str]]:
    """A step's own settle time, when it gives one, within what people need."""
    low, high = SETTLE_LINT_S
    if step.settle_s is None or low <= step.settle_s <= high:
        return []
    return [
        (
            "settle_s",
            f"{step.settle_s} s to get into position after the instruction; fewer than {low} s "
            f"leaves no time to place a ball or lie down, more than {high} s is a silence that "
            f"feels stuck; allowed: {low}-{high} s, or no settle_s for the default",
        )
    ]


def _step_checks(routine: Routine, step: Step) -> list[tuple[str, str]]:
    """(field, message) for the checks that do not depend on the length."""
    found: list[tuple[str, str]] = []
    low, high = HOLD_RANGES_S[step.technique]
    if not low <= step.hold_s <= high:
        found.append(
            (
                "hold_s",
                f"{step.hold_s} s is outside the usual range for {step.technique}; "
                f"allowed: {low}-{high} s",
            )
        )
    if step.technique in {"compress", "roll"}:
        if step.pressure is None:
            found.append(
                (
                    "pressure",
                    f"a {step.technique} step should say how hard; allowed: pressure "
                    f"{PRESSURE_RANGE[0]}-{PRESSURE_RANGE[1]} of 10",
                )
            )
        elif not PRESSURE_RANGE[0] <= step.pressure <= PRESSURE_RANGE[1]:
            found.append(
                (
                    "pressure",
                    f"{step.pressure}/10 is outside the target, firm but never sharp; "
                    f"allowed: {PRESSURE_RANGE[0]}-{PRESSURE_RANGE[1]}/10",
                )
            )
    found += _settle_check(step)
    unlisted = [tool for tool in step.tools if tool not in routine.tools]
    if unlisted:
        found.append(
            (
                "tools",
                f"{', '.join(unlisted)} not in the routine's tools "
                f"({', '.join(routine.tools)}); allowed: tools the routine lists, so that "
                "people who filter by tools find it",
            )
        )
    spoken = speaking_time_s(step.instruction)
    if spoken > MAX_INSTRUCTION_SPEAK_S:
        found.append(
            (
                "instruction",
                f"takes about {spoken:.0f} s to speak before the hold starts; allowed: under "
                f"{MAX_INSTRUCTION_SPEAK_S:.0f} s (about "
                f"{int(MAX_INSTRUCTION_SPEAK_S * SPEAKING_WORDS_PER_S)} words)",
            )
        )
    return found


def _field(step: Step, length: Length, field: str) -> str:
    """The field as written in the file: `quick.hold_s` when the length's override sets it."""
    override = step.quick if length == "quick" else step.full if length == "full" else None
    if override is None or field not in {"hold_s", "reps"}:
        return field
    written = [name for name in ("hold_s", "reps") if getattr(override, name) is not None]
    if field in written:
        return f"{length}.{field}"
    return f"{length}.{written[0]}" if written else field


def _lengths(routine: Routine, file: str) -> list[Issue]:
    found: list[Issue] = []
    offered = available_lengths(routine)
    missing = [length for length in LENGTHS if length not in offered]
    if missing:
        found.append(
            Issue(
                file=file,
                field="steps",
                message=f"no step is in the {' or '.join(missing)} length; allowed: every "
                "routine in quick, standard and full (a step's `lengths:` lists the ones it is "
                "part of; standard and full by default)",
                severity="warning",
            )
        )
    if "quick" in offered:
        total = plan(select_length(routine, "quick")).total_s
        if not QUICK_TOTAL_S[0] <= total <= QUICK_TOTAL_S[1]:
            found.append(
                Issue(
                    file=file,
                    field="steps",
                    message=f"the quick length lasts {total:.0f} s; allowed: "
                    f"{QUICK_TOTAL_S[0]}-{QUICK_TOTAL_S[1]} s (2 to 4 minutes)",
                    severity="warning",
                )
            )
    if {"standard", "full"} <= set(offered):
        standard = plan(select_length(routine, "standard")).total_s
        full = plan(select_length(routine, "full")).total_s
        if full < standard:
            found.append(
                Issue(
                    file=file,
                    field="steps",
                    message=f"the full length ({full:.0f} s) is shorter than the standard one "
                    f"({standard:.0f} s); allowed: full at least as long as standard",
                    severity="warning",
                )
            )
    return found


def lint_routine(routine: Routine, file: str) -> list[Issue]:
    """The warnings for one valid routine, in every length it offers."""
    found: dict[tuple[int | None, str, str], Issue] = {}

    def add(issue: Issue) -> None:
        found.setdefault((issue.step, issue.field, issue.message), issue)

    said: dict[str, int] = {}  # seconds on a point already reported (in an earlier length)
    for length in sorted(available_lengths(routine), key=lambda name: name != "standard"):
        pressure_on_point: dict[str, int] = defaultdict(int)
        prefix = "" if length == "standard" else f"in the {length} length: "
        for index, step in length_steps(routine, length):
            written = routine.steps[index]
            same = length != "standard" and "standard" in written.in_lengths
            same = same and (written.quick if length == "quick" else written.full) is None
            checks = [] if same else _step_checks(routine, step) + _dose(step, length)
            for field, message in checks:
                where = _field(routine.steps[index], length, field)
                text = message if where != field or not prefix else prefix + message
                add(_issue(file, index, step, where, text))
            if step.technique == "compress":
                key = (step.point or step.title).casefold()
                pressure_on_point[key] += step.hold_s * step.reps
        for point, seconds in pressure_on_point.items():
            if seconds > MAX_PRESSURE_ON_POINT_S and said.get(point) != seconds:
                said[point] = seconds
                add(
                    Issue(
                        file=file,
                        field="steps",
                        message=f"{prefix}{seconds} s of pressure on '{point}' per side; "
                        f"allowed: at most {MAX_PRESSURE_ON_POINT_S} s (5 minutes) on one "
                        "point in a session",
                        severity="warning",
                    )
                )
    for index, written in enumerate(routine.steps):
        if written.alternative is not None:
            for field, message in _settle_check(written.alternative):
                add(_issue(file, index, written, f"alternative.{field}", message))
    for issue in _lengths(routine, file) + lint_safety(routine, file):
        add(issue)
    return list(found.values())
