"""The routine schema: what a routine file may say, and the hard limits that refuse a file.

Pydantic models, frozen. Every field is required unless it has a default here, unknown fields are
refused, and the allowed values of each vocabulary are spelled out so that an error can say them.
Numbers are strict: `hold_s: "45"` (a quoted string) or `hold_s: 45.5` is refused, not converted.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

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
]
Tool = Literal["hands", "ball", "foam-roller", "wall", "strap", "chair", "mat"]

TECHNIQUES: tuple[str, ...] = Technique.__args__  # type: ignore[attr-defined]
AREAS: tuple[str, ...] = Area.__args__  # type: ignore[attr-defined]
COMPLAINTS: tuple[str, ...] = Complaint.__args__  # type: ignore[attr-defined]
TOOLS: tuple[str, ...] = Tool.__args__  # type: ignore[attr-defined]
SIDES: tuple[str, ...] = Sides.__args__  # type: ignore[attr-defined]


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


class Step(_Strict):
    """One timed step: announce the instruction, then hold (per side, per repetition)."""

    title: Line = Field(min_length=1, max_length=60)
    instruction: Text = Field(min_length=1, max_length=600)
    technique: Technique
    hold_s: int = Field(ge=MIN_HOLD_S, le=MAX_HOLD_S, strict=True)
    sides: Sides = "none"
    reps: int = Field(default=1, ge=1, le=10, strict=True)
    rest_s: int = Field(default=0, ge=0, le=300, strict=True)
    pressure: int | None = Field(default=None, ge=0, le=10, strict=True)
    point: Line | None = Field(default=None, min_length=1, max_length=60)
    tools: tuple[Tool, ...] = ()
    cues: tuple[Cue, ...] = ()

    @model_validator(mode="after")
    def _cues_inside_hold(self) -> Step:
        for number, cue in enumerate(self.cues, start=1):
            if cue.at_s >= self.hold_s:
                # A custom error type so that the loader can name the cue: cues[N].at_s.
                raise PydanticCustomError(
                    "cue_outside_hold",
                    "cue at {at_s} s is outside the {hold_s} s hold; "
                    "allowed: more than 0 and less than {hold_s} s",
                    {"cue": number, "at_s": f"{cue.at_s:g}", "hold_s": self.hold_s},
                )
        return self

    @property
    def side_names(self) -> tuple[str | None, ...]:
        """The sides this step is held on, in order; (None,) for a step without sides."""
        return ("right", "left") if self.sides == "left-right" else (None,)

    @property
    def work_s(self) -> int:
        """Seconds of holding in this step, all sides and repetitions together."""
        return self.hold_s * self.reps * len(self.side_names)


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
