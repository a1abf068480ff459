"""/help, the command list, /settings and short answers to buttons."""

from __future__ import annotations

from guide_bot.telegram.texts.names import LANGUAGE_NAMES, MODE_NAMES
from guide_bot.telegram.texts.safety import NOT_MEDICAL_ADVICE

__all__ = [
    "COMMANDS",
    "DONE",
    "HELP",
    "INVALID_BUTTON",
    "LIVE_VIEW",
    "LIVE_VIEW_OFF",
    "LIVE_VIEW_ON",
    "NOT_YOUR_SESSION",
    "SETTINGS_SAVED",
    "SETTINGS_TITLE",
    "STALE_BUTTON",
    "settings_text",
    "toggle_label",
]

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
    "/speaker <i>routine</i> – play a routine on a speaker at home (when the bot has them)\n"
    "/help – this list\n\n"
    "During a session each step comes as one message with buttons: Pause/Resume, Skip, Back, "
    "+15 s (more time on this hold) and Stop. Before and after a session you can rate your pain "
    "from 0 (none) to 10 (worst) with one tap.\n\n"
) + NOT_MEDICAL_ADVICE

LIVE_VIEW = "Live view"  # the Mini App's button (menu and session message); its page names it
LIVE_VIEW_ON = (
    "\n\n<b>Live view:</b> tap the menu button <i>Live view</i> during a session: the step, a "
    "countdown ring, what comes next, the cues spoken in the page and the same controls."
)
LIVE_VIEW_OFF = (
    "\n\n<b>Live view:</b> off on this bot ({why}). The operator turns it on with an HTTPS "
    "address in GUIDE_BOT_PUBLIC_URL."
)

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
    ("speaker", "Play a routine on a speaker"),
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
