"""Finding a routine: the menus, lists and the routine card."""

from __future__ import annotations

from html import escape

from guide_bot.domain.routine import Routine
from guide_bot.telegram.texts.names import TECHNIQUE_NAMES, TOOL_NAMES
from guide_bot.telegram.texts.safety import AVOID_REMINDER, CLINICIAN_REMINDER, SCREENING

__all__ = [
    "ALL_ROUTINES",
    "BACK_TO_MENU",
    "CHOOSE",
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
    "PICK_TOOL",
    "ROUTINES_FOR",
    "SESSION_USAGE",
    "START_BUTTON",
    "UNKNOWN_ROUTINE",
    "minutes",
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


def routine_card(
    routine: Routine, duration_s: float, *, screening: dict[str, bool] | None = None
) -> str:
    """The routine card: summary, length, tools, steps, cautions."""
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
    if screening and any(screening.get(q.key) for q in SCREENING if q.kind == "clinician"):
        lines += ["", CLINICIAN_REMINDER]
    if screening and any(screening.get(q.key) for q in SCREENING if q.kind == "avoid"):
        lines += ["", AVOID_REMINDER]
    return "\n".join(lines)
