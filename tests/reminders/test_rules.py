"""next_fire across daylight-saving changes in three zones, skip today, snooze and dispatch."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guide_bot.reminders.rules import (
    EVERY_DAY,
    WEEKDAYS,
    ReminderRule,
    ReminderState,
    dispatch,
    next_fire,
    occurrence_on,
    skip_today,
    snooze_until,
)


def fires(rule: ReminderRule, start: datetime, count: int) -> list[datetime]:
    out: list[datetime] = []
    moment = start
    for _ in range(count):
        moment = next_fire(rule, moment)
        out.append(moment)
    return out


def local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


# (zone, a UTC instant a few days before a change, the local date of the change, hours that day)
CHANGES = [
    ("Europe/Berlin", datetime(2026, 3, 25, tzinfo=UTC), date(2026, 3, 29), 23),
    ("Europe/Berlin", datetime(2026, 10, 21, tzinfo=UTC), date(2026, 10, 25), 25),
    ("America/New_York", datetime(2026, 3, 4, tzinfo=UTC), date(2026, 3, 8), 23),
    ("America/New_York", datetime(2026, 10, 28, tzinfo=UTC), date(2026, 11, 1), 25),
    ("Australia/Sydney", datetime(2026, 4, 1, tzinfo=UTC), date(2026, 4, 5), 25),
    ("Australia/Sydney", datetime(2026, 9, 30, tzinfo=UTC), date(2026, 10, 4), 23),
]


@pytest.mark.parametrize(("zone", "start", "change_day", "hours"), CHANGES)
def test_daily_keeps_local_time_across_change(
    zone: str, start: datetime, change_day: date, hours: int
) -> None:
    rule = ReminderRule(at=time(7, 30), days=EVERY_DAY, zone=zone)
    got = fires(rule, start, 10)
    locals_ = [local(m, zone) for m in got]
    assert all(m.time() == time(7, 30) for m in locals_)
    dates = [m.date() for m in locals_]
    assert dates == [dates[0] + timedelta(days=i) for i in range(10)]  # none skipped or doubled
    assert change_day in dates
    gaps = {
        locals_[i + 1].date(): got[i + 1] - got[i] for i in range(9)
    }  # 07:30 to 07:30 across the change is one hour shorter or longer
    assert gaps[change_day] == timedelta(hours=hours)  # the change is before 07:30
    assert sum(1 for g in gaps.values() if g != timedelta(hours=24)) == 1


@pytest.mark.parametrize(("zone", "start", "change_day", "hours"), CHANGES)
def test_weekdays_across_change(zone: str, start: datetime, change_day: date, hours: int) -> None:
    rule = ReminderRule(at=time(18, 0), days=WEEKDAYS, zone=zone)
    got = [local(m, zone) for m in fires(rule, start, 10)]
    assert all(m.weekday() < 5 and m.time() == time(18, 0) for m in got)
    first = got[0].date()
    expected = [first + timedelta(days=i) for i in range(20)]
    expected = [d for d in expected if d.weekday() < 5][:10]
    assert [m.date() for m in got] == expected


def test_missing_time_fires_at_end_of_gap_once() -> None:
    rule = ReminderRule(at=time(2, 30), days=EVERY_DAY, zone="Europe/Berlin")
    got = fires(rule, datetime(2026, 3, 27, 12, tzinfo=UTC), 4)
    assert [local(m, rule.zone).isoformat() for m in got] == [
        "2026-03-28T02:30:00+01:00",
        "2026-03-29T03:00:00+02:00",  # 02:30 does not exist; the first valid instant after it
        "2026-03-30T02:30:00+02:00",
        "2026-03-31T02:30:00+02:00",
    ]


def test_missing_time_new_york_and_sydney() -> None:
    ny = ReminderRule(at=time(2, 15), days=EVERY_DAY, zone="America/New_York")
    assert occurrence_on(ny, date(2026, 3, 8)) == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    syd = ReminderRule(at=time(2, 45), days=EVERY_DAY, zone="Australia/Sydney")
    fired = occurrence_on(syd, date(2026, 10, 4))
    assert fired is not None
    assert local(fired, syd.zone).isoformat() == "2026-10-04T03:00:00+11:00"


@pytest.mark.parametrize(
    ("zone", "day", "at", "offset_h"),
    [
        ("Europe/Berlin", date(2026, 10, 25), time(2, 30), 2),
        ("America/New_York", date(2026, 11, 1), time(1, 30), -4),
        ("Australia/Sydney", date(2026, 4, 5), time(2, 30), 11),
    ],
)
def test_ambiguous_time_fires_once_at_first(zone: str, day: date, at: time, offset_h: int) -> None:
    rule = ReminderRule(at=at, days=EVERY_DAY, zone=zone)
    start = datetime.combine(day, time(0), tzinfo=ZoneInfo(zone)) - timedelta(days=1)
    got = fires(rule, start, 3)
    on_day = [m for m in got if local(m, zone).date() == day]
    assert len(on_day) == 1
    assert local(on_day[0], zone).utcoffset() == timedelta(hours=offset_h)
    # asking again from just after the first occurrence goes to the next day, not the repeat
    assert local(next_fire(rule, on_day[0]), zone).date() == day + timedelta(days=1)


def test_a_day_the_zone_skipped_has_no_reminder() -> None:
    rule = ReminderRule(at=time(7, 30), days=EVERY_DAY, zone="Pacific/Apia")
    got = [local(m, rule.zone).date() for m in fires(rule, datetime(2011, 12, 28, tzinfo=UTC), 4)]
    assert date(2011, 12, 30) not in got
    assert got == [date(2011, 12, 28), date(2011, 12, 29), date(2011, 12, 31), date(2012, 1, 1)]


ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "America/Santiago", "UTC"]


@settings(deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 59]),
    days=st.frozensets(st.integers(0, 6), min_size=1),
    start=st.datetimes(
        min_value=datetime(2024, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
        max_value=datetime(2028, 1, 1),  # noqa: DTZ001
    ),
)
def test_every_scheduled_day_fires_exactly_once(
    zone: str, hour: int, minute: int, days: frozenset[int], start: datetime
) -> None:
    rule = ReminderRule(at=time(hour, minute), days=days, zone=zone)
    got = fires(rule, start.replace(tzinfo=UTC), 30)
    assert got == sorted(got)
    assert len(set(got)) == len(got)
    locals_ = [local(m, zone) for m in got]
    dates = [m.date() for m in locals_]
    assert len(set(dates)) == len(dates)
    span = (dates[-1] - dates[0]).days
    expected = [dates[0] + timedelta(days=i) for i in range(span + 1)]
    assert dates == [d for d in expected if d.weekday() in days]
    for m in locals_:
        # the local time is the rule's, or the end of a spring-forward gap just after it
        shown = m.replace(tzinfo=None) - datetime.combine(m.date(), rule.at)
        assert timedelta(0) <= shown <= timedelta(hours=1)


def test_skip_today_before_and_after_the_fire() -> None:
    rule = ReminderRule(at=time(7, 30), days=WEEKDAYS, zone="Europe/Berlin")
    thursday_6am = datetime(2026, 6, 4, 4, 0, tzinfo=UTC)
    assert next_fire(rule, thursday_6am) == datetime(2026, 6, 4, 5, 30, tzinfo=UTC)
    assert skip_today(rule, thursday_6am) == datetime(2026, 6, 5, 5, 30, tzinfo=UTC)
    friday_9am = datetime(2026, 6, 5, 7, 0, tzinfo=UTC)
    assert skip_today(rule, friday_9am) == datetime(2026, 6, 8, 5, 30, tzinfo=UTC)  # Monday


def test_snooze_choices() -> None:
    now = datetime(2026, 6, 4, 5, 30, tzinfo=UTC)
    assert snooze_until(now, 10) == now + timedelta(minutes=10)
    assert snooze_until(now, 60) == now + timedelta(hours=1)
    with pytest.raises(ValueError, match="snooze"):
        snooze_until(now, 7)


def test_rule_refuses_bad_values() -> None:
    with pytest.raises(ValueError, match="days"):
        ReminderRule(at=time(7), days=frozenset(), zone="UTC")
    with pytest.raises(ValueError, match="days"):
        ReminderRule(at=time(7), days=frozenset({7}), zone="UTC")
    with pytest.raises(Exception, match="Mars"):
        ReminderRule(at=time(7), days=EVERY_DAY, zone="Mars/Olympus")
    naive = datetime(2026, 1, 1)  # noqa: DTZ001 - the error under test
    daily = ReminderRule(at=time(7), days=EVERY_DAY, zone="UTC")
    with pytest.raises(ValueError, match="aware"):
        next_fire(daily, naive)


RULE = ReminderRule(at=time(7, 30), days=EVERY_DAY, zone="Europe/Berlin")
DUE = datetime(2026, 6, 4, 5, 30, tzinfo=UTC)


def test_dispatch_on_time_sends_once_and_advances() -> None:
    state = ReminderState(next_fire_utc=DUE)
    first = dispatch(RULE, state, DUE + timedelta(seconds=2))
    assert first.send
    assert not first.late
    assert first.state.next_fire_utc == DUE + timedelta(days=1)
    again = dispatch(RULE, first.state, DUE + timedelta(seconds=3))
    assert not again.send
    assert again.state == first.state


def test_dispatch_late_within_grace_and_beyond() -> None:
    state = ReminderState(next_fire_utc=DUE)
    late = dispatch(RULE, state, DUE + timedelta(minutes=50))
    assert late.send
    assert late.late
    too_late = dispatch(RULE, state, DUE + timedelta(minutes=61))
    assert not too_late.send
    assert too_late.state.next_fire_utc == DUE + timedelta(days=1)
    long_down = dispatch(RULE, state, DUE + timedelta(days=3, hours=2))
    assert not long_down.send
    assert long_down.state.next_fire_utc == DUE + timedelta(days=4)


def test_dispatch_snooze_keeps_regular_schedule() -> None:
    snoozed = ReminderState(
        next_fire_utc=DUE + timedelta(days=1), snooze_until_utc=DUE + timedelta(minutes=10)
    )
    assert snoozed.due_utc == DUE + timedelta(minutes=10)
    result = dispatch(RULE, snoozed, DUE + timedelta(minutes=10))
    assert result.send
    assert result.state.snooze_until_utc is None
    assert result.state.next_fire_utc == DUE + timedelta(days=1)


def test_dispatch_paused_is_not_sent() -> None:
    paused = ReminderRule(at=time(7, 30), days=EVERY_DAY, zone="Europe/Berlin", paused=True)
    result = dispatch(paused, ReminderState(next_fire_utc=DUE), DUE)
    assert not result.send
    assert result.state.next_fire_utc > DUE
