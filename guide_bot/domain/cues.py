"""What the cues of a session are called and what they say.

The kinds are the `kind` strings of `guide-bot plan --json`; the texts are the spoken words of the
generated cues (the routine file supplies the instructions and the step's own cues).
"""

from __future__ import annotations

from enum import StrEnum

from guide_bot.domain.routine import Routine, Step


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


HOLD_VERB = {
    "compress": "Press",
    "stretch": "Stretch",
    "roll": "Roll",
    "breathe": "Breathe",
    "move": "Move",
}
HALFWAY_TEXT = "Halfway."
RELEASE_TEXT = "Release."
FINAL_RELEASE_TEXT = "Release. Session complete, well done."
COMPLETE_TEXT = "Session complete. Well done."  # shown, not spoken: the end is a chime


def prepare_text(routine: Routine) -> str:
    """The first words of a session."""
    if routine.get_ready_s == 0:
        return f"Get ready for {routine.title}."
    return f"Get ready for {routine.title}. First step in {routine.get_ready_s} seconds."


def announce_text(number: int, step: Step) -> str:
    """The announcement of a step: its number, title and instruction."""
    return f"Step {number}. {step.title}. {step.instruction}"


def hold_start_text(step: Step, side: str | None, rep: int, *, first_of_rep: bool = True) -> str:
    """The words that start a hold: the repetition (at its first side), the side, and "now"."""
    parts: list[str] = []
    if step.reps > 1 and first_of_rep:
        if rep == 1:
            parts.append(f"Repetition 1 of {step.reps}.")
        else:
            parts.append(f"Next repetition, {rep} of {step.reps}.")
    if side is not None:
        parts.append(f"{side.capitalize()} side.")
    parts.append(f"{HOLD_VERB[step.technique]} now.")
    return " ".join(parts)


def switch_text(side: str) -> str:
    """The cue to change sides."""
    return f"Switch to the {side} side."


def rest_text(step: Step, next_title: str | None) -> str:
    """The rest after a hold; at the end of a step it names the next one."""
    text = f"Rest for {step.rest_s} seconds."
    return text if next_title is None else f"{text} Next: {next_title}."


def countdown_text(n: int) -> str:
    """One number of the last-seconds countdown."""
    return str(n)
