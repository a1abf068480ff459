"""The /stats figures: days, weeks, months and streaks in the user's zone, areas, pain change."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guide_bot.progress.figures import (
    SessionRecord,
    compute_progress,
    local_date,
    minutes_per_day,
    pain_series,
    streaks,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def rec(
    at: datetime,
    minutes: float = 10,
    *,
    areas: tuple[str, ...] = ("neck",),
    completed: bool = True,
    pain_before: int | None = None,
    pain_after: int | None = None,
) -> SessionRecord:
    return SessionRecord(
        started_at=at,
        duration_s=minutes * 60,
        routine_id="neck-release",
        areas=areas,
        completed=completed,
        pain_before=pain_before,
        pain_after=pain_after,
    )


def local(zone: ZoneInfo, *args: int) -> datetime:
    """A wall-clock time in `zone`, converted to UTC as the history stores it."""
    return datetime(*args, tzinfo=zone).astimezone(UTC)  # type: ignore[misc]


def test_late_evening_session_counts_on_the_local_day() -> None:
    # Monday 23:30 in Berlin (winter, UTC+1) is Monday 22:30 UTC; in summer 21:30 UTC.
    at = local(BERLIN, 2026, 1, 12, 23, 30)
    assert at.date() == date(2026, 1, 12)
    # New York: Monday 23:30 local is Tuesday 04:30 UTC, still Monday for the user.
    ny = local(NEW_YORK, 2026, 1, 12, 23, 30)
    assert ny.date() == date(2026, 1, 13)
    assert local_date(ny, NEW_YORK) == date(2026, 1, 12)


def test_streak_follows_local_days_not_utc_days() -> None:
    # Sunday 23:30, Monday 23:30, Tuesday 23:30 in New York: three UTC dates Mon-Wed,
    # three local dates Sun-Tue. "now" is Wednesday 08:00 local (13:00 UTC).
    records = [rec(local(NEW_YORK, 2026, 1, d, 23, 30)) for d in (11, 12, 13)]
    now = local(NEW_YORK, 2026, 1, 14, 8, 0)
    p = compute_progress(records, NEW_YORK, now)
    assert (p.current_streak, p.longest_streak) == (3, 3)
    # In UTC the same sessions fall on Mon, Tue, Wed: the Wednesday one would make it "today".
    p_utc = compute_progress(records, ZoneInfo("UTC"), now)
    assert p_utc.current_streak == 3
    # Friday local: the last session (Tuesday) is three days ago, the streak is broken.
    later = compute_progress(records, NEW_YORK, local(NEW_YORK, 2026, 1, 16, 8, 0))
    assert (later.current_streak, later.longest_streak) == (0, 3)


def test_two_sessions_on_one_local_day_are_one_streak_day() -> None:
    # 00:30 and 23:30 Berlin on the same day: different UTC dates (23:30 UTC the day before).
    early = local(BERLIN, 2026, 3, 10, 0, 30)
    late = local(BERLIN, 2026, 3, 10, 23, 30)
    assert early.date() == date(2026, 3, 9)  # 23:30 UTC the day before
    p = compute_progress([rec(early), rec(late)], BERLIN, local(BERLIN, 2026, 3, 10, 23, 59))
    assert (p.current_streak, p.longest_streak) == (1, 1)
    assert p.sessions_week == 2


def test_current_streak_survives_until_the_day_is_over() -> None:
    days = [date(2026, 5, d) for d in (1, 2, 3, 4)]
    assert streaks(days, today=date(2026, 5, 4)) == (4, 4)
    assert streaks(days, today=date(2026, 5, 5)) == (4, 4)  # yesterday counts
    assert streaks(days, today=date(2026, 5, 6)) == (0, 4)


def test_longest_streak_is_found_in_the_past() -> None:
    days = [date(2026, 1, d) for d in (1, 2, 3, 4, 5, 8, 9, 20)]
    assert streaks(days, today=date(2026, 1, 20)) == (1, 5)
    assert streaks([], today=date(2026, 1, 20)) == (0, 0)


def test_streak_across_a_month_and_a_dst_change() -> None:
    # Berlin springs forward on 2026-03-29; sessions at 23:30 local across it and into April.
    records = [rec(local(BERLIN, 2026, 3, d, 23, 30)) for d in (28, 29, 30, 31)]
    records.append(rec(local(BERLIN, 2026, 4, 1, 23, 30)))
    p = compute_progress(records, BERLIN, local(BERLIN, 2026, 4, 2, 9, 0))
    assert (p.current_streak, p.longest_streak) == (5, 5)
    assert p.sessions_month == 1  # only 1 April is in April


def test_week_starts_on_local_monday() -> None:
    # Sunday 23:30 in New York is Monday in UTC: it belongs to the previous week.
    sunday_late = local(NEW_YORK, 2026, 1, 11, 23, 30)
    monday_early = local(NEW_YORK, 2026, 1, 12, 0, 15)
    now = local(NEW_YORK, 2026, 1, 14, 12, 0)  # Wednesday
    p = compute_progress([rec(sunday_late, 20), rec(monday_early, 15)], NEW_YORK, now)
    assert p.sessions_week == 1
    assert p.minutes_week == pytest.approx(15)
    assert p.sessions_month == 2
    assert p.minutes_month == pytest.approx(35)


def test_month_boundary_in_the_users_zone() -> None:
    # 31 January 23:30 in Berlin is 22:30 UTC, still January; in New York it is 1 Feb in UTC.
    ny_last_of_jan = local(NEW_YORK, 2026, 1, 31, 23, 30)
    assert ny_last_of_jan.month == 2
    now = local(NEW_YORK, 2026, 2, 3, 9, 0)
    p = compute_progress([rec(ny_last_of_jan)], NEW_YORK, now)
    assert p.sessions_month == 0
    # Tokyo: 1 February 00:30 local is 31 January 15:30 UTC, yet it is February for the user.
    tokyo = ZoneInfo("Asia/Tokyo")
    feb_first = local(tokyo, 2026, 2, 1, 0, 30)
    assert feb_first.month == 1
    p = compute_progress([rec(feb_first)], tokyo, local(tokyo, 2026, 2, 3, 9, 0))
    assert p.sessions_month == 1


def test_areas_and_pain_change() -> None:
    base = datetime(2026, 6, 1, 8, tzinfo=UTC)
    records = [
        rec(base, areas=("neck", "shoulders-upper-back"), pain_before=6, pain_after=3),
        rec(base + timedelta(days=1), areas=("neck",), pain_before=5, pain_after=4),
        rec(base + timedelta(days=2), areas=("lower-back",), pain_before=4),  # no pair
        rec(base + timedelta(days=3), areas=("neck", "neck"), completed=False),
    ]
    p = compute_progress(records, BERLIN, base + timedelta(days=3, hours=2))
    assert p.top_areas == (("neck", 3), ("lower-back", 1), ("shoulders-upper-back", 1))
    assert p.minutes_week == pytest.approx(40)
    assert p.pain_pairs == 2
    assert p.pain_change == pytest.approx(-2.0)
    assert p.total_sessions == 4
    assert p.current_streak == 4  # a stopped session still counts as practice


def test_no_history() -> None:
    p = compute_progress([], BERLIN, datetime(2026, 1, 1, tzinfo=UTC))
    assert p.total_sessions == 0
    assert p.pain_change is None
    assert (p.current_streak, p.longest_streak) == (0, 0)
    assert p.top_areas == ()


def test_series_are_local_and_sorted() -> None:
    a = local(NEW_YORK, 2026, 1, 12, 23, 30)
    b = local(NEW_YORK, 2026, 1, 12, 7, 0)
    per_day = minutes_per_day([rec(a, 10), rec(b, 5)], NEW_YORK)
    assert per_day == [(date(2026, 1, 12), pytest.approx(15))]
    series = pain_series([rec(a, pain_after=2), rec(b, pain_before=6), rec(b)], NEW_YORK)
    assert [row[1:] for row in series] == [(6, None), (None, 2)]
    assert series[0][0].tzinfo is NEW_YORK


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        compute_progress([rec(datetime(2026, 1, 1))], BERLIN, datetime(2026, 1, 2, tzinfo=UTC))  # noqa: DTZ001


@given(
    offsets=st.lists(st.integers(min_value=0, max_value=60), max_size=40),
    today_offset=st.integers(min_value=0, max_value=70),
)
def test_streak_invariants(offsets: list[int], today_offset: int) -> None:
    first = date(2026, 1, 1)
    days = [first + timedelta(days=o) for o in offsets]
    today = first + timedelta(days=today_offset)
    current, longest = streaks(days, today)
    assert current >= 0
    assert current <= longest <= len(set(days))
    # Shifting every day (and today) by the same amount changes nothing.
    shifted = [d + timedelta(days=100) for d in days]
    assert streaks(shifted, today + timedelta(days=100)) == (current, longest)
    # The current streak ends today or yesterday, and is made of session days.
    if current:
        end = today if today in set(days) else today - timedelta(days=1)
        assert all(end - timedelta(days=k) in set(days) for k in range(current))


@given(
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    zone=st.sampled_from(
        ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata", "America/St_Johns", "UTC"]
    ),
)
def test_a_session_counts_on_its_local_wall_clock_day(hour: int, minute: int, zone: str) -> None:
    tz = ZoneInfo(zone)
    at = local(tz, 2026, 6, 15, hour, minute)
    p = compute_progress([rec(at)], tz, local(tz, 2026, 6, 15, 23, 59))
    assert (p.current_streak, p.sessions_month) == (1, 1)
