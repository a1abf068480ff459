"""The dispatcher with a fake clock: restart with due and not-yet-due reminders, snooze, skip
today, a blocked user, retries, and DST days end to end through the database."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from guide_bot.reminders.dispatcher import ReminderScheduler
from guide_bot.reminders.rules import EVERY_DAY, WEEKDAYS, ReminderRule
from guide_bot.reminders.store import ReminderRepository
from reminders.fakes import FakeClock, RecordingDeliver

BERLIN = "Europe/Berlin"
T0 = datetime(2026, 6, 4, 4, 0, tzinfo=UTC)  # Thursday 06:00 Berlin


def rule(hh: int, mm: int, days: frozenset[int] = EVERY_DAY, zone: str = BERLIN) -> ReminderRule:
    return ReminderRule(at=time(hh, mm), days=days, zone=zone)


def make(repo: ReminderRepository, clock: FakeClock) -> tuple[ReminderScheduler, RecordingDeliver]:
    deliver = RecordingDeliver(clock)
    return ReminderScheduler(repo, deliver, clock=clock), deliver


async def test_restart_sends_due_once_within_grace_and_keeps_the_rest(
    repo: ReminderRepository,
) -> None:
    clock = FakeClock(T0)
    recent = repo.add(user_id=1, chat_id=1, rule=rule(7, 0), now=T0)  # due 05:00 UTC
    old = repo.add(user_id=2, chat_id=2, rule=rule(6, 5), now=T0)  # due 04:05 UTC
    future = repo.add(user_id=3, chat_id=3, rule=rule(9, 0), now=T0)  # due 07:00 UTC
    # the bot is down from 06:00 to 07:20 local; it starts again (a new scheduler, same DB)
    clock.set(datetime(2026, 6, 4, 5, 20, tzinfo=UTC))
    scheduler, deliver = make(repo, clock)
    report = await scheduler.run_due()
    assert [(rid, late) for rid, _at, late in deliver.sent] == [(recent.id, True)]
    assert (report.sent, report.too_late) == (1, 1)  # `old` was 75 min late: beyond grace
    assert repo.next_due() == datetime(2026, 6, 4, 7, 0, tzinfo=UTC)  # `future` still waits
    # a second restart right away sends nothing again
    again, deliver2 = make(repo, clock)
    await again.run_due()
    assert deliver2.sent == []
    # the old one is back on its schedule tomorrow, the future one fires at its time
    clock.set(datetime(2026, 6, 4, 7, 0, tzinfo=UTC))
    await again.run_due()
    assert [rid for rid, _at, _late in deliver2.sent] == [future.id]
    stored_old = repo.get(old.id)
    assert stored_old is not None
    assert stored_old.state.next_fire_utc == datetime(2026, 6, 5, 4, 5, tzinfo=UTC)


async def test_snooze_then_skip_today(repo: ReminderRepository) -> None:
    clock = FakeClock(T0)
    r = repo.add(user_id=1, chat_id=1, rule=rule(7, 30), now=T0)
    scheduler, deliver = make(repo, clock)
    clock.set(datetime(2026, 6, 4, 5, 30, tzinfo=UTC))
    await scheduler.run_due()
    assert len(deliver.sent) == 1
    repo.snooze(r.id, clock() + timedelta(minutes=10))
    clock.advance(timedelta(minutes=9))
    await scheduler.run_due()
    assert len(deliver.sent) == 1
    clock.advance(timedelta(minutes=1))
    await scheduler.run_due()
    assert len(deliver.sent) == 2  # the snooze came back
    repo.snooze(r.id, clock() + timedelta(hours=1))
    repo.skip_today(r.id, clock())  # "Skip today" on the snoozed message cancels the snooze
    clock.advance(timedelta(hours=2))
    await scheduler.run_due()
    assert len(deliver.sent) == 2
    clock.set(datetime(2026, 6, 5, 5, 30, tzinfo=UTC))
    await scheduler.run_due()
    assert len(deliver.sent) == 3  # tomorrow as usual


async def test_blocked_user_is_paused_not_retried(repo: ReminderRepository) -> None:
    clock = FakeClock(T0)
    a = repo.add(user_id=1, chat_id=1, rule=rule(7, 30), now=T0)
    repo.add(user_id=1, chat_id=1, rule=rule(8, 30), now=T0)
    b = repo.add(user_id=2, chat_id=2, rule=rule(7, 30), now=T0)
    scheduler, deliver = make(repo, clock)
    deliver.fail_for[1] = Forbidden("Forbidden: bot was blocked by the user")
    clock.set(datetime(2026, 6, 4, 5, 30, tzinfo=UTC))
    report = await scheduler.run_due()
    assert report.blocked == 1
    assert [rid for rid, _a, _l in deliver.sent] == [b.id]
    assert all(r.blocked for r in repo.for_user(1))
    for day in range(1, 4):  # days later: never tried again
        clock.set(datetime(2026, 6, 4 + day, 5, 31, tzinfo=UTC))
        assert (await scheduler.run_due()).blocked == 0
    assert len(deliver.sent) == 4  # only user 2, once each day
    assert repo.set_paused(a.id, False, clock()) is not None  # the user comes back and resumes


async def test_chat_not_found_counts_as_blocked(repo: ReminderRepository) -> None:
    clock = FakeClock(T0)
    repo.add(user_id=1, chat_id=1, rule=rule(7, 30), now=T0)
    scheduler, deliver = make(repo, clock)
    deliver.fail_for[1] = BadRequest("Chat not found")
    clock.set(datetime(2026, 6, 4, 5, 30, tzinfo=UTC))
    assert (await scheduler.run_due()).blocked == 1
    assert repo.next_due() is None


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_transient_errors_retry_within_grace_timeouts_do_not(
    repo: ReminderRepository,
) -> None:
    clock = FakeClock(T0)
    flaky = repo.add(user_id=1, chat_id=1, rule=rule(7, 30), now=T0)
    repo.add(user_id=2, chat_id=2, rule=rule(7, 30), now=T0)
    scheduler, deliver = make(repo, clock)
    deliver.fail_for[1] = RetryAfter(40)
    deliver.fail_for[2] = TimedOut()
    clock.set(datetime(2026, 6, 4, 5, 30, tzinfo=UTC))
    report = await scheduler.run_due()
    assert (report.retried, report.failed) == (1, 1)
    assert repo.next_due() == clock() + timedelta(seconds=40)
    deliver.fail_for[1] = NetworkError("connection reset")
    clock.advance(timedelta(seconds=40))
    assert (await scheduler.run_due()).retried == 1
    del deliver.fail_for[1]
    clock.set(repo.next_due() or clock())
    await scheduler.run_due()
    assert [rid for rid, _a, _l in deliver.sent] == [flaky.id]
    # a failure that lasts beyond the grace window is given up, not retried forever
    deliver.fail_for[1] = NetworkError("down")
    clock.set(datetime(2026, 6, 5, 5, 30, tzinfo=UTC))
    tries = 0
    while (due := repo.next_due()) is not None and due < datetime(2026, 6, 5, 8, tzinfo=UTC):
        clock.set(max(due, clock()))
        await scheduler.run_due()
        tries += 1
        assert tries < 20
    assert clock() - datetime(2026, 6, 5, 5, 30, tzinfo=UTC) <= timedelta(hours=1, minutes=10)


async def test_dst_days_through_the_dispatcher(repo: ReminderRepository) -> None:
    """A daily and a weekday reminder in two zones, minute by minute over both changes."""
    for zone, start in (
        (BERLIN, datetime(2026, 3, 26, tzinfo=UTC)),
        (BERLIN, datetime(2026, 10, 22, tzinfo=UTC)),
        ("America/New_York", datetime(2026, 3, 5, tzinfo=UTC)),
        ("America/New_York", datetime(2026, 10, 29, tzinfo=UTC)),
    ):
        clock = FakeClock(start)
        daily = repo.add(user_id=1, chat_id=1, rule=rule(2, 30, zone=zone), now=start)
        workday = repo.add(user_id=2, chat_id=2, rule=rule(8, 0, WEEKDAYS, zone), now=start)
        scheduler, deliver = make(repo, clock)
        while clock() < start + timedelta(days=6):  # jump from due time to due time
            due = repo.next_due()
            assert due is not None
            clock.set(due)
            await scheduler.run_due()
        tz = ZoneInfo(zone)
        got_daily = [at.astimezone(tz) for rid, at, _l in deliver.sent if rid == daily.id]
        dates = [d.date() for d in got_daily]
        assert dates == [dates[0] + timedelta(days=i) for i in range(len(dates))]
        assert len(dates) >= 6
        assert all(d.time() in (time(2, 30), time(3, 0)) for d in got_daily)
        got_work = [at.astimezone(tz) for rid, at, _l in deliver.sent if rid == workday.id]
        assert all(w.weekday() < 5 and w.time() == time(8, 0) for w in got_work)
        assert len({w.date() for w in got_work}) == len(got_work)
        repo.delete(daily.id)
        repo.delete(workday.id)


async def test_arm_schedules_one_named_job(repo: ReminderRepository) -> None:
    from telegram.ext import Application

    from guide_bot.telegram.reminders.delivery import JobQueueTimer

    app = Application.builder().token("1:x").build()
    clock = FakeClock(datetime.now(UTC))
    scheduler, _deliver = make(repo, clock)
    assert scheduler.arm() is None  # not attached: nothing to do
    assert app.job_queue is not None
    scheduler.attach(JobQueueTimer(app.job_queue))
    assert scheduler.arm() is None  # nothing due
    r = repo.add(user_id=1, chat_id=1, rule=rule(7, 30), now=clock())
    await app.job_queue.start()
    try:
        assert scheduler.arm() == r.state.next_fire_utc
        assert scheduler.arm() == r.state.next_fire_utc  # remove before add
        jobs = [j for j in app.job_queue.jobs() if j.name == "reminders:dispatch" and not j.removed]
        assert len(jobs) == 1
        next_t = jobs[0].next_t
        assert next_t is not None
        assert abs(next_t - r.state.next_fire_utc) < timedelta(seconds=2)
        assert jobs[0].job.misfire_grace_time is None
    finally:
        await app.job_queue.stop(wait=False)
