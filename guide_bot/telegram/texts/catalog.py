"""Finding a routine: the menus, lists and the routine card."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from guide_bot.domain.routine import Length, Routine, Step
from guide_bot.domain.wording import N_
from guide_bot.i18n import EN, Translator
from guide_bot.telegram.texts.names import TECHNIQUE_NAMES, TOOL_NAMES

__all__ = [
    "ADAPTED_HEADING",
    "ADAPTED_IN_PRIVATE",
    "ALL_ROUTINES",
    "ASK_FIRST_CONFIRM",
    "ASK_FIRST_HEADING",
    "ASK_FIRST_PROMPT",
    "BACK_TO_MENU",
    "CARD_PICTURE_CAPTION",
    "CHOOSE",
    "LENGTH_WORDS",
    "MENU_ALL",
    "MENU_AREA",
    "MENU_COMPLAINT",
    "MENU_LENGTH",
    "MENU_MINE",
    "MENU_TOOL",
    "NO_ROUTINES",
    "PICK_AREA",
    "PICK_COMPLAINT",
    "PICK_LENGTH",
    "PICK_LENGTH_PROMPT",
    "PICK_TOOL",
    "REFUSED_HEADING",
    "REFUSED_IN_PRIVATE",
    "ROUTINES_FOR",
    "SESSION_USAGE",
    "START_BUTTON",
    "UNKNOWN_ROUTINE",
    "ask_first_text",
    "changes_lines",
    "first_step_caption",
    "length_button",
    "minutes",
    "refusal_text",
    "routine_button",
    "routine_card",
]

# --- finding a routine ---------------------------------------------------------------------

CHOOSE = N_("How would you like to find a routine?")
MENU_COMPLAINT = N_("Where does it hurt?")
MENU_AREA = N_("By body area")
MENU_LENGTH = N_("By length")
MENU_TOOL = N_("By tool")
MENU_ALL = N_("All routines")
MENU_MINE = N_("My routines")
BACK_TO_MENU = N_("« Back")
PICK_COMPLAINT = N_("Where does it hurt, or what would you like help with?")
PICK_AREA = N_("Which part of the body?")
PICK_LENGTH = N_("How much time do you have?")
PICK_TOOL = N_("What do you have at hand?")
NO_ROUTINES = N_("No routine matches that yet. Try another choice.")
ROUTINES_FOR = N_("Routines for <b>{what}</b>:")
CARD_PICTURE_CAPTION = N_("<b>{title}</b>: where each step works, numbered as on the card below.")
ALL_ROUTINES = N_("All routines:")
UNKNOWN_ROUTINE = N_("I don't know a routine called <code>{ref}</code>. Here are the ones I have:")
SESSION_USAGE = N_(
    "Send /session followed by a routine id, for example <code>/session {example}</code>."
)
START_BUTTON = N_("▶️ Start")


def minutes(seconds: float, *, tr: Translator = EN) -> str:
    """A duration in whole minutes (at least 1), or seconds under a minute."""
    if seconds < 60:
        return tr.t("{seconds} s", seconds=round(seconds))
    return tr.t("{minutes} min", minutes=max(1, round(seconds / 60)))


def routine_button(routine: Routine, duration_s: float, *, tr: Translator = EN) -> str:
    """A routine in a list of buttons."""
    return f"{routine.title} · {minutes(duration_s, tr=tr)}"


ADAPTED_HEADING = N_("<b>Changed for you</b> (your safety answers):")
ADAPTED_IN_PRIVATE = N_(
    "🔧 Changed to suit your safety answers (the details are in our private chat)."
)
REFUSED_HEADING = N_("<b>Not offered now</b> (your safety answers):")
REFUSED_IN_PRIVATE = N_(
    "Your safety answers rule this out for now; the reasons are in our private chat (/screening)."
)
ASK_FIRST_HEADING = N_("<b>Please ask your clinician first</b>:")
ASK_FIRST_CONFIRM = N_("I have asked, and it is fine")
ASK_FIRST_PROMPT = N_("Tap below once your clinician has said these routines are fine for you.")
LENGTH_WORDS: dict[Length, str] = {
    "quick": N_("Quick"),
    "standard": N_("Standard"),
    "full": N_("Full"),
}
PICK_LENGTH_PROMPT = N_("Length (one tap to change):")


def first_step_caption(title: str, *, tr: Translator = EN) -> str:
    """The caption of the first step's picture, sent above the offer."""
    return tr.t(
        "📍 Step 1 · {title}: the red mark is where it works (right side first).",
        title=escape(title),
    )


def length_button(length: Length, duration_s: float, chosen: bool, *, tr: Translator = EN) -> str:
    """A length choice with its minutes; the chosen one is marked."""
    label = f"{tr.gettext(LENGTH_WORDS[length])} · {minutes(duration_s, tr=tr)}"
    return f"✅ {label}" if chosen else label


def changes_lines(changes: Sequence[str], *, private: bool, tr: Translator = EN) -> list[str]:
    """What the adaptation changed, and why (in a group: only that it did)."""
    if not changes:
        return []
    if not private:
        return ["", tr.gettext(ADAPTED_IN_PRIVATE)]
    return ["", tr.gettext(ADAPTED_HEADING), *(f"• {escape(line)}" for line in changes)]


def refusal_text(title: str, advice: Sequence[str], *, private: bool, tr: Translator = EN) -> str:
    """Why a routine is not offered: the advice of each stop condition."""
    lines = [f"<b>{escape(title)}</b>", ""]
    if not private:
        return "\n".join([*lines, tr.gettext(REFUSED_IN_PRIVATE)])
    lines += [tr.gettext(REFUSED_HEADING), *(f"• {escape(a)}" for a in advice)]
    return "\n".join(lines)


def ask_first_text(title: str, advice: Sequence[str], *, private: bool, tr: Translator = EN) -> str:
    """The ask-first advice, before the confirming tap."""
    lines = [f"<b>{escape(title)}</b>", "", tr.gettext(ASK_FIRST_HEADING)]
    if private:
        lines += [f"• {escape(a)}" for a in advice]
    else:
        lines.append(tr.gettext("the details are in our private chat (/screening)."))
    return "\n".join([*lines, "", tr.gettext(ASK_FIRST_PROMPT)])


def _step_line(number: int, step: Step, tr: Translator) -> str:
    technique = tr.gettext(TECHNIQUE_NAMES.get(step.technique, step.technique))
    if step.sides == "left-right":
        hold = tr.t("{seconds} s each side", seconds=step.hold_s)
    else:
        hold = tr.t("{seconds} s", seconds=step.hold_s)
    reps = f" × {step.reps}" if step.reps > 1 else ""
    return f"{number}. {escape(step.title)} ({technique}, {hold}{reps})"


def routine_card(
    routine: Routine,
    duration_s: float,
    *,
    changes: Sequence[str] = (),
    private: bool = True,
    tr: Translator = EN,
) -> str:
    """The routine card: summary, length, tools, steps, cautions, and what was changed for the
    user (`routine` is then the adapted one, in the user's language)."""
    tools = ", ".join(tr.gettext(TOOL_NAMES.get(t, t)).lower() for t in routine.tools)
    steps = "\n".join(_step_line(n, s, tr) for n, s in enumerate(routine.steps, start=1))
    about = tr.t("About {length}", length=minutes(duration_s, tr=tr))
    lines = [
        f"<b>{escape(routine.title)}</b>",
        escape(routine.summary),
        "",
        f"⏱ {about} · 🧰 {escape(tools)}",
        "",
        steps,
    ]
    if routine.cautions:
        take_care = tr.gettext("Take care:")  # outside the f-string: the extractor finds it
        lines += ["", f"<b>{take_care}</b>"]
        lines += [f"• {escape(c)}" for c in routine.cautions]
    lines += changes_lines(changes, private=private, tr=tr)
    return "\n".join(lines)
