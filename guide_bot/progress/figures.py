"""Progress figures from a user's session history: counts, minutes, streaks, areas, pain change.

Pure: the records and `now` come in as arguments, the user's IANA zone decides the calendar.
Every day, week and month is the user's local one: a session at 23:30 on Monday in Berlin is
Monday's even though it is already Tuesday in UTC. Weeks start on Monday (ISO 8601).

A streak is a run of consecutive local days with at least one session (completed or stopped: a
stopped session is still practice). The current streak is the run that ends today, or yesterday
when there is no session yet today, so a streak is not broken before the day is over; otherwise
it is 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

TOP_AREAS = 3


@dataclass(frozen=True, kw_only=True, slots=True)
class SessionRecord:
    """One session from the history, as the progress figures need it."""

    started_at: datetime  # timezone-aware; stored as UTC
    duration_s: float  # time actually spent, pauses excluded
    routine_id: str
    areas: tuple[str, ...] = ()
    completed: bool = True
    pain_before: int | None = None
    pain_after: int | None = None

    @property
    def pain_change(self) -> int | None:
        """After minus before: negative means less pain; None unless both were rated."""
        if self.pain_before is None or self.pain_after is None:
            return None
        return self.pain_after - self.pain_before


@dataclass(frozen=True, kw_only=True, slots=True)
class Progress:
    """The figures /stats shows."""

    total_sessions: int
    sessions_week: int
    minutes_week: float
    sessions_month: int
    minutes_month: float
    current_streak: int
    longest_streak: int
    top_areas: tuple[tuple[str, int], ...]  # (area, sessions), most first
    pain_change: float | None  # mean of after - before; None without a rated pair
    pain_pairs: int  # sessions with both ratings


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass timezone-aware times (UTC)")
    return moment


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar day of `moment` on the user's wall clock."""
    return _aware(moment).astimezone(zone).date()


def week_start(day: date) -> date:
    """The Monday of the ISO week of `day`."""
    return day - timedelta(days=day.weekday())


def streaks(days: Iterable[date], today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive days; see the module docstring for "current"."""
    unique = sorted(set(days))
    longest = run = 0
    previous: date | None = None
    for day in unique:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    present = set(unique)
    anchor = today if today in present else today - timedelta(days=1)
    current = 0
    while anchor in present:
        current += 1
        anchor -= timedelta(days=1)
    return current, longest


def compute_progress(records: Sequence[SessionRecord], zone: ZoneInfo, now: datetime) -> Progress:
    """The /stats figures for `records` as seen by a user in `zone` at `now`."""
    today = local_date(now, zone)
    monday = week_start(today)
    days = [local_date(r.started_at, zone) for r in records]
    in_week = [r for r, d in zip(records, days, strict=True) if monday <= d <= today]
    in_month = [
        r
        for r, d in zip(records, days, strict=True)
        if (d.year, d.month) == (today.year, today.month) and d <= today
    ]
    current, longest = streaks(days, today)
    area_counts: Counter[str] = Counter()
    for record in records:
        area_counts.update(set(record.areas))
    top = sorted(area_counts.items(), key=lambda item: (-item[1], item[0]))[:TOP_AREAS]
    changes = [c for c in (r.pain_change for r in records) if c is not None]
    return Progress(
        total_sessions=len(records),
        sessions_week=len(in_week),
        minutes_week=sum(r.duration_s for r in in_week) / 60,
        sessions_month=len(in_month),
        minutes_month=sum(r.duration_s for r in in_month) / 60,
        current_streak=current,
        longest_streak=longest,
        top_areas=tuple(top),
        pain_change=sum(changes) / len(changes) if changes else None,
        pain_pairs=len(changes),
    )


def minutes_per_day(records: Iterable[SessionRecord], zone: ZoneInfo) -> list[tuple[date, float]]:
    """Minutes spent on each local day that had a session, oldest first."""
    totals: dict[date, float] = {}
    for record in records:
        day = local_date(record.started_at, zone)
        totals[day] = totals.get(day, 0.0) + record.duration_s / 60
    return sorted(totals.items())


def pain_series(
    records: Iterable[SessionRecord], zone: ZoneInfo
) -> list[tuple[datetime, int | None, int | None]]:
    """(local start, pain before, pain after) of each session with at least one rating."""
    rows = [
        (_aware(r.started_at).astimezone(zone), r.pain_before, r.pain_after)
        for r in records
        if r.pain_before is not None or r.pain_after is not None
    ]
    return sorted(rows, key=lambda row: row[0])
