"""Every word the bot says to users, in one place (HTML parse mode; routine text is escaped)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

__all__ = ["escape"]  # re-exported: handlers escape routine text with it

from guide_bot.domain.routine import Routine, Step

# --- names of things -----------------------------------------------------------------------

COMPLAINT_NAMES = {
    "tension-headache": "Tension headache",
    "neck-pain": "Neck pain",
    "shoulder-tension": "Tight shoulders",
    "lower-back-pain": "Lower back pain",
    "desk-posture": "Desk posture",
    "sore-legs": "Sore legs after sport",
    "stiffness": "General stiffness",
    "sleep": "Winding down for sleep",
    "relaxation": "Relaxation",
}
AREA_NAMES = {
    "head-jaw": "Head and jaw",
    "neck": "Neck",
    "shoulders-upper-back": "Shoulders and upper back",
    "chest": "Chest",
    "forearms-hands": "Forearms and hands",
    "lower-back": "Lower back",
    "hips-glutes": "Hips and glutes",
    "thighs": "Thighs",
    "calves-feet": "Calves and feet",
    "whole-body": "Whole body",
}
TOOL_NAMES = {
    "hands": "Hands only",
    "ball": "A ball (tennis or lacrosse)",
    "foam-roller": "Foam roller",
    "wall": "A wall",
    "strap": "Towel or strap",
    "chair": "A chair",
    "mat": "A mat",
}
LENGTH_NAMES = {
    "5": "Up to 5 minutes",
    "10": "5 to 10 minutes",
    "20": "10 to 20 minutes",
    "more": "Over 20 minutes",
}
TECHNIQUE_NAMES = {
    "compress": "press and hold",
    "stretch": "stretch",
    "roll": "roll",
    "breathe": "breathe",
    "move": "move",
}
MODE_NAMES = {"voice": "Voice notes", "text": "Text messages", "both": "Voice and text"}
LANGUAGE_NAMES = {
    "en": "English (US)",
    "en-gb": "English (UK)",
    "en-au": "English (Australia)",
    "en-in": "English (India)",
}

# --- onboarding and safety -----------------------------------------------------------------

WELCOME = (
    "Hello! I guide you through short self-massage and stretching routines: I tell you what "
    "to do, time every hold and say when to switch sides and when to release."
)
NOT_MEDICAL_ADVICE = (
    "<b>Please note:</b> this is not a medical device and not medical advice. If something "
    "hurts a lot, keeps getting worse or worries you, see a doctor or physiotherapist."
)
SCREENING_INTRO = (
    "First, {count} quick safety questions. Your answers stay private; you can see or change "
    "them any time with /screening."
)


@dataclass(frozen=True, kw_only=True, slots=True)
class Question:
    """A screening question and what follows from a yes."""

    key: str
    text: str
    if_yes: str
    kind: str  # "avoid": do not use on that area; "clinician": ask first


SCREENING: tuple[Question, ...] = (
    Question(
        key="wound_fracture",
        text=(
            "Do you have an <b>open wound</b> or a <b>fracture</b> (a broken or cracked bone, "
            "including one that is still healing)?"
        ),
        if_yes=(
            "Do not press, roll or stretch on or near the wound or fracture. Choose routines "
            "for other areas, or wait until it has healed and a clinician says it is fine."
        ),
        kind="avoid",
    ),
    Question(
        key="medical",
        text=(
            "Do you have any of these: an <b>active infection</b>, <b>cancer</b>, a <b>blood "
            "clot</b> (deep vein thrombosis), <b>local inflammation</b> (hot, red, swollen), "
            "<b>osteomyelitis</b>, <b>myositis ossificans</b>, or another serious medical "
            "condition?"
        ),
        if_yes=(
            "Please ask your doctor or physiotherapist before you use these routines. Pressure "
            "and stretching can do harm with these conditions."
        ),
        kind="clinician",
    ),
    Question(
        key="pregnancy_bones_blood",
        text=(
            "Are you <b>pregnant</b>, do you have <b>osteoporosis</b> (fragile bones), or do you "
            "take <b>blood thinners</b>?"
        ),
        if_yes=(
            "Please ask your doctor, midwife or physiotherapist first, and use only gentle "
            "pressure: bruising and bone injury come more easily."
        ),
        kind="clinician",
    ),
)
SCREENING_ALL_CLEAR = "Thank you. Nothing in your answers rules out these routines."
DURING_SESSION_SAFETY = (
    "During any session: stop if the pain turns sharp, shooting, numb or tingling. Never press "
    "on the front of the neck, on the spine itself, or where you feel a pulse."
)
SCREENING_NOT_DONE = "You have not answered the safety questions yet."
SCREENING_REDO = "Answer again"
SCREENING_FIRST = "Before your first session, please answer the safety questions."
YES = "Yes"
NO = "No"


def screening_question(index: int, question: Question) -> str:
    """One question with its number."""
    return f"<b>Question {index + 1} of {len(SCREENING)}</b>\n{question.text}"


def screening_answer_line(question: Question, yes: bool) -> str:
    """A question's short name with the answer given."""
    names = {
        "wound_fracture": "Open wound or fracture",
        "medical": "Infection, cancer, blood clot, inflammation or other serious condition",
        "pregnancy_bones_blood": "Pregnancy, osteoporosis or blood thinners",
    }
    return f"• {names.get(question.key, question.key)}: <b>{YES if yes else NO}</b>"


def screening_summary(answers: dict[str, bool]) -> str:
    """The answers and what follows from each yes."""
    lines = ["<b>Your safety answers</b>"]
    lines += [screening_answer_line(q, answers.get(q.key, False)) for q in SCREENING]
    advice = [q.if_yes for q in SCREENING if answers.get(q.key)]
    lines.append("")
    lines.extend(advice or [SCREENING_ALL_CLEAR])
    lines += ["", DURING_SESSION_SAFETY]
    return "\n".join(lines)


CLINICIAN_REMINDER = "⚠️ You told me to check with a clinician first: please do, before you start."
AVOID_REMINDER = "⚠️ Keep away from any open wound or fracture."

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


# --- starting a session --------------------------------------------------------------------

PAIN_BEFORE = "Before we start: how much does it hurt right now, from 0 (not at all) to 10 (worst)?"
PAIN_AFTER = "Well done! How much does it hurt now, from 0 to 10?"
PAIN_SKIP = "Skip"
SWAP_QUESTION = (
    "You have a session in progress: <b>{current}</b>. End it and start <b>{new}</b> instead?"
)
SWAP_YES = "End it and start the new one"
SWAP_NO = "Keep my current session"
KEPT_CURRENT = "OK, your current session goes on."

# --- during a session ----------------------------------------------------------------------

PAUSE = "⏸ Pause"
RESUME = "▶️ Resume"
SKIP = "⏭ Skip"
BACK = "⏮ Back"
ADD_TIME = "+15 s"
STOP = "⏹ Stop"
PAUSED = "⏸ Paused{where}. Tap Resume or send /resume to go on."
RESUMED = "▶️ Resumed."
STOPPED = "Session stopped."
COMPLETE = "✅ <b>Session complete.</b> Well done!"
ADDED_TIME = "+15 s on this hold."
NOT_IN_HOLD = "Time can be added only during a hold."
NO_SESSION = "There is no session in progress. /routines to find one."
ALREADY_PAUSED = "The session is already paused."
NOT_PAUSED = "The session is not paused."
SPEECH_UNAVAILABLE = "Voice notes are not available right now, so I'll carry on in text."
RESTART_CONTINUED = "I was restarted for a moment; your session goes on."
RESTART_PAUSED = (
    "I was restarted and your session <b>{title}</b> was paused{where} so you miss nothing. "
    "Tap Resume when you are ready."
)
RESTART_LOST = (
    "I was restarted and could not pick up your session <b>{title}</b> (the routine has "
    "changed). It is saved in your history as stopped. /routines to start again."
)


def at_step(step: int | None, count: int) -> str:
    """' at step 2 of 5', or '' before the first step."""
    return f" at step {step} of {count}" if step else ""


def prepare_message(title: str, first_step_in_s: float) -> str:
    """The first message of a session."""
    seconds = round(first_step_in_s)
    return f"<b>{escape(title)}</b>\nGet ready. The first step starts in {seconds} seconds."


def step_message(number: int, count: int, step: Step) -> str:
    """One step: title, instruction, hold, pressure."""
    hold = f"Hold {step.hold_s} s"
    if step.sides == "left-right":
        hold += " on each side"
    if step.reps > 1:
        hold += f", {step.reps} rounds"
    if step.rest_s:
        hold += f", {step.rest_s} s rest between"
    lines = [f"<b>Step {number} of {count} · {escape(step.title)}</b>", escape(step.instruction)]
    details = [f"⏱ {hold}"]
    if step.pressure is not None:
        details.append(f"pressure about {step.pressure}/10")
    lines += ["", " · ".join(details)]
    if step.point:
        lines.append(f"📍 {escape(step.point)}")
    return "\n".join(lines)


def pain_summary(before: int | None, after: int | None) -> str:
    """The ratings given, for the thank-you."""
    parts = []
    if before is not None:
        parts.append(f"before {before}/10")
    if after is not None:
        parts.append(f"after {after}/10")
    return "Thanks, noted: " + ", ".join(parts) + "." if parts else "OK."


# --- help ----------------------------------------------------------------------------------

HELP = (
    "<b>What I can do</b>\n"
    "/start – welcome, safety questions, and a choice of routine\n"
    "/routines – find a routine: by where it hurts, body area, length or tool\n"
    "/session <i>id</i> – start a routine directly, e.g. <code>/session neck-release</code>\n"
    "/pause, /resume – pause and continue the session\n"
    "/skip – go to the next step · /back – start this step again\n"
    "/stop – end the session\n"
    "/settings – voice notes, text or both; voice accent; slow speech; countdown\n"
    "/screening – see or change your safety answers\n"
    "/remind <i>time [days] [routine]</i> – a daily nudge, e.g. "
    "<code>/remind 07:30 mon-fri neck-release</code>; /remind alone asks with buttons\n"
    "/reminders – your reminders: pause, change or delete them\n"
    "/timezone <i>city</i> – your time zone, so reminders come at your local time\n"
    "/history – your recent sessions · /stats – your figures and a chart\n"
    "/myroutines – your own routines (send a .yaml file to add one)\n"
    "/export – everything stored about you, as a file · /forget – delete it all\n"
    "/help – this list\n\n"
    "During a session each step comes as one message with buttons: Pause/Resume, Skip, Back, "
    "+15 s (more time on this hold) and Stop. Before and after a session you can rate your pain "
    "from 0 (none) to 10 (worst) with one tap.\n\n"
) + NOT_MEDICAL_ADVICE

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Welcome and choose a routine"),
    ("routines", "Find a routine"),
    ("session", "Start a routine by its id"),
    ("pause", "Pause the session"),
    ("resume", "Continue the session"),
    ("skip", "Next step"),
    ("back", "Start this step again"),
    ("stop", "End the session"),
    ("settings", "Voice, text, accent, speed, countdown"),
    ("screening", "Your safety answers"),
    ("remind", "Set a reminder"),
    ("reminders", "Your reminders"),
    ("timezone", "Your time zone"),
    ("history", "Your recent sessions"),
    ("stats", "Your progress and a chart"),
    ("myroutines", "Your own routines"),
    ("export", "Everything stored about you"),
    ("forget", "Delete everything stored about you"),
    ("help", "Everything I can do"),
)

# --- settings ------------------------------------------------------------------------------

SETTINGS_TITLE = "<b>Settings</b>"
SETTINGS_SAVED = "Saved."


def settings_text(mode: str, language: str, slow: bool, countdown: bool) -> str:
    """The current settings."""
    return "\n".join(
        [
            SETTINGS_TITLE,
            f"Steps come as: <b>{MODE_NAMES.get(mode, mode)}</b>",
            f"Voice: <b>{LANGUAGE_NAMES.get(language, language)}</b>",
            f"Slow speech: <b>{'on' if slow else 'off'}</b>",
            f"Countdown (3, 2, 1) at the end of holds: <b>{'on' if countdown else 'off'}</b>",
            "",
            "Changes apply from your next session.",
        ]
    )


def toggle_label(name: str, on: bool) -> str:
    """A button that switches something on or off."""
    return f"{name}: {'on' if on else 'off'}"


# --- answers to buttons --------------------------------------------------------------------

STALE_BUTTON = "That button is from an older message."
INVALID_BUTTON = "That button is not valid."
NOT_YOUR_SESSION = "That session belongs to someone else."
DONE = "Done."
