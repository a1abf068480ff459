"""Finding a routine: the menus, lists and the routine card."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from guide_bot.domain.routine import Length, Routine
from guide_bot.telegram.texts.names import TECHNIQUE_NAMES, TOOL_NAMES

__all__ = [
    "ADAPTED_HEADING",
    "ADAPTED_IN_PRIVATE",
    "ALL_ROUTINES",
    "ASK_FIRST_CONFIRM",
    "ASK_FIRST_HEADING",
    "ASK_FIRST_PROMPT",
    "BACK_TO_MENU",
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

CHOOSE = "How would you like to find a routine?"
MENU_COMPLAINT = "Where does it hurt?"
MENU_AREA = "By body area"
MENU_LENGTH = "By length"
MENU_TOOL = "By tool"
MENU_ALL = "All routines"
MENU_MINE = "My routines"
BACK_TO_MENU = "« Back"
PICK_COMPLAINT = "Where does it hurt, or what would you like help with?"
PICK_AREA = "Which part of the body?"
PICK_LENGTH = "How much time do you have?"
PICK_TOOL = "What do you have at hand?"
NO_ROUTINES = "No routine matches that yet. Try another choice."
ROUTINES_FOR = "Routines for <b>{what}</b>:"
ALL_ROUTINES = "All routines:"
UNKNOWN_ROUTINE = "I don't know a routine called <code>{ref}</code>. Here are the ones I have:"
SESSION_USAGE = (
    "Send /session followed by a routine id, for example <code>/session {example}</code>."
)
START_BUTTON = "▶️ Start"


def minutes(seconds: float) -> str:
    """A duration in whole minutes (at least 1), or seconds under a minute."""
    if seconds < 60:
        return f"{round(seconds)} s"
    return f"{max(1, round(seconds / 60))} min"


def routine_button(routine: Routine, duration_s: float) -> str:
    """A routine in a list of buttons."""
    return f"{routine.title} · {minutes(duration_s)}"


ADAPTED_HEADING = "<b>Changed for you</b> (your safety answers):"
ADAPTED_IN_PRIVATE = "🔧 Changed to suit your safety answers (the details are in our private chat)."
REFUSED_HEADING = "<b>Not offered now</b> (your safety answers):"
REFUSED_IN_PRIVATE = (
    "Your safety answers rule this out for now; the reasons are in our private chat (/screening)."
)
ASK_FIRST_HEADING = "<b>Please ask your clinician first</b>:"
ASK_FIRST_CONFIRM = "I have asked, and it is fine"
ASK_FIRST_PROMPT = "Tap below once your clinician has said these routines are fine for you."
LENGTH_WORDS: dict[Length, str] = {"quick": "Quick", "standard": "Standard", "full": "Full"}
PICK_LENGTH_PROMPT = "Length (one tap to change):"


def first_step_caption(title: str) -> str:
    """The caption of the first step's picture, sent above the offer."""
    return f"📍 Step 1 · {escape(title)}: the red mark is where it works (right side first)."


def length_button(length: Length, duration_s: float, chosen: bool) -> str:
    """A length choice with its minutes; the chosen one is marked."""
    label = f"{LENGTH_WORDS[length]} · {minutes(duration_s)}"
    return f"✅ {label}" if chosen else label


def changes_lines(changes: Sequence[str], *, private: bool) -> list[str]:
    """What the adaptation changed, and why (in a group: only that it did)."""
    if not changes:
        return []
    if not private:
        return ["", ADAPTED_IN_PRIVATE]
    return ["", ADAPTED_HEADING, *(f"• {escape(line)}" for line in changes)]


def refusal_text(title: str, advice: Sequence[str], *, private: bool) -> str:
    """Why a routine is not offered: the advice of each stop condition."""
    lines = [f"<b>{escape(title)}</b>", ""]
    if not private:
        return "\n".join([*lines, REFUSED_IN_PRIVATE])
    lines += [REFUSED_HEADING, *(f"• {escape(a)}" for a in advice)]
    return "\n".join(lines)


def ask_first_text(title: str, advice: Sequence[str], *, private: bool) -> str:
    """The ask-first advice, before the confirming tap."""
    lines = [f"<b>{escape(title)}</b>", "", ASK_FIRST_HEADING]
    if private:
        lines += [f"• {escape(a)}" for a in advice]
    else:
        lines.append("the details are in our private chat (/screening).")
    return "\n".join([*lines, "", ASK_FIRST_PROMPT])


def routine_card(
    routine: Routine, duration_s: float, *, changes: Sequence[str] = (), private: bool = True
) -> str:
    """The routine card: summary, length, tools, steps, cautions, and what was changed for the
    user (`routine` is then the adapted one)."""
    tools = ", ".join(TOOL_NAMES.get(t, t).lower() for t in routine.tools)
    steps = "\n".join(
        f"{n}. {escape(s.title)} ({TECHNIQUE_NAMES.get(s.technique, s.technique)}, "
        f"{s.hold_s} s{' each side' if s.sides == 'left-right' else ''}"
        f"{f' × {s.reps}' if s.reps > 1 else ''})"
        for n, s in enumerate(routine.steps, start=1)
    )
    lines = [
        f"<b>{escape(routine.title)}</b>",
        escape(routine.summary),
        "",
        f"⏱ About {minutes(duration_s)} · 🧰 {escape(tools)}",
        "",
        steps,
    ]
    if routine.cautions:
        lines += ["", "<b>Take care:</b>"] + [f"• {escape(c)}" for c in routine.cautions]
    lines += changes_lines(changes, private=private)
    return "\n".join(lines)
