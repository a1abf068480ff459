"""/help, the command list, /settings and short answers to buttons."""

from __future__ import annotations

from guide_bot.domain.wording import N_
from guide_bot.i18n import EN, Translator
from guide_bot.telegram.texts.names import LANGUAGE_NAMES, MODE_NAMES
from guide_bot.telegram.texts.safety import NOT_MEDICAL_ADVICE

__all__ = [
    "COMMANDS",
    "DONE",
    "HELP",
    "HELP_BODY",
    "HELP_LANGUAGE",
    "INVALID_BUTTON",
    "LANGUAGE_CHOSEN",
    "LANGUAGE_PROMPT",
    "LANGUAGE_UNSUPPORTED",
    "LIVE_VIEW",
    "LIVE_VIEW_OFF",
    "LIVE_VIEW_ON",
    "NOT_YOUR_SESSION",
    "SETTINGS_SAVED",
    "SETTINGS_TITLE",
    "STALE_BUTTON",
    "help_text",
    "settings_text",
    "toggle_label",
]

# --- help ----------------------------------------------------------------------------------

HELP_BODY = N_(
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
)


# Apart from HELP_BODY, so that adding /language kept that long message's translations.
HELP_LANGUAGE = N_("/language – the language I write and speak in\n\n")


def help_text(*, tr: Translator = EN) -> str:
    """/help: the commands, /language, then the not-medical-advice note."""
    return tr.gettext(HELP_BODY) + tr.gettext(HELP_LANGUAGE) + tr.gettext(NOT_MEDICAL_ADVICE)


HELP = help_text()  # in English, for tests and the source language

LIVE_VIEW = N_("Live view")  # the Mini App's button (menu and session message); its page names it
LIVE_VIEW_ON = N_(
    "\n\n<b>Live view:</b> tap the menu button <i>Live view</i> during a session: the step, a "
    "countdown ring, what comes next, the cues spoken in the page and the same controls."
)
LIVE_VIEW_OFF = N_(
    "\n\n<b>Live view:</b> off on this bot ({why}). The operator turns it on with an HTTPS "
    "address in GUIDE_BOT_PUBLIC_URL."
)

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Welcome and choose a routine")),
    ("routines", N_("Find a routine")),
    ("session", N_("Start a routine by its id")),
    ("pause", N_("Pause the session")),
    ("resume", N_("Continue the session")),
    ("skip", N_("Next step")),
    ("back", N_("Start this step again")),
    ("stop", N_("End the session")),
    ("settings", N_("Voice, text, accent, speed, countdown")),
    ("screening", N_("Your safety answers")),
    ("remind", N_("Set a reminder")),
    ("reminders", N_("Your reminders")),
    ("timezone", N_("Your time zone")),
    ("history", N_("Your recent sessions")),
    ("stats", N_("Your progress and a chart")),
    ("myroutines", N_("Your own routines")),
    ("export", N_("Everything stored about you")),
    ("forget", N_("Delete everything stored about you")),
    ("speaker", N_("Play a routine on a speaker")),
    ("language", N_("Choose my language")),
    ("help", N_("Everything I can do")),
)

# --- language ------------------------------------------------------------------------------

LANGUAGE_PROMPT = N_(
    "<b>Language</b>\nChoose the language I write and speak in. The routines and the voice "
    "follow it from your next session."
)
LANGUAGE_CHOSEN = N_("Language: <b>{language}</b>. Your next session is spoken in it too.")
# Said once, in English, to a user whose Telegram language the bot does not speak.
LANGUAGE_UNSUPPORTED = (
    "I don't speak your Telegram language yet, so I will write in English; "
    "/language shows the languages I speak."
)

# --- settings ------------------------------------------------------------------------------

SETTINGS_TITLE = N_("<b>Settings</b>")
SETTINGS_SAVED = N_("Saved.")


def _on_off(on: bool, tr: Translator) -> str:
    return tr.gettext("on") if on else tr.gettext("off")


def settings_text(
    mode: str, language: str | None, slow: bool, countdown: bool, *, tr: Translator = EN
) -> str:
    """The current settings; `language`: the English voice's accent (None: not shown, the bot
    speaks another language to this user)."""
    mode_name = tr.gettext(MODE_NAMES.get(mode, mode))
    voice = (
        []
        if language is None
        else [
            tr.t("Voice: <b>{voice}</b>", voice=tr.gettext(LANGUAGE_NAMES.get(language, language)))
        ]
    )
    return "\n".join(
        [
            tr.gettext(SETTINGS_TITLE),
            tr.t("Steps come as: <b>{mode}</b>", mode=mode_name),
            *voice,
            tr.t("Slow speech: <b>{state}</b>", state=_on_off(slow, tr)),
            tr.t(
                "Countdown (3, 2, 1) at the end of holds: <b>{state}</b>",
                state=_on_off(countdown, tr),
            ),
            "",
            tr.gettext("Changes apply from your next session."),
        ]
    )


def toggle_label(name: str, on: bool, *, tr: Translator = EN) -> str:
    """A button that switches something on or off (`name` already in the user's language)."""
    return tr.t("{name}: {state}", name=name, state=_on_off(on, tr))


# --- answers to buttons --------------------------------------------------------------------

STALE_BUTTON = N_("That button is from an older message.")
INVALID_BUTTON = N_("That button is not valid.")
NOT_YOUR_SESSION = N_("That session belongs to someone else.")
DONE = N_("Done.")
