"""What the cues of a session are called and what they say.

The kinds are the `kind` strings of `guide-bot plan --json`; the texts are the spoken words of the
generated cues (the routine file supplies the instructions and the step's own cues).
"""

from __future__ import annotations

from enum import StrEnum

from guide_bot.domain.routine import Routine, Step
from guide_bot.domain.wording import ENGLISH, N_, Wording


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


# The verbs that start a hold ("Press now."), one message per technique.
HOLD_NOW = {
    "compress": N_("Press now."),
    "stretch": N_("Stretch now."),
    "roll": N_("Roll now."),
    "breathe": N_("Breathe now."),
    "move": N_("Move now."),
}
# The verb of each technique on the terminal's hold screen.
HOLD_VERB = {
    "compress": N_("Press"),
    "stretch": N_("Stretch"),
    "roll": N_("Roll"),
    "breathe": N_("Breathe"),
    "move": N_("Move"),
}
HALFWAY_TEXT = N_("Halfway.")
RELEASE_TEXT = N_("Release.")
COMPLETE_TEXT = N_("Session complete. Well done.")  # shown, not spoken: the end is a chime
SESSION_COMPLETE_WORDS = N_("Session complete, well done.")
FINAL_RELEASE_TEXT = "Release. Session complete, well done."
FADE_TEXT = N_("Stay here as long as you like.")  # the quiet last words of a routine that fades out
STOP_RULE = N_("Stop if you feel numbness, tingling, sharp or shooting pain, or dizziness.")
BREATHE_IN_TEXT = N_("Breathe in.")
BREATHE_OUT_TEXT = N_("Breathe out.")
# "Release" and "Halfway" mean something only for a hold with pressure or a stretch.
RELEASE_BY_TECHNIQUE = {
    "compress": RELEASE_TEXT,
    "stretch": RELEASE_TEXT,
    "roll": RELEASE_TEXT,
    "breathe": N_("Let your breath settle."),
    "move": N_("And rest."),
}
HALFWAY_TECHNIQUES = frozenset({"compress", "stretch", "roll"})
COUNTDOWN_TECHNIQUES = frozenset({"compress", "stretch", "roll", "move"})
SIDE_NAMES = {"left": N_("left"), "right": N_("right")}


def side_name(side: str, w: Wording = ENGLISH) -> str:
    """A side ("left", "right") in the language of `w`."""
    return w.gettext(SIDE_NAMES.get(side, side))


def stop_rule_text(routine_rule: str | None, w: Wording = ENGLISH) -> str:
    """The routine's own stop rule (already in its language) or the general one."""
    return routine_rule or w.gettext(STOP_RULE)


def prepare_text(routine: Routine, w: Wording = ENGLISH) -> str:
    """The first words of a session, with its stop rule: spoken at 0 s, in every routine."""
    rule = stop_rule_text(routine.stop_rule, w)
    if routine.get_ready_s == 0:
        return w.gettext("Get ready for {title}. {rule}").format(title=routine.title, rule=rule)
    return w.ngettext(
        "Get ready for {title}. {rule} First step in {n} second.",
        "Get ready for {title}. {rule} First step in {n} seconds.",
        routine.get_ready_s,
    ).format(title=routine.title, rule=rule, n=routine.get_ready_s)


def _other(side: str) -> str:
    return "left" if side == "right" else "right"


def lying_side(step: Step, side: str) -> str | None:
    """Which side the person lies on while `side` is worked, for side-lying steps."""
    if step.lie_on is None:
        return None
    return side if step.lie_on == "worked-side" else _other(side)


def first_side_text(side: str, lying: str | None, w: Wording = ENGLISH) -> str:
    """ "Right side first." and, for side-lying steps, which side to lie on."""
    words = w.gettext("Left side first.") if side == "left" else w.gettext("Right side first.")
    if lying is None:
        return words
    return f"{words} {lie_on_text(lying, w)}"


def lie_on_text(lying: str, w: Wording = ENGLISH) -> str:
    """ "Lie on your left side." (a whole sentence per side, for languages that inflect)."""
    if lying == "left":
        return w.gettext("Lie on your left side.")
    return w.gettext("Lie on your right side.")


def announce_text(number: int, step: Step, w: Wording = ENGLISH) -> str:
    """The announcement of a step: number, title, instruction, its caution, the first side."""
    text = w.gettext("Step {number}. {title}. {instruction}").format(
        number=number, title=step.title, instruction=step.instruction
    )
    if step.caution:
        text = f"{text} {step.caution}"
    first = step.side_names[0]
    if first is not None:
        text = f"{text} {first_side_text(first, lying_side(step, first), w)}"
    return text


def says_session_complete(text: str, w: Wording = ENGLISH) -> bool:
    """Whether a cue's words end the session aloud (the final release of a `complete` ending)."""
    return text.endswith(w.gettext(SESSION_COMPLETE_WORDS))


def release_text(step: Step, *, final: bool, ending: str = "complete", w: Wording = ENGLISH) -> str:
    """The words that end a hold; the last hold also ends the session (or fades out)."""
    if final and ending == "fade":
        return w.gettext(FADE_TEXT)
    words = w.gettext(RELEASE_BY_TECHNIQUE[step.technique])
    return f"{words} {w.gettext(SESSION_COMPLETE_WORDS)}" if final else words


def hold_start_text(
    step: Step, side: str | None, rep: int, *, first_of_rep: bool = True, w: Wording = ENGLISH
) -> str:
    """The words that start a hold: the repetition (at its first side), the side, and "now"."""
    parts: list[str] = []
    if step.reps > 1 and first_of_rep:
        if rep == 1:
            parts.append(w.gettext("Repetition 1 of {reps}.").format(reps=step.reps))
        else:
            parts.append(
                w.gettext("Next repetition, {rep} of {reps}.").format(rep=rep, reps=step.reps)
            )
    if side is not None:
        parts.append(w.gettext("Left side.") if side == "left" else w.gettext("Right side."))
    if step.pace is not None:
        parts.append(w.gettext(BREATHE_IN_TEXT))  # the hold starts on the first breath in
    else:
        parts.append(w.gettext(HOLD_NOW[step.technique]))
    return " ".join(parts)


def switch_text(side: str, step: Step | None = None, w: Wording = ENGLISH) -> str:
    """The cue to change sides; side-lying steps say which side to lie on."""
    lying = lying_side(step, side) if step is not None else None
    words = (
        w.gettext("Switch to the left side.")
        if side == "left"
        else w.gettext("Switch to the right side.")
    )
    if lying is not None:
        return f"{words} {lie_on_text(lying, w)}"
    return words


def rest_text(step: Step, next_title: str | None, w: Wording = ENGLISH) -> str:
    """The rest after a hold; at the end of a step it names the next one."""
    text = w.ngettext("Rest for {n} second.", "Rest for {n} seconds.", step.rest_s).format(
        n=step.rest_s
    )
    if next_title is None:
        return text
    following = w.gettext("Next: {title}.").format(title=next_title)  # not in an f-string:
    return f"{text} {following}"  # the extractor does not look inside f-strings


def countdown_text(n: int) -> str:
    """One number of the last-seconds countdown."""
    return str(n)
