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
    PACE = "pace"  # "Breathe in." / "Breathe out." of a paced breathing step
    SWITCH_SIDES = "switch_sides"
    RELEASE = "release"
    REST = "rest"
    COMPLETE = "complete"
    # Only in a voice note that picks a session up mid-step (lead_in.py), never in a plan.
    LEAD_IN = "lead_in"


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
SESSION_COMPLETE_WORDS = "Session complete, well done."
FADE_TEXT = "Stay here as long as you like."  # the quiet last words of a routine that fades out
STOP_RULE = "Stop if you feel numbness, tingling, sharp or shooting pain, or dizziness."
BREATHE_IN_TEXT = "Breathe in."
BREATHE_OUT_TEXT = "Breathe out."
# "Release" and "Halfway" mean something only for a hold with pressure or a stretch.
RELEASE_BY_TECHNIQUE = {
    "compress": RELEASE_TEXT,
    "stretch": RELEASE_TEXT,
    "roll": RELEASE_TEXT,
    "breathe": "Let your breath settle.",
    "move": "And rest.",
}
HALFWAY_TECHNIQUES = frozenset({"compress", "stretch", "roll"})
COUNTDOWN_TECHNIQUES = frozenset({"compress", "stretch", "roll", "move"})


def prepare_text(routine: Routine) -> str:
    """The first words of a session, with its stop rule: spoken at 0 s, in every routine."""
    rule = routine.stop_rule or STOP_RULE
    if routine.get_ready_s == 0:
        return f"Get ready for {routine.title}. {rule}"
    return f"Get ready for {routine.title}. {rule} First step in {routine.get_ready_s} seconds."


def _other(side: str) -> str:
    return "left" if side == "right" else "right"


def lying_side(step: Step, side: str) -> str | None:
    """Which side the person lies on while `side` is worked, for side-lying steps."""
    if step.lie_on is None:
        return None
    return side if step.lie_on == "worked-side" else _other(side)


def announce_text(number: int, step: Step) -> str:
    """The announcement of a step: number, title, instruction, its caution, the first side."""
    text = f"Step {number}. {step.title}. {step.instruction}"
    if step.caution:
        text = f"{text} {step.caution}"
    first = step.side_names[0]
    if first is not None:
        lying = lying_side(step, first)
        where = f" Lie on your {lying} side." if lying else ""
        text = f"{text} {first.capitalize()} side first.{where}"
    return text


def says_session_complete(text: str) -> bool:
    """Whether a cue's words end the session aloud (the final release of a `complete` ending)."""
    return text.endswith(SESSION_COMPLETE_WORDS)


def release_text(step: Step, *, final: bool, ending: str = "complete") -> str:
    """The words that end a hold; the last hold also ends the session (or fades out)."""
    if final and ending == "fade":
        return FADE_TEXT
    words = RELEASE_BY_TECHNIQUE[step.technique]
    return f"{words} {SESSION_COMPLETE_WORDS}" if final else words


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
    if step.pace is not None:
        parts.append(BREATHE_IN_TEXT)  # the hold starts on the first breath in
    else:
        parts.append(f"{HOLD_VERB[step.technique]} now.")
    return " ".join(parts)


def switch_text(side: str, step: Step | None = None) -> str:
    """The cue to change sides; side-lying steps say which side to lie on."""
    lying = lying_side(step, side) if step is not None else None
    if lying is not None:
        return f"Switch to the {side} side. Lie on your {lying} side."
    return f"Switch to the {side} side."


def rest_text(step: Step, next_title: str | None) -> str:
    """The rest after a hold; at the end of a step it names the next one."""
    text = f"Rest for {step.rest_s} seconds."
    return text if next_title is None else f"{text} Next: {next_title}."


def countdown_text(n: int) -> str:
    """One number of the last-seconds countdown."""
    return str(n)
