"""A crash while reminders go out loses at most the sends in flight, never the ones waiting:
each reminder is claimed alone, just before its send starts (issue 19)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from guide_bot.reminders.dispatcher import ReminderScheduler
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
        started.append(reminder.id)
        first_out.set()
        await asyncio.Event().wait()  # the process dies while this send is on the wire

    for window in (1, 2):
        started.clear()
        first_out.clear()
        crashing = ReminderScheduler(repo, hangs, clock=clock, window=window)
        run = asyncio.create_task(crashing.run_due())
        await first_out.wait()
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
