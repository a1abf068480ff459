"""Many reminders due in the same minute: one dispatcher job vs one APScheduler job each.

Run: `python bench/reminders_fanout.py [N]` (default 1000). Both variants send N messages to the
local fake Bot API server through python-telegram-bot with AIORateLimiter at its real limit
(30 messages/s overall). A "stall" variant blocks the event loop for 1.5 s just as they fall
due, as a slow synchronous call would. Prints delivered counts, order inversions and seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

from telegram.ext import AIORateLimiter, Application, ContextTypes

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from guide_bot.reminders.dispatcher import ReminderScheduler
from guide_bot.reminders.rules import EVERY_DAY, Dispatch, ReminderRule
from guide_bot.reminders.store import ReminderRepository, StoredReminder
from guide_bot.storage.base import Base, make_engine, make_sessionmaker
from tests.fakebot.server import FakeBotServer


def inversions(order: list[int]) -> tuple[int, int]:
    """Adjacent pairs that arrived out of order, and the largest distance from the due order."""
    pairs = sum(1 for a, b in itertools.pairwise(order) if a > b)
    ranked = sorted(order)
    displaced = max((abs(i - ranked.index(c)) for i, c in enumerate(order)), default=0)
    return pairs, displaced


async def build(server: FakeBotServer) -> Application[Any, Any, Any, Any, Any, Any]:
    app = (
        Application.builder()
        .token(server.token)
        .base_url(server.base_url)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .build()
    )
    await app.initialize()
    return app


async def dispatcher(n: int, stall: bool) -> tuple[int, tuple[int, int], float]:
    async with FakeBotServer() as server:
        app = await build(server)
        with tempfile.TemporaryDirectory() as tmp:
            engine = make_engine(f"sqlite:///{tmp}/b.sqlite3")
            Base.metadata.create_all(engine)
            repo = ReminderRepository(make_sessionmaker(engine))
            now = datetime.now(UTC)
            due = (now + timedelta(minutes=1)).replace(second=0, microsecond=0)
            rule = ReminderRule(at=dtime(due.hour, due.minute), days=EVERY_DAY, zone="UTC")
            for i in range(n):
                repo.add(user_id=1000 + i, chat_id=1000 + i, rule=rule, now=now)

            async def deliver(r: StoredReminder, _d: Dispatch) -> None:
                await app.bot.send_message(r.chat_id, "reminder")

            clock = {"now": due}
            scheduler = ReminderScheduler(repo, deliver, clock=lambda: clock["now"])
            if stall:
                time.sleep(1.5)  # noqa: ASYNC251 - the loop is busy when they fall due
                clock["now"] = due + timedelta(seconds=1.5)
            started = time.monotonic()
            await scheduler.run_due()
            elapsed = time.monotonic() - started
        order = [c.chat_id or 0 for c in server.sent()]
        await app.shutdown()
        return len(order), inversions(order), elapsed


async def per_job(n: int, stall: bool) -> tuple[int, tuple[int, int], float]:
    async with FakeBotServer() as server:
        app = await build(server)
        assert app.job_queue is not None
        await app.job_queue.start()
        done = asyncio.Event()
        count = {"n": 0}

        async def job(context: ContextTypes.DEFAULT_TYPE) -> None:
            assert context.job is not None
            await context.bot.send_message(int(str(context.job.data)), "reminder")
            count["n"] += 1
            if count["n"] == n:
                done.set()

        when = datetime.now(UTC) + timedelta(seconds=1 + n / 500)
        for i in range(n):
            app.job_queue.run_once(job, when=when, data=1000 + i, name=f"reminder:{i}")
        await asyncio.sleep((when - datetime.now(UTC)).total_seconds() - 0.1)
        if stall:
            time.sleep(1.5)  # noqa: ASYNC251 - a stalled loop, on purpose
        started = time.monotonic()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), timeout=n / 25 + 10)
        elapsed = time.monotonic() - started
        await app.job_queue.stop(wait=False)
        order = [c.chat_id or 0 for c in server.sent()]
        await app.shutdown()
        return len(order), inversions(order), elapsed


async def main(n: int) -> None:
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # one "missed" warning per job
    for name, run in (("dispatcher", dispatcher), ("job per reminder", per_job)):
        for stall in (False, True):
            delivered, (inv, far), elapsed = await run(n, stall)
            label = f"{name}{' + 1.5 s stall' if stall else ''}"
            print(
                f"{label:32s} delivered {delivered:5d}/{n}  out-of-order pairs {inv:4d} "
                f"(at most {far} places)  "
                f"{elapsed:6.1f} s  ({delivered / max(elapsed, 1e-9):.1f} msg/s)"
            )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
