"""Every word the reminder feature says to a user, in one place (HTML parse mode, escaped)."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from guide_bot.reminders.parsing import InputProblem, ReminderInputError, describe_days
from guide_bot.reminders.rules import ReminderRule

REMIND_EXAMPLES = (
    "Examples:\n"
    "/remind 07:30 — every day at 7:30\n"
    "/remind 7:30pm weekdays\n"
    "/remind 07:30 mon-fri neck-release\n"
    "/remind 18:00 mon,wed,fri"
)
TIMEZONE_EXAMPLES = (
    "Send a city or a zone name, for example:\n"
    "/timezone Berlin\n/timezone New York\n/timezone Europe/Lisbon\n"
    "or share your location with the button below (it is looked up offline and not stored)."
)
ASK_TIMEZONE = (
    "First, which time zone are you in? Reminders follow your local time.\n" + TIMEZONE_EXAMPLES
)


def timezone_set(zone: str, now: datetime) -> str:
    """Confirmation after /timezone, with the local time so the user can check it."""
    local = now.astimezone(ZoneInfo(zone))
    return f"Time zone set to {zone}. It is {local:%H:%M} there now."


def timezone_unknown(text: str, suggestions: tuple[str, ...]) -> str:
    """A zone we cannot find, with close names when there are some."""
    shown = escape(text.strip()[:40])
    lines = [f'I don\'t know the time zone "{shown}".']
    if suggestions:
        lines.append("Did you mean: " + ", ".join(suggestions) + "?")
    lines.append(TIMEZONE_EXAMPLES)
    return "\n".join(lines)


TIMEZONE_NOT_FOUND_AT_LOCATION = (
    "I could not find a time zone at that location.\n" + TIMEZONE_EXAMPLES
)


def input_error(error: ReminderInputError) -> str:
    """A specific answer to a bad /remind, always with a form that works."""
    token = escape(error.token[:40])
    hint = f' Did you mean "{escape(error.suggestion)}"?' if error.suggestion else ""
    match error.problem:
        case InputProblem.MISSING_TIME:
            head = "Tell me the time of day for the reminder."
        case InputProblem.BAD_TIME:
            head = (
                f'"{token}" is not a time of day. Use hours 0-23 and minutes 0-59, '
                "like 07:30 or 7:30pm."
            )
        case InputProblem.UNKNOWN_DAY:
            head = (
                f'"{token}" is not a day I know.{hint} Use daily, weekdays, weekends, '
                "day names like mon,wed,fri or a range like mon-fri."
            )
        case InputProblem.UNKNOWN_ROUTINE:
            head = f'There is no routine "{token}".{hint} /routines lists them all.'
        case InputProblem.TOO_MANY:
            head = f'I did not understand "{token}": give a time, then days, then a routine.'
    return f"{head}\n{REMIND_EXAMPLES}"


def rule_summary(rule: ReminderRule, routine_title: str | None) -> str:
    """One line: `07:30 weekdays: Neck release`."""
    what = escape(routine_title) if routine_title else "any routine"
    return f"<b>{rule.at:%H:%M}</b> {describe_days(rule.days)}: {what}"


def next_time(moment: datetime, zone: str, now: datetime) -> str:
    """When it fires next in local time: `today 07:30`, `tomorrow 07:30`, `Mon 07:30`."""
    tz = ZoneInfo(zone)
    when, today = moment.astimezone(tz), now.astimezone(tz).date()
    days = (when.date() - today).days
    if days == 0:
        return f"today {when:%H:%M}"
    if days == 1:
        return f"tomorrow {when:%H:%M}"
    if days < 7:
        return f"{when:%a %H:%M}"
    return f"{when:%a %d %b %H:%M}"


def reminder_created(rule: ReminderRule, title: str | None, nxt: datetime, now: datetime) -> str:
    """Confirmation after a reminder is set."""
    return (
        f"Reminder set: {rule_summary(rule, title)} ({rule.zone}).\n"
        f"Next: {next_time(nxt, rule.zone, now)}. /reminders to see or change them."
    )


def reminder_message(title: str | None, late_by_min: int | None) -> str:
    """The reminder itself."""
    what = f"Time for <b>{escape(title)}</b>." if title else "Time for your session."
    late = f"\n(Sent {late_by_min} min late: the bot was offline.)" if late_by_min else ""
    return f"⏰ {what} A few minutes now keeps the streak going.{late}"


def too_many(count: int) -> str:
    """The limit of reminders per user is reached."""
    return f"You have {count} reminders, the most I keep. Delete one in /reminders first."


def current_zone(zone: str) -> str:
    """/timezone without a name, when one is set."""
    return f"Your time zone is <b>{escape(zone)}</b>. To change it:\n{TIMEZONE_EXAMPLES}"


NEXT_AT = "next {when}"
INVALID = "That button is not valid."
PAUSED_TOAST = "Paused."
RESUMED_TOAST = "Resumed."
ROUTINE_GONE = "That routine is no longer available. Start again with /remind."
NO_REMINDERS = "You have no reminders. Set one with /remind, for example /remind 07:30 weekdays."
REMINDERS_HEADER = "Your reminders ({zone}):"
PAUSED = " (paused)"
BLOCKED = " (paused: the bot could not reach you)"
SNOOZED = "Snoozed until {time}."
SKIPPED = "Skipped for today. Next: {time}."
DELETED = "Reminder deleted."
GONE = "That reminder no longer exists."
NOT_YOURS = "That button is not for you."
CHOOSE_TIME = "At what time? Tap one or type it, like /remind 06:45."
CHOOSE_DAYS = "On which days?"
CHOOSE_ROUTINE = "Which routine should I suggest?"
ANY_ROUTINE = "No particular routine"
OFFER_DAILY = (
    "Nice work on your first session. Want a daily reminder at this time to keep it going?"
)
OFFER_YES = "Yes, remind me daily at {time}"
OFFER_NO = "No thanks"
OFFER_CLOSED = "That offer is no longer open. You can set a reminder any time with /remind."
OFFER_DECLINED = "No reminder. You can set one any time with /remind."

# buttons
START_NOW = "▶️ Start now"
SNOOZE_10 = "⏰ 10 min"
SNOOZE_60 = "⏰ 1 hour"
SKIP_TODAY = "Skip today"
PAUSE = "⏸"
RESUME = "▶️"
CHANGE = "✏️"
DELETE = "🗑"
ADD_REMINDER = "➕ New reminder"
EVERY_DAY = "Every day"
WEEKDAYS = "Weekdays"
WEEKENDS = "Weekends"
NEXT = "Next »"
SHARE_LOCATION = "📍 Share my location"
