"""Every word the progress features say: /history, /stats, /export, /forget, own routines.

HTML parse mode, like the rest of the bot: every text a user wrote (routine titles, and the
values an error quotes from an uploaded file) is escaped, so it can never break or inject markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape as _escape
from zoneinfo import ZoneInfo

from guide_bot.library.issues import Issue
from guide_bot.library.uploads import MAX_UPLOAD_BYTES, describe
from guide_bot.progress.figures import Progress
from guide_bot.progress.user_routines import UserRoutineEntry

MAX_LISTED_PROBLEMS = 15
NO_ZONE_HINT = "Days are counted in UTC; set your time zone with /timezone for your own calendar."

HISTORY_EMPTY = "No sessions yet. Start one with /start or /session."
STATS_EMPTY = "No sessions yet, so no statistics. Your first session starts them."
STATS_CHART_CAPTION = "Pain before and after, and minutes per day."
EXPORT_CAPTION = "Everything guide-bot stores about you, as JSON."
EXPORT_FAILED = "Sorry, the export could not be made. Please try again later."

FORGET_ASK = (
    "This deletes everything guide-bot stores about you: session history and pain ratings, "
    "safety-screening answers, reminders, settings, time zone and your own routines. "
    "It cannot be undone. Use /export first if you want a copy."
)
FORGET_YES = "Delete everything"
FORGET_NO = "Keep my data"
FORGET_DONE = (
    "Done: everything stored about you has been deleted. If you write again, the bot starts "
    "fresh with /start."
)
FORGET_CANCELLED = "Nothing was deleted."

MY_ROUTINES_EMPTY = (
    "You have no routines of your own yet. Send a routine as a .yaml file (the same format as "
    "the library, see docs/routines.md) and it appears here."
)
MY_ROUTINES_TITLE = "Your routines (only you see them):"
MY_ROUTINE_START = "Open"
MY_ROUTINE_DELETE = "🗑 Delete"
MY_ROUTINE_DELETE_YES = "Yes, delete it"
MY_ROUTINE_KEEP = "No, keep it"
MY_ROUTINE_GONE = "That routine is not there any more."
UPLOAD_NOT_YAML = "Send routines as a .yaml or .yml file."
UPLOAD_DOWNLOAD_FAILED = "Sorry, the file could not be downloaded. Please send it again."


def escape(text: str) -> str:
    """Text a user wrote, safe in HTML parse mode (quotes stay readable: no attributes here)."""
    return _escape(text, quote=False)


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    """A session's start on the user's clock, like 'Mon 12 Jan 23:30'."""
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def minutes(seconds: float) -> str:
    """Seconds as whole minutes; '<1 min' for a session stopped in its first minute."""
    if 0 < seconds < 60:
        return "<1 min"
    return f"{round(seconds / 60)} min"


def pain(before: int | None, after: int | None) -> str:
    """'pain 6 → 3', or what is known of it; empty when neither was rated."""
    if before is None and after is None:
        return ""
    return f"pain {'–' if before is None else before} → {'–' if after is None else after}"


def history_line(
    *,
    started_at: datetime,
    zone: ZoneInfo,
    title: str,
    active_s: float,
    completed: bool,
    pain_before: int | None,
    pain_after: int | None,
) -> str:
    """One session of /history."""
    parts = [
        local_time(started_at, zone),
        escape(title),
        minutes(active_s),
        "completed" if completed else "stopped",
    ]
    rated = pain(pain_before, pain_after)
    if rated:
        parts.append(rated)
    return " · ".join(parts)


def history(lines: Sequence[str], zone_known: bool) -> str:
    """The /history message."""
    text = f"<b>Your last {len(lines)} sessions</b>\n" + "\n".join(lines)
    return text if zone_known else f"{text}\n\n{NO_ZONE_HINT}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def stats(progress: Progress, area_names: dict[str, str], zone_known: bool) -> str:
    """The /stats message: the figures in plain words."""
    lines = [
        f"This week: {_count(progress.sessions_week, 'session')}, {progress.minutes_week:.0f} min",
        f"This month: {_count(progress.sessions_month, 'session')}, "
        f"{progress.minutes_month:.0f} min",
        f"Streak: {_count(progress.current_streak, 'day')} now, "
        f"longest {_count(progress.longest_streak, 'day')}",
    ]
    if progress.top_areas:
        worked = ", ".join(f"{area_names.get(area, area)} ({n})" for area, n in progress.top_areas)
        lines.append(f"Worked most: {worked}")
    if progress.pain_change is None:
        lines.append("Pain: rate it before and after a session to see the change.")
    else:
        change = progress.pain_change
        trend = "less" if change < 0 else "more" if change > 0 else "no change in"
        amount = f"{abs(change):.1f} points " if change else ""
        lines.append(
            f"Pain: on average {amount}{trend} pain after a session "
            f"({_count(progress.pain_pairs, 'rated session')})"
        )
    lines.append(f"All time: {_count(progress.total_sessions, 'session')}")
    text = "\n".join(lines)
    return text if zone_known else f"{text}\n\n{NO_ZONE_HINT}"


def upload_too_big(size: int) -> str:
    """A file refused by its size before download."""
    return (
        f"That file is {size:,} bytes; routine files may be at most {MAX_UPLOAD_BYTES:,} bytes "
        f"({MAX_UPLOAD_BYTES // 1024} KB). Nothing was stored."
    )


UPLOAD_LARGER_THAN_SAID = (
    f"That file is larger than its announced size: I stopped reading it at {MAX_UPLOAD_BYTES:,} "
    f"bytes, the most a routine file may have ({MAX_UPLOAD_BYTES // 1024} KB). Nothing was stored."
)


def _numbered(issues: Sequence[Issue]) -> list[str]:
    shown = [
        f"{n}. {escape(describe(issue))}" for n, issue in enumerate(issues[:MAX_LISTED_PROBLEMS], 1)
    ]
    if len(issues) > MAX_LISTED_PROBLEMS:
        shown.append(f"… and {len(issues) - MAX_LISTED_PROBLEMS} more.")
    return shown


def upload_refused(issues: Sequence[Issue]) -> str:
    """The readable list of what is wrong with an uploaded routine."""
    head = "That routine was not added. " + (
        "One problem:" if len(issues) == 1 else f"{len(issues)} problems:"
    )
    return "\n".join(
        [head, *_numbered(issues), "Fix the file and send it again; nothing was stored."]
    )


def upload_stored(title: str, ref: str, replaced: bool, warnings: Sequence[Issue]) -> str:
    """The answer to a valid upload, with lint warnings when there are some."""
    verb = "replaced" if replaced else "added"
    lines = [
        f"Routine {verb}: <b>{escape(title)}</b>",
        f"Start it from /myroutines or with <code>/session {escape(ref)}</code>.",
    ]
    if warnings:
        lines.append("Worth a look (the routine works anyway):")
        lines.extend(_numbered(warnings))
    return "\n".join(lines)


def my_routines(entries: Sequence[UserRoutineEntry]) -> str:
    """The heading of "My routines", with a note on routines that no longer pass the checks."""
    lines = [f"<b>{MY_ROUTINES_TITLE}</b>", "Tap one to see it and start it."]
    if any(entry.routine is None for entry in entries):
        lines.append(
            "⚠ marks a routine that no longer passes the checks: delete it and send a fixed file."
        )
    lines.append("To add one, send a .yaml file.")
    return "\n".join(lines)


def confirm_delete(title: str, *, broken: bool) -> str:
    """Asked before a user routine is deleted."""
    note = " It no longer passes the checks." if broken else ""
    return (
        f"Delete your routine <b>{escape(title)}</b>?{note} "
        "Reminders that name it will offer the routine menu instead."
    )


def my_routine_deleted(title: str) -> str:
    """After a user deleted one of their routines."""
    return f"Deleted: {escape(title)}"


def export_file_name(user_id: int) -> str:
    """The name of the /export file."""
    return f"guide-bot-export-{user_id}.json"
