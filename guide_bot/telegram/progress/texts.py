"""Every word the progress features say: /history, /stats, /export, /forget, own routines.

HTML parse mode, like the rest of the bot: every text a user wrote (routine titles, and the
values an error quotes from an uploaded file) is escaped, so it can never break or inject markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape as _escape
from zoneinfo import ZoneInfo

from guide_bot.domain.wording import N_
from guide_bot.i18n import EN, Translator
from guide_bot.library.issues import Issue
from guide_bot.library.uploads import MAX_UPLOAD_BYTES, describe
from guide_bot.progress.figures import Progress
from guide_bot.progress.user_routines import UserRoutineEntry

MAX_LISTED_PROBLEMS = 15
NO_ZONE_HINT = N_(
    "Days are counted in UTC; set your time zone with /timezone for your own calendar."
)

HISTORY_EMPTY = N_("No sessions yet. Start one with /start or /session.")
STATS_EMPTY = N_("No sessions yet, so no statistics. Your first session starts them.")
STATS_CHART_CAPTION = N_("Pain before and after, and minutes per day.")
EXPORT_CAPTION = N_("Everything guide-bot stores about you, as JSON.")
EXPORT_FAILED = N_("Sorry, the export could not be made. Please try again later.")

FORGET_ASK = N_(
    "This deletes everything guide-bot stores about you: session history and pain ratings, "
    "safety-screening answers, reminders, settings, time zone and your own routines. "
    "It cannot be undone. Use /export first if you want a copy."
)
FORGET_YES = N_("Delete everything")
FORGET_NO = N_("Keep my data")
FORGET_DONE = N_(
    "Done: everything stored about you has been deleted. If you write again, the bot starts "
    "fresh with /start."
)
FORGET_CANCELLED = N_("Nothing was deleted.")

MY_ROUTINES_EMPTY = N_(
    "You have no routines of your own yet. Send a routine as a .yaml file (the same format as "
    "the library, see docs/routines.md) and it appears here."
)
MY_ROUTINES_TITLE = N_("Your routines (only you see them):")
MY_ROUTINE_START = N_("Open")
MY_ROUTINE_DELETE = N_("🗑 Delete")
MY_ROUTINE_DELETE_YES = N_("Yes, delete it")
MY_ROUTINE_KEEP = N_("No, keep it")
MY_ROUTINE_GONE = N_("That routine is not there any more.")
UPLOAD_NOT_YAML = N_("Send routines as a .yaml or .yml file.")
UPLOAD_DOWNLOAD_FAILED = N_("Sorry, the file could not be downloaded. Please send it again.")


def escape(text: str) -> str:
    """Text a user wrote, safe in HTML parse mode (quotes stay readable: no attributes here)."""
    return _escape(text, quote=False)


def local_time(moment: datetime, zone: ZoneInfo, *, tr: Translator = EN) -> str:
    """A session's start on the user's clock, like 'Mon 12 Jan 23:30'."""
    local = moment.astimezone(zone)
    if tr.code == "en":
        return f"{local:%a} {local.day} {local:%b %H:%M}"
    return tr.day_and_time(local)


def minutes(seconds: float, *, tr: Translator = EN) -> str:
    """Seconds as whole minutes; '<1 min' for a session stopped in its first minute."""
    if 0 < seconds < 60:
        return tr.gettext("<1 min")
    return tr.t("{minutes} min", minutes=round(seconds / 60))


def pain(before: int | None, after: int | None, *, tr: Translator = EN) -> str:
    """'pain 6 → 3', or what is known of it; empty when neither was rated."""
    if before is None and after is None:
        return ""
    return tr.t(
        "pain {before} → {after}",
        before="–" if before is None else before,
        after="–" if after is None else after,
    )


def history_line(
    *,
    started_at: datetime,
    zone: ZoneInfo,
    title: str,
    active_s: float,
    completed: bool,
    pain_before: int | None,
    pain_after: int | None,
    tr: Translator = EN,
) -> str:
    """One session of /history."""
    parts = [
        local_time(started_at, zone, tr=tr),
        escape(title),
        minutes(active_s, tr=tr),
        tr.gettext("completed") if completed else tr.gettext("stopped"),
    ]
    rated = pain(pain_before, pain_after, tr=tr)
    if rated:
        parts.append(rated)
    return " · ".join(parts)


def history(lines: Sequence[str], zone_known: bool, *, tr: Translator = EN) -> str:
    """The /history message."""
    head = tr.n("Your last {n} session", "Your last {n} sessions", len(lines))
    text = f"<b>{head}</b>\n" + "\n".join(lines)
    return text if zone_known else f"{text}\n\n{tr.gettext(NO_ZONE_HINT)}"


def stats(
    progress: Progress, area_names: dict[str, str], zone_known: bool, *, tr: Translator = EN
) -> str:
    """The /stats message: the figures in plain words (`area_names` in the user's language)."""

    def sessions(n: int) -> str:
        return tr.n("{n} session", "{n} sessions", n)

    def days(n: int) -> str:
        return tr.n("{n} day", "{n} days", n)

    lines = [
        tr.t(
            "This week: {sessions}, {minutes} min",
            sessions=sessions(progress.sessions_week),
            minutes=tr.decimal(progress.minutes_week, 0),
        ),
        tr.t(
            "This month: {sessions}, {minutes} min",
            sessions=sessions(progress.sessions_month),
            minutes=tr.decimal(progress.minutes_month, 0),
        ),
        tr.t(
            "Streak: {now} now, longest {longest}",
            now=days(progress.current_streak),
            longest=days(progress.longest_streak),
        ),
    ]
    if progress.top_areas:
        worked = ", ".join(f"{area_names.get(area, area)} ({n})" for area, n in progress.top_areas)
        lines.append(tr.t("Worked most: {areas}", areas=worked))
    if progress.pain_change is None:
        lines.append(tr.gettext("Pain: rate it before and after a session to see the change."))
    else:
        change = progress.pain_change
        rated = tr.n("{n} rated session", "{n} rated sessions", progress.pain_pairs)
        points = tr.decimal(abs(change), 1)
        if change < 0:
            line = tr.t(
                "Pain: on average {points} points less pain after a session ({rated})",
                points=points,
                rated=rated,
            )
        elif change > 0:
            line = tr.t(
                "Pain: on average {points} points more pain after a session ({rated})",
                points=points,
                rated=rated,
            )
        else:
            line = tr.t("Pain: on average no change in pain after a session ({rated})", rated=rated)
        lines.append(line)
    lines.append(tr.t("All time: {sessions}", sessions=sessions(progress.total_sessions)))
    text = "\n".join(lines)
    return text if zone_known else f"{text}\n\n{tr.gettext(NO_ZONE_HINT)}"


def upload_too_big(size: int, *, tr: Translator = EN) -> str:
    """A file refused by its size before download."""
    return tr.t(
        "That file is {size} bytes; routine files may be at most {most} bytes "
        "({kb} KB). Nothing was stored.",
        size=tr.decimal(size, 0),
        most=tr.decimal(MAX_UPLOAD_BYTES, 0),
        kb=MAX_UPLOAD_BYTES // 1024,
    )


def upload_larger_than_said(*, tr: Translator = EN) -> str:
    """A file that turned out longer than Telegram said."""
    return tr.t(
        "That file is larger than its announced size: I stopped reading it at {most} "
        "bytes, the most a routine file may have ({kb} KB). Nothing was stored.",
        most=tr.decimal(MAX_UPLOAD_BYTES, 0),
        kb=MAX_UPLOAD_BYTES // 1024,
    )


def _numbered(issues: Sequence[Issue], tr: Translator) -> list[str]:
    shown = [
        f"{n}. {escape(describe(issue))}" for n, issue in enumerate(issues[:MAX_LISTED_PROBLEMS], 1)
    ]
    if len(issues) > MAX_LISTED_PROBLEMS:
        shown.append(tr.t("… and {count} more.", count=len(issues) - MAX_LISTED_PROBLEMS))
    return shown


def upload_refused(issues: Sequence[Issue], *, tr: Translator = EN) -> str:
    """The readable list of what is wrong with an uploaded routine."""
    head = tr.n(
        "That routine was not added. One problem:",
        "That routine was not added. {n} problems:",
        len(issues),
    )
    return "\n".join(
        [
            head,
            *_numbered(issues, tr),
            tr.gettext("Fix the file and send it again; nothing was stored."),
        ]
    )


def upload_stored(
    title: str, ref: str, replaced: bool, warnings: Sequence[Issue], *, tr: Translator = EN
) -> str:
    """The answer to a valid upload, with lint warnings when there are some."""
    if replaced:
        head = tr.t("Routine replaced: <b>{title}</b>", title=escape(title))
    else:
        head = tr.t("Routine added: <b>{title}</b>", title=escape(title))
    lines = [
        head,
        tr.t("Start it from /myroutines or with <code>/session {ref}</code>.", ref=escape(ref)),
    ]
    if warnings:
        lines.append(tr.gettext("Worth a look (the routine works anyway):"))
        lines.extend(_numbered(warnings, tr))
    return "\n".join(lines)


def my_routines(entries: Sequence[UserRoutineEntry], *, tr: Translator = EN) -> str:
    """The heading of "My routines", with a note on routines that no longer pass the checks."""
    lines = [
        f"<b>{tr.gettext(MY_ROUTINES_TITLE)}</b>",
        tr.gettext("Tap one to see it and start it."),
    ]
    if any(entry.routine is None for entry in entries):
        lines.append(
            tr.gettext(
                "⚠ marks a routine that no longer passes the checks: "
                "delete it and send a fixed file."
            )
        )
    lines.append(tr.gettext("To add one, send a .yaml file."))
    return "\n".join(lines)


def confirm_delete(title: str, *, broken: bool, tr: Translator = EN) -> str:
    """Asked before a user routine is deleted."""
    note = " " + tr.gettext("It no longer passes the checks.") if broken else ""
    return tr.t(
        "Delete your routine <b>{title}</b>?{note} "
        "Reminders that name it will offer the routine menu instead.",
        title=escape(title),
        note=note,
    )


def my_routine_deleted(title: str, *, tr: Translator = EN) -> str:
    """After a user deleted one of their routines."""
    return tr.t("Deleted: {title}", title=escape(title))


def export_file_name(user_id: int) -> str:
    """The name of the /export file."""
    return f"guide-bot-export-{user_id}.json"
