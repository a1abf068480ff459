"""Every word the reminder feature says to a user, in one place (HTML parse mode, escaped)."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from guide_bot.domain.wording import N_
from guide_bot.i18n import EN, Translator
from guide_bot.reminders.parsing import InputProblem, ReminderInputError, describe_days
from guide_bot.reminders.rules import ReminderRule

REMIND_EXAMPLES = N_(
    "Examples:\n"
    "/remind 07:30 — every day at 7:30\n"
    "/remind 7:30pm weekdays\n"
    "/remind 07:30 mon-fri neck-release\n"
    "/remind 18:00 mon,wed,fri"
)
TIMEZONE_EXAMPLES = N_(
    "Send a city or a zone name, for example:\n"
    "/timezone Berlin\n/timezone New York\n/timezone Europe/Lisbon\n"
    "or share your location with the button below (it is looked up offline and not stored)."
)
ASK_TIMEZONE_HEAD = N_("First, which time zone are you in? Reminders follow your local time.")
NOT_FOUND_HEAD = N_("I could not find a time zone at that location.")


def ask_timezone(*, tr: Translator = EN) -> str:
    """The question before a first reminder, with examples."""
    return f"{tr.gettext(ASK_TIMEZONE_HEAD)}\n{tr.gettext(TIMEZONE_EXAMPLES)}"


def timezone_not_found_at_location(*, tr: Translator = EN) -> str:
    """A shared location with no time zone."""
    return f"{tr.gettext(NOT_FOUND_HEAD)}\n{tr.gettext(TIMEZONE_EXAMPLES)}"


ASK_TIMEZONE = ask_timezone()  # English, for tests
TIMEZONE_NOT_FOUND_AT_LOCATION = timezone_not_found_at_location()


def timezone_set(zone: str, now: datetime, *, tr: Translator = EN) -> str:
    """Confirmation after /timezone, with the local time so the user can check it."""
    local = now.astimezone(ZoneInfo(zone))
    return tr.t("Time zone set to {zone}. It is {time} there now.", zone=zone, time=tr.clock(local))


def timezone_unknown(text: str, suggestions: tuple[str, ...], *, tr: Translator = EN) -> str:
    """A zone we cannot find, with close names when there are some."""
    shown = escape(text.strip()[:40])
    lines = [tr.t('I don\'t know the time zone "{name}".', name=shown)]
    if suggestions:
        lines.append(tr.t("Did you mean: {names}?", names=", ".join(suggestions)))
    lines.append(tr.gettext(TIMEZONE_EXAMPLES))
    return "\n".join(lines)


def input_error(error: ReminderInputError, *, tr: Translator = EN) -> str:
    """A specific answer to a bad /remind, always with a form that works."""
    token = escape(error.token[:40])
    hint = (
        tr.t(' Did you mean "{word}"?', word=escape(error.suggestion)) if error.suggestion else ""
    )
    match error.problem:
        case InputProblem.MISSING_TIME:
            head = tr.gettext("Tell me the time of day for the reminder.")
        case InputProblem.BAD_TIME:
            head = tr.t(
                '"{token}" is not a time of day. Use hours 0-23 and minutes 0-59, '
                "like 07:30 or 7:30pm.",
                token=token,
            )
        case InputProblem.UNKNOWN_DAY:
            head = tr.t(
                '"{token}" is not a day I know.{hint} Use daily, weekdays, weekends, '
                "day names like mon,wed,fri or a range like mon-fri.",
                token=token,
                hint=hint,
            )
        case InputProblem.UNKNOWN_ROUTINE:
            head = tr.t(
                'There is no routine "{token}".{hint} /routines lists them all.',
                token=token,
                hint=hint,
            )
        case InputProblem.TOO_MANY:
            head = tr.t(
                'I did not understand "{token}": give a time, then days, then a routine.',
                token=token,
            )
    return f"{head}\n{tr.gettext(REMIND_EXAMPLES)}"


DAY_WORDS = {
    "every day": N_("every day"),
    "weekdays": N_("weekdays"),
    "weekends": N_("weekends"),
}


def days_text(days: frozenset[int], *, tr: Translator = EN) -> str:
    """The days of a rule in the user's language (day names from Babel)."""
    english = describe_days(days)
    if english in DAY_WORDS:
        return tr.gettext(DAY_WORDS[english])
    if tr.code == "en":
        return english
    names = tr.locale.days["format"]["abbreviated"]
    ordered = sorted(days)
    words = [str(names[d]) for d in ordered]
    if len(ordered) >= 3 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{words[0]}-{words[-1]}"
    return ", ".join(words)


def rule_summary(rule: ReminderRule, routine_title: str | None, *, tr: Translator = EN) -> str:
    """One line: `07:30 weekdays: Neck release`."""
    what = escape(routine_title) if routine_title else tr.gettext("any routine")
    return f"<b>{rule.at:%H:%M}</b> {days_text(rule.days, tr=tr)}: {what}"


def next_time(moment: datetime, zone: str, now: datetime, *, tr: Translator = EN) -> str:
    """When it fires next in local time: `today 07:30`, `tomorrow 07:30`, `Mon 07:30`."""
    tz = ZoneInfo(zone)
    when, today = moment.astimezone(tz), now.astimezone(tz).date()
    days = (when.date() - today).days
    clock = f"{when:%H:%M}"
    if days == 0:
        return tr.t("today {time}", time=clock)
    if days == 1:
        return tr.t("tomorrow {time}", time=clock)
    if tr.code == "en":
        return f"{when:%a %H:%M}" if days < 7 else f"{when:%a %d %b %H:%M}"
    return tr.day_and_time(when) if days >= 7 else f"{tr.weekday(when)} {clock}"


def reminder_created(
    rule: ReminderRule, title: str | None, nxt: datetime, now: datetime, *, tr: Translator = EN
) -> str:
    """Confirmation after a reminder is set."""
    return tr.t(
        "Reminder set: {summary} ({zone}).\nNext: {next}. /reminders to see or change them.",
        summary=rule_summary(rule, title, tr=tr),
        zone=rule.zone,
        next=next_time(nxt, rule.zone, now, tr=tr),
    )


def reminder_message(title: str | None, late_by_min: int | None, *, tr: Translator = EN) -> str:
    """The reminder itself."""
    if title:
        what = tr.t("Time for <b>{title}</b>.", title=escape(title))
    else:
        what = tr.gettext("Time for your session.")
    late = ""
    if late_by_min:
        late = "\n" + tr.n(
            "(Sent {n} min late: the bot was offline.)",
            "(Sent {n} min late: the bot was offline.)",
            late_by_min,
        )
    nudge = tr.gettext("A few minutes now keeps the streak going.")  # outside the f-string,
    return f"⏰ {what} {nudge}{late}"  # where the catalog extractor finds it


def too_many(count: int, *, tr: Translator = EN) -> str:
    """The limit of reminders per user is reached."""
    return tr.n(
        "You have {n} reminder, the most I keep. Delete one in /reminders first.",
        "You have {n} reminders, the most I keep. Delete one in /reminders first.",
        count,
    )


def current_zone(zone: str, *, tr: Translator = EN) -> str:
    """/timezone without a name, when one is set."""
    head = tr.t("Your time zone is <b>{zone}</b>. To change it:", zone=escape(zone))
    return f"{head}\n{tr.gettext(TIMEZONE_EXAMPLES)}"


NEXT_AT = N_("next {when}")
INVALID = N_("That button is not valid.")
PAUSED_TOAST = N_("Paused.")
RESUMED_TOAST = N_("Resumed.")
ROUTINE_GONE = N_("That routine is no longer available. Start again with /remind.")
NO_REMINDERS = N_(
    "You have no reminders. Set one with /remind, for example /remind 07:30 weekdays."
)
REMINDERS_HEADER = N_("Your reminders ({zone}):")
PAUSED = N_(" (paused)")
BLOCKED = N_(" (paused: the bot could not reach you)")
SNOOZED = N_("Snoozed until {time}.")
SKIPPED = N_("Skipped for today. Next: {time}.")
DELETED = N_("Reminder deleted.")
GONE = N_("That reminder no longer exists.")
NOT_YOURS = N_("That button is not for you.")
CHOOSE_TIME = N_("At what time? Tap one or type it, like /remind 06:45.")
CHOOSE_DAYS = N_("On which days?")
CHOOSE_ROUTINE = N_("Which routine should I suggest?")
ANY_ROUTINE = N_("No particular routine")
OFFER_DAILY = N_(
    "Nice work on your first session. Want a daily reminder at this time to keep it going?"
)
OFFER_YES = N_("Yes, remind me daily at {time}")
OFFER_NO = N_("No thanks")
OFFER_CLOSED = N_("That offer is no longer open. You can set a reminder any time with /remind.")
OFFER_DECLINED = N_("No reminder. You can set one any time with /remind.")

# buttons
START_NOW = N_("▶️ Start now")
SNOOZE_10 = N_("⏰ 10 min")
SNOOZE_60 = N_("⏰ 1 hour")
SKIP_TODAY = N_("Skip today")
PAUSE = N_("⏸")
RESUME = N_("▶️")
CHANGE = N_("✏️")
DELETE = N_("🗑")
ADD_REMINDER = N_("➕ New reminder")
EVERY_DAY = N_("Every day")
WEEKDAYS = N_("Weekdays")
WEEKENDS = N_("Weekends")
NEXT = N_("Next »")
SHARE_LOCATION = N_("📍 Share my location")
