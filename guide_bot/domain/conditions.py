"""The screening conditions: stable names, plain words, and what each one does to a routine.

The names are a contract (`guide-bot conditions`, `plan --condition NAME`, stored answers): keep
them. Three kinds: `stop` (not now: no session is offered), `ask_first` (ask a clinician first: no
session until the person has, then they untick it), and `adapt` (the routine is changed: steps
left out, replaced by a gentler one, softened or held longer). The rules and their sources are
those of the team's domain notes (docs/routines.md, "Conditions").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from guide_bot.domain.routine import Load
from guide_bot.domain.wording import N_

ConditionKind = Literal["stop", "ask_first", "adapt"]


@dataclass(frozen=True, kw_only=True, slots=True)
class Condition:
    """One screening answer and its effect.

    `avoid` are the loads a step must not have (it is replaced by its alternative, or left out);
    a step with a `prefer_alternative` load is replaced when it has an alternative without it;
    `max_pressure` caps the pressure of compress and roll steps; `why` is said on the card.
    """

    name: str
    label: str
    kind: ConditionKind
    why: str
    avoid: tuple[Load, ...] = ()
    prefer_alternative: tuple[Load, ...] = ()  # replaced when the step has a gentler one
    max_pressure: int | None = None
    includes: tuple[str, ...] = ()  # conditions this one implies (past 20 weeks is pregnancy)
    min_stretch_hold_s: int | None = None
    max_stretch_hold_s: int | None = None
    balance_support: bool = False  # standing-balance steps gain "hold on to a wall or chair"
    load_why: tuple[tuple[Load, str], ...] = ()  # a plainer reason for one avoided load

    def why_for(self, load: Load) -> str:
        """Why a step with this load is left out or replaced (the card says it)."""
        return dict(self.load_why).get(load, self.why)


CONDITIONS: tuple[Condition, ...] = (
    Condition(
        name="red_flags",
        label=N_(
            "A sudden, severe or unusual headache; pain after an injury or a fall; pain with "
            "fever, weight loss, numbness or weakness; or night pain that does not ease"
        ),
        kind="stop",
        why=N_("pain like this needs a clinician before self-treatment; please get it checked"),
    ),
    Condition(
        name="fever_or_acute_illness",
        label=N_("Fever or an acute illness right now"),
        kind="stop",
        why=N_("not now: wait until you are well again"),
    ),
    Condition(
        name="heart_or_blood_pressure",
        label=N_("A heart problem or blood pressure that is not under control"),
        kind="ask_first",
        why=N_("ask your clinician first whether pressure and stretching are right for you"),
    ),
    Condition(
        name="cancer_bone",
        label=N_("Cancer, especially cancer that affects bone"),
        kind="ask_first",
        why=N_("ask your care team first; never press on affected bones"),
    ),
    Condition(
        name="recent_surgery",
        label=N_("Surgery in the last few months"),
        kind="ask_first",
        why=N_("ask your surgeon first, and keep away from the site"),
    ),
    Condition(
        name="osteoporosis",
        label=N_("Osteoporosis or low bone density"),
        kind="adapt",
        why=N_(
            "end-range bending and twisting of the trunk and rolling the spine are best avoided "
            "(Too Fit to Fracture, Osteoporos Int 2014)"
        ),
        avoid=("trunk-flexion", "trunk-twist", "spine-rolling"),
        load_why=(
            (
                "trunk-flexion",
                N_(
                    "with osteoporosis, end-range forward bending of the trunk is best "
                    "avoided (Too Fit to Fracture, Osteoporos Int 2014)"
                ),
            ),
            (
                "trunk-twist",
                N_(
                    "with osteoporosis, end-range twisting of the trunk is best avoided "
                    "(Too Fit to Fracture, Osteoporos Int 2014)"
                ),
            ),
            (
                "spine-rolling",
                N_(
                    "with osteoporosis, rolling the spine is best avoided (Too Fit to "
                    "Fracture, Osteoporos Int 2014)"
                ),
            ),
        ),
    ),
    Condition(
        name="pregnancy",
        label=N_("Pregnant"),
        kind="adapt",
        why=N_(
            "no lying face down, no deep pressure on the legs (clot risk), gentle pressure only"
        ),
        avoid=("lying-face-down", "vein-pressure"),
        max_pressure=4,
        load_why=(
            ("lying-face-down", N_("no lying face down in pregnancy")),
            ("vein-pressure", N_("no deep pressure on the legs in pregnancy (clot risk)")),
        ),
    ),
    Condition(
        name="pregnancy_over_20_weeks",
        label=N_("Pregnant, past about 20 weeks"),
        kind="adapt",
        why=N_("no long lying on the back after about 20 weeks (ACOG Committee Opinion 804)"),
        avoid=("lying-on-back",),
        includes=("pregnancy",),
    ),
    Condition(
        name="bleeding_risk",
        label=N_("Blood thinners, a bleeding disorder or low platelets"),
        kind="adapt",
        why=N_("bruising comes easily: light pressure only"),
        prefer_alternative=("deep-pressure",),
        max_pressure=3,
    ),
    Condition(
        name="varicose_veins",
        label=N_("Varicose veins"),
        kind="adapt",
        why=N_("no pressure or rolling over varicose veins"),
        avoid=("vein-pressure",),
    ),
    Condition(
        name="nerve_damage",
        label=N_("Nerve damage, numbness, or diabetes with reduced feeling"),
        kind="adapt",
        why=N_(
            "with less feeling you cannot judge how hard you press: light pressure, and check "
            "the skin afterwards"
        ),
        prefer_alternative=("deep-pressure",),
        max_pressure=3,
    ),
    Condition(
        name="skin_damage",
        label=N_("Burns, a skin infection, a healing wound, or skin treated with radiation"),
        kind="adapt",
        why=N_("never press, roll or stretch over that skin: skip any step that works there"),
    ),
    Condition(
        name="age_65_plus",
        label=N_("Aged 65 or over"),
        kind="adapt",
        why=N_("stretches held 30-60 s (ACSM, Garber 2011), gentler pressure, support for balance"),
        max_pressure=5,
        min_stretch_hold_s=30,
        max_stretch_hold_s=60,
        balance_support=True,
    ),
)
BY_NAME: dict[str, Condition] = {condition.name: condition for condition in CONDITIONS}
CONDITION_NAMES: tuple[str, ...] = tuple(BY_NAME)


class UnknownCondition(ValueError):
    """A condition name that is not in CONDITION_NAMES."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown condition {name!r}; allowed: {', '.join(CONDITION_NAMES)}")
        self.name = name


def resolve(names: tuple[str, ...] | list[str]) -> tuple[Condition, ...]:
    """The conditions named, with those they imply, in the order of CONDITIONS."""
    wanted: set[str] = set()
    for name in names:
        if name not in BY_NAME:
            raise UnknownCondition(name)
        wanted.add(name)
        wanted.update(BY_NAME[name].includes)
    return tuple(condition for condition in CONDITIONS if condition.name in wanted)
