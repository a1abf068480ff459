"""The routine schema: what a routine file may say, and the hard limits that refuse a file.

Pydantic models, frozen. Every field is required unless it has a default here, unknown fields are
refused, and the allowed values of each vocabulary are spelled out so that an error can say them.
Numbers are strict: `hold_s: "45"` (a quoted string) or `hold_s: 45.5` is refused, not converted.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from guide_bot.domain.visible_text import hidden_character

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_RE = re.compile(SLUG_PATTERN)
MAX_ID_LENGTH = 64
MIN_HOLD_S = 1
MAX_HOLD_S = 600
MAX_SETTLE_S = 60  # the quiet after an instruction, to get into position (domain/positioning.py)

Technique = Literal["compress", "stretch", "roll", "breathe", "move"]
Sides = Literal["none", "left-right"]
Area = Literal[
    "head-jaw",
    "neck",
    "shoulders-upper-back",
    "chest",
    "forearms-hands",
    "lower-back",
    "hips-glutes",
    "thighs",
    "calves-feet",
    "whole-body",
]
Complaint = Literal[
    "tension-headache",
    "neck-pain",
    "shoulder-tension",
    "lower-back-pain",
    "desk-posture",
    "sore-legs",
    "stiffness",
    "sleep",
    "relaxation",
    "sciatica-like",
    "hip-pain",
    "heel-arch-pain",
    "jaw-clenching",
    "pregnancy",
    "older-adults",
    "forearm-grip",
    "warm-up",
    "micro-break",
]
Tool = Literal["hands", "ball", "foam-roller", "wall", "strap", "chair", "mat"]
Load = Literal[
    "trunk-flexion",  # end-range forward bending of the trunk (folds, knees to chest)
    "trunk-twist",  # end-range twisting of the trunk
    "spine-rolling",  # rolling along or over the spine
    "lying-on-back",  # lying on the back for the step
    "lying-face-down",  # lying face down (prone) for the step
    "vein-pressure",  # pressure or rolling where leg veins run (calves, inner and back of thigh)
    "deep-pressure",  # firm pressure: a ball or roller under body weight
    "standing-balance",  # standing on one leg or reaching off balance
    "kneeling",  # on hands and knees or kneeling
]
Length = Literal["quick", "standard", "full"]
View = Literal["front", "back", "side"]
LieOn = Literal["worked-side", "other-side"]
Ending = Literal["complete", "fade"]

TECHNIQUES: tuple[str, ...] = Technique.__args__  # type: ignore[attr-defined]
AREAS: tuple[str, ...] = Area.__args__  # type: ignore[attr-defined]
COMPLAINTS: tuple[str, ...] = Complaint.__args__  # type: ignore[attr-defined]
TOOLS: tuple[str, ...] = Tool.__args__  # type: ignore[attr-defined]
SIDES: tuple[str, ...] = Sides.__args__  # type: ignore[attr-defined]
LOADS: tuple[str, ...] = Load.__args__  # type: ignore[attr-defined]
LENGTHS: tuple[Length, ...] = get_args(Length)
DEFAULT_LENGTHS: tuple[Length, ...] = ("standard", "full")


HIDDEN_ALLOWED = (
    "visible text, without control characters, direction overrides or zero-width spaces "
    "(see docs/routines.md)"
)


def _visible(multiline: bool) -> AfterValidator:
    def check(value: str) -> str:
        found = hidden_character(value, multiline=multiline)
        if found is not None:
            position, char = found
            raise PydanticCustomError(
                "hidden_character",
                "contains {char} at character {position}; allowed: {allowed}",
                {"char": char, "position": position, "allowed": HIDDEN_ALLOWED},
            )
        return value

    return AfterValidator(check)


Line = Annotated[str, _visible(multiline=False)]  # titles, names: one line
Text = Annotated[str, _visible(multiline=True)]  # instructions, summaries: line breaks and tabs


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Cue(_Strict):
    """An extra spoken cue inside a hold, e.g. "breathe out slowly" 20 s after the hold starts."""

    at_s: float = Field(
        gt=0, strict=True, description="seconds after the hold starts; inside the hold"
    )
    text: Text = Field(min_length=1, max_length=200)


Coordinate = Annotated[float, Field(ge=0.0, le=1.0)]
Point = tuple[Coordinate, Coordinate]


class Where(_Strict):
    """Where a step works, on the body map of body_map.py: a point or a line in one view.

    Coordinates are (x, y) from the top left of the view's frame, each from 0 to 1. A one-sided
    step gives the right side; the left is its mirror image (body_map.mirror).
    """

    view: View
    point: Point | None = None
    line: tuple[Point, Point] | None = None
    both_sides: bool = False  # a step without sides that works both sides at once (temples)

    @model_validator(mode="after")
    def _point_or_line(self) -> Where:
        if (self.point is None) == (self.line is None):
            raise PydanticCustomError(
                "point_or_line",
                "a picture needs a point or a line, not both or neither; allowed: exactly one of "
                "point: [x, y] or line: [[x, y], [x, y]]",
            )
        return self

    @property
    def points(self) -> tuple[Point, ...]:
        """The point, or both ends of the line."""
        return (self.point,) if self.point is not None else tuple(self.line or ())


class BreathPace(_Strict):
    """A paced breath: "Breathe in" and "Breathe out" cues at this rhythm through the hold."""

    in_s: float = Field(ge=2, le=8, strict=True)
    out_s: float = Field(ge=2, le=12, strict=True)

    @property
    def per_minute(self) -> float:
        """Breaths a minute at this pace."""
        return 60.0 / (self.in_s + self.out_s)


class LengthOverride(_Strict):
    """How a step differs in the quick or the full length of its routine."""

    hold_s: int | None = Field(default=None, ge=MIN_HOLD_S, le=MAX_HOLD_S, strict=True)
    reps: int | None = Field(default=None, ge=1, le=10, strict=True)
    rest_s: int | None = Field(default=None, ge=0, le=300, strict=True)


def _check_cues(cues: tuple[Cue, ...], hold_s: int, where: str = "") -> None:
    for number, cue in enumerate(cues, start=1):
        if cue.at_s >= hold_s:
            # A custom error type so that the loader can name the cue: cues[N].at_s.
            raise PydanticCustomError(
                "cue_outside_hold",
                "cue at {at_s} s is outside the {hold_s} s hold{where}; "
                "allowed: more than 0 and less than {hold_s} s",
                {"cue": number, "at_s": f"{cue.at_s:g}", "hold_s": hold_s, "where": where},
            )


class StepFields(_Strict):
    """The fields of a step; a step's `alternative` has them all but an alternative of its own."""

    title: Line = Field(min_length=1, max_length=60)
    instruction: Text = Field(min_length=1, max_length=600)
    technique: Technique
    hold_s: int = Field(ge=MIN_HOLD_S, le=MAX_HOLD_S, strict=True)
    sides: Sides = "none"
    reps: int = Field(default=1, ge=1, le=10, strict=True)
    rest_s: int = Field(default=0, ge=0, le=300, strict=True)
    settle_s: int | None = Field(default=None, ge=0, le=MAX_SETTLE_S, strict=True)
    pressure: int | None = Field(default=None, ge=0, le=10, strict=True)
    point: Line | None = Field(default=None, min_length=1, max_length=60)
    tools: tuple[Tool, ...] = ()
    cues: tuple[Cue, ...] = ()
    loads: tuple[Load, ...] = ()
    caution: str | None = Field(default=None, min_length=1, max_length=200)
    where: Where | None = None
    lie_on: LieOn | None = None
    pace: BreathPace | None = None
    lengths: tuple[Length, ...] | None = Field(default=None, min_length=1)
    quick: LengthOverride | None = None
    full: LengthOverride | None = None

    @model_validator(mode="after")
    def _consistent(self) -> StepFields:
        _check_cues(self.cues, self.hold_s)
        for name in ("quick", "full"):
            override: LengthOverride | None = getattr(self, name)
            if override is None:
                continue
            if name not in self.in_lengths:
                raise PydanticCustomError(
                    "override_without_length",
                    "`{name}:` is given but the step is not in the {name} length; allowed: add "
                    "{name} to `lengths`, or leave `{name}:` out",
                    {"name": name},
                )
            if override.hold_s is not None:
                _check_cues(self.cues, override.hold_s, f" of the {name} length")
        if self.pace is not None and self.technique != "breathe":
            raise PydanticCustomError(
                "pace_not_breathe",
                "this step's technique is {technique}; allowed: pace only with technique: breathe",
                {"technique": self.technique},
            )
        if self.lie_on is not None and self.sides != "left-right":
            raise PydanticCustomError(
                "lie_on_without_sides",
                "lie_on says which side to lie on while a side is worked; allowed: lie_on "
                "only with sides: left-right",
            )
        return self

    @property
    def in_lengths(self) -> tuple[Length, ...]:
        """The lengths of the routine this step is part of (standard and full by default)."""
        return self.lengths if self.lengths is not None else DEFAULT_LENGTHS

    @property
    def side_names(self) -> tuple[str | None, ...]:
        """The sides this step is held on, in order; (None,) for a step without sides."""
        return ("right", "left") if self.sides == "left-right" else (None,)

    @property
    def work_s(self) -> int:
        """Seconds of holding in this step, all sides and repetitions together."""
        return self.hold_s * self.reps * len(self.side_names)


class Alternative(StepFields):
    """A gentler step that takes the place of its step when a condition rules that one out."""


class Step(StepFields):
    """One timed step: announce the instruction, then hold (per side, per repetition)."""

    alternative: Alternative | None = None


class Routine(_Strict):
    """A whole routine, as one YAML file of scripts_library/ says it."""

    id: str = Field(max_length=MAX_ID_LENGTH)
    title: Line = Field(min_length=1, max_length=80)
    summary: Text = Field(min_length=1, max_length=600)
    areas: tuple[Area, ...] = Field(min_length=1)
    complaints: tuple[Complaint, ...] = Field(min_length=1)
    tools: tuple[Tool, ...] = Field(min_length=1)
    cautions: tuple[Text, ...] = ()
    get_ready_s: int = Field(default=10, ge=0, le=60, strict=True)
    stop_rule: str | None = Field(default=None, min_length=1, max_length=200)
    ending: Ending = "complete"
    steps: tuple[Step, ...] = Field(min_length=1, max_length=40)

    @field_validator("id")
    @classmethod
    def _safe_slug(cls, value: str) -> str:
        if not SLUG_RE.fullmatch(value):
            raise ValueError(
                f"{value!r} is not a safe id; allowed: lowercase letters, digits and single "
                "hyphens, like 'neck-release'"
            )
        return value

    @property
    def work_s(self) -> int:
        """Seconds of holding in the whole routine (without announcements and rests)."""
        return sum(step.work_s for step in self.steps)
