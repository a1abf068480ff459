"""Adapting a routine to the person: what their screening answers leave out, replace or soften.

Pure: a routine and condition names in, the adapted routine and a list of changes out, each
change saying what changed and why (for the routine card). A `stop` or `ask_first` condition is
a refusal with advice, never a silent plan: `Adaptation.routine` is then None.

Play a length first, then adapt: `adapt(select_length(routine, length), names)`, so that the
adapted holds are the ones played (`personalise` does both).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from guide_bot.domain.conditions import Condition, resolve
from guide_bot.domain.lengths import DEFAULT_LENGTH, select_length
from guide_bot.domain.routine import Length, Load, Routine, Step
from guide_bot.domain.wording import ENGLISH, N_, Wording

ChangeAction = Literal["left out", "replaced", "softened", "held longer", "held shorter", "note"]
# A pressure target in each shipped language's words: "6 out of 10", "5 or 6 out of 10", German
# "6 von 10", Spanish "6 de 10", Russian "6 из 10", Portuguese "6 de 10". Only the numbers are
# replaced, so the sentence stays in its own language whatever the wording's language is.
PRESSURE_WORDS = re.compile(
    r"\b\d+(?:\s+(?:or|to|oder|bis|o|a|или|ou)\s+\d+)?(?=\s+(?:out\s+of|von|de|из)\s+10\b)"
)
BALANCE_WORDS = N_("Keep one hand on a wall or a chair for balance.")
# The action words of a change on the card (the JSON keeps the English action).
ACTION_WORDS: dict[str, str] = {
    "left out": N_("left out"),
    "replaced": N_("replaced"),
    "softened": N_("softened"),
    "held longer": N_("held longer"),
    "held shorter": N_("held shorter"),
    "note": N_("note"),
}
NOTE_ONLY = {"skin_damage", "nerve_damage"}  # conditions also said as a note on every card


@dataclass(frozen=True, kw_only=True, slots=True)
class Change:
    """One thing the adaptation changed, and why (the card lists them)."""

    step: int | None  # 1-based number in the routine as given; None for the whole routine
    title: str
    action: ChangeAction
    condition: str
    why: str
    wording: Wording = ENGLISH

    @property
    def text(self) -> str:
        """One line for the card: what changed, and why (in the adaptation's language)."""
        w = self.wording
        if self.step is None:
            return f"{self.title}: {self.why}."
        action = w.gettext(ACTION_WORDS[self.action])
        return w.gettext("Step {step} ({title}) {action}: {why}.").format(
            step=self.step, title=self.title, action=action, why=self.why
        )

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of a change in `guide-bot plan --json`."""
        return {
            "step": self.step,
            "title": self.title,
            "action": self.action,
            "condition": self.condition,
            "why": self.why,
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class Advice:
    """Why no session is offered now: a `stop` or `ask_first` condition, or nothing left."""

    condition: str | None
    kind: str
    text: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Adaptation:
    """The result: the routine to play (None when refused), the changes, and any refusal."""

    routine: Routine | None
    changes: tuple[Change, ...]
    refusals: tuple[Advice, ...] = ()

    @property
    def refused(self) -> bool:
        """True when no session should be offered (see `refusals`)."""
        return self.routine is None


def _replaced(number: int, step: Step, by: Step, condition: str, why: str, w: Wording) -> Change:
    """The change that puts the gentler `by` in the place of `step`, and why."""
    return Change(
        step=number,
        title=step.title,
        action="replaced",
        condition=condition,
        why=w.gettext("now {title!r}, because {why}").format(title=by.title, why=why),
        wording=w,
    )


def _soft_pressure(step: Step, cap: int, w: Wording) -> Step:
    if step.technique not in {"compress", "roll"}:
        return step
    if step.pressure is not None and step.pressure <= cap:
        return step
    if PRESSURE_WORDS.search(step.instruction):
        instruction = PRESSURE_WORDS.sub(str(cap), step.instruction)
    else:
        light = w.gettext("Keep the pressure light, about {cap} out of 10.").format(cap=cap)
        instruction = f"{step.instruction} {light}"
    return step.model_copy(update={"pressure": cap, "instruction": instruction})


def _stretch_hold(step: Step, low: int | None, high: int | None) -> Step:
    if step.technique != "stretch":
        return step
    hold = step.hold_s
    if low is not None and hold < low:
        hold = low
    if high is not None and hold > high:
        hold = high
    if hold == step.hold_s:
        return step
    total = step.hold_s * step.reps
    reps = max(1, round(total / hold)) if hold > step.hold_s else step.reps
    cues = tuple(cue for cue in step.cues if cue.at_s < hold)
    return step.model_copy(update={"hold_s": hold, "reps": reps, "cues": cues})


def _as_step(step: Step) -> Step | None:
    if step.alternative is None:
        return None
    fields = step.alternative.model_dump(exclude_unset=True)
    return Step.model_validate(fields)


def _step_changes(
    number: int, step: Step, conditions: tuple[Condition, ...], w: Wording
) -> tuple[Step | None, list[Change]]:
    changes: list[Change] = []
    avoided: dict[Load, Condition] = {}
    for condition in conditions:
        for load in condition.avoid:
            avoided.setdefault(load, condition)
    hits = [load for load in step.loads if load in avoided]
    preferred = {load: c for c in conditions for load in c.prefer_alternative}
    gentler = _as_step(step)
    if not hits and gentler is not None and not any(load in avoided for load in gentler.loads):
        soft = [load for load in step.loads if load in preferred and load not in gentler.loads]
        if soft:
            cause = preferred[soft[0]]
            changes.append(_replaced(number, step, gentler, cause.name, w.gettext(cause.why), w))
            step = gentler
    if hits:
        cause = avoided[hits[0]]
        why = w.gettext(cause.why_for(hits[0]))
        alternative = gentler
        if alternative is not None and not any(load in avoided for load in alternative.loads):
            changes.append(_replaced(number, step, alternative, cause.name, why, w))
            step = alternative
        else:
            changes.append(
                Change(step=number, title=step.title, action="left out", condition=cause.name,
                       why=why, wording=w)
            )  # fmt: skip
            return None, changes
    for condition in conditions:
        before = step
        if condition.max_pressure is not None:
            step = _soft_pressure(step, condition.max_pressure, w)
            if step is not before:
                changes.append(
                    Change(
                        step=number,
                        title=step.title,
                        action="softened",
                        condition=condition.name,
                        why=w.gettext("pressure {before} -> {after} of 10, because {why}").format(
                            before=before.pressure or w.gettext("unset"),
                            after=step.pressure,
                            why=w.gettext(condition.why),
                        ),
                        wording=w,
                    )
                )
        before = step
        step = _stretch_hold(step, condition.min_stretch_hold_s, condition.max_stretch_hold_s)
        if step is not before:
            action: ChangeAction = "held longer" if step.hold_s > before.hold_s else "held shorter"
            changes.append(
                Change(
                    step=number,
                    title=step.title,
                    action=action,
                    condition=condition.name,
                    why=w.gettext(
                        "{reps_before} x {hold_before} s -> {reps} x {hold} s, because {why}"
                    ).format(
                        reps_before=before.reps,
                        hold_before=before.hold_s,
                        reps=step.reps,
                        hold=step.hold_s,
                        why=w.gettext(condition.why),
                    ),
                    wording=w,
                )
            )
        needs_support = condition.balance_support and "standing-balance" in step.loads
        balance = w.gettext(BALANCE_WORDS)
        if needs_support and balance not in step.instruction:
            step = step.model_copy(update={"instruction": f"{step.instruction} {balance}"})
            changes.append(
                Change(
                    step=number,
                    title=step.title,
                    action="softened",
                    condition=condition.name,
                    why=w.gettext(
                        "hold on to a wall or a chair, because balance matters at 65 or over"
                    ),
                    wording=w,
                )
            )
    return step, changes


def adapt(routine: Routine, condition_names: Iterable[str], w: Wording = ENGLISH) -> Adaptation:
    """The routine as this person should do it (changes worded in `w`); raises UnknownCondition
    for a bad name."""
    conditions = resolve(list(condition_names))
    refusals = tuple(
        Advice(condition=c.name, kind=c.kind, text=f"{w.gettext(c.label)}: {w.gettext(c.why)}.")
        for c in conditions
        if c.kind in {"stop", "ask_first"}
    )
    if refusals:
        return Adaptation(routine=None, changes=(), refusals=refusals)
    steps: list[Step] = []
    changes: list[Change] = []
    for number, step in enumerate(routine.steps, start=1):
        adapted, found = _step_changes(number, step, conditions, w)
        changes.extend(found)
        if adapted is not None:
            steps.append(adapted)
    notes = [c for c in conditions if c.name in NOTE_ONLY]
    changes.extend(
        Change(
            step=None,
            title=w.gettext(c.label),
            action="note",
            condition=c.name,
            why=w.gettext(c.why),
            wording=w,
        )
        for c in notes
    )
    if not steps:
        advice = Advice(
            condition=None,
            kind="nothing_left",
            text=w.gettext(
                "Every step of this routine is ruled out by your answers; choose another one."
            ),
        )
        return Adaptation(routine=None, changes=tuple(changes), refusals=(advice,))
    return Adaptation(
        routine=routine.model_copy(update={"steps": tuple(steps)}), changes=tuple(changes)
    )


def personalise(
    routine: Routine,
    *,
    length: Length = DEFAULT_LENGTH,
    conditions: Iterable[str] = (),
    w: Wording = ENGLISH,
) -> Adaptation:
    """One length of a routine, adapted to the person: what a front end plays."""
    return adapt(select_length(routine, length), conditions, w)
