"""A crash while reminders go out loses at most the requests on the wire, never the ones waiting:
each reminder's claim is stored right before its request goes on the wire (issue 19)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from guide_bot.reminders.dispatcher import ReminderScheduler, store_claim
from guide_bot.reminders.rules import Dispatch
from guide_bot.reminders.store import ReminderRepository, StoredReminder
from reminders.fakes import FakeClock
from reminders.test_scheduler import T0, rule


async def test_a_crash_as_the_first_of_six_goes_out_loses_only_the_sends_in_flight(
    repo: ReminderRepository,
) -> None:
    clock = FakeClock(T0)
    ids = [repo.add(user_id=u, chat_id=u, rule=rule(7, 0), now=T0).id for u in range(1, 7)]
    clock.set(T0 + timedelta(hours=1))  # 07:00 Berlin: all six due
    started: list[int] = []
    first_out = asyncio.Event()

    async def hangs(reminder: StoredReminder, _decision: Dispatch) -> None:
        store_claim()  # its request goes on the wire (the HTTP client's before_send)
        started.append(reminder.id)
        first_out.set()
        await asyncio.Event().wait()  # the process dies while this send is on the wire

    for window in (1, 2):
        started.clear()
        first_out.clear()
        crashing = ReminderScheduler(repo, hangs, clock=clock, window=window)
        run = asyncio.create_task(crashing.run_due())
        await asyncio.wait_for(first_out.wait(), 10)
        run.cancel()  # kill -9: nothing after this point runs
        await asyncio.gather(run, return_exceptions=True)
        assert len(started) == window
        # the bot comes back: every reminder not in flight at the crash goes out, none twice
        sent: list[int] = []

        async def records(
            reminder: StoredReminder, _decision: Dispatch, sent: list[int] = sent
        ) -> None:
            sent.append(reminder.id)

        await ReminderScheduler(repo, records, clock=clock).run_due()
        assert sorted(sent) == sorted(set(ids) - set(started))  # lost: only those in flight
        # the next round: tomorrow's 07:00, when all six are due again
        clock.set(clock() + timedelta(days=1))


async def test_a_crash_while_sends_wait_for_the_wire_loses_none(repo: ReminderRepository) -> None:
    """Sends picked but still waiting (for the rate limiter, a connection) store nothing: after
    the crash every one of them goes out, once."""
    clock = FakeClock(T0)
    ids = [repo.add(user_id=u, chat_id=u, rule=rule(7, 0), now=T0).id for u in range(1, 7)]
    clock.set(T0 + timedelta(hours=1))
    waiting = asyncio.Event()
    picked: list[int] = []

    async def waits(reminder: StoredReminder, _decision: Dispatch) -> None:
        picked.append(reminder.id)
        if len(picked) == 6:
            waiting.set()
        await asyncio.Event().wait()  # never reaches the wire

    run = asyncio.create_task(ReminderScheduler(repo, waits, clock=clock, window=6).run_due())
    await asyncio.wait_for(waiting.wait(), 10)
    run.cancel()
    await asyncio.gather(run, return_exceptions=True)
    sent: list[int] = []

    async def records(reminder: StoredReminder, _decision: Dispatch) -> None:
        store_claim()
        sent.append(reminder.id)

    await ReminderScheduler(repo, records, clock=clock).run_due()
    assert sorted(sent) == sorted(ids)
    assert await ReminderScheduler(repo, records, clock=clock).run_due() is not None
    assert sorted(sent) == sorted(ids)  # never twice


async def test_a_reminder_changed_after_it_was_picked_is_not_sent(repo: ReminderRepository) -> None:
    """The claim is a compare-and-set on the row as picked: paused (or claimed elsewhere) before
    its request left, it is not sent."""
    clock = FakeClock(T0)
    stored = repo.add(user_id=1, chat_id=1, rule=rule(7, 0), now=T0)
    clock.set(T0 + timedelta(hours=1))
    sent: list[int] = []

    async def paused_meanwhile(reminder: StoredReminder, _decision: Dispatch) -> None:
        repo.set_paused(reminder.id, True, clock())
        store_claim()  # raises: the row changed
        sent.append(reminder.id)

    report = await ReminderScheduler(repo, paused_meanwhile, clock=clock).run_due()
    assert sent == []
    assert report.sent == 0
    assert report.failed == 0
    now_paused = repo.get(stored.id)
    assert now_paused is not None
    assert now_paused.rule.paused
