"""kill -9 of the real `guide-bot run` process around a reminder due time and in a session: what
the fake Bot API server saw afterwards, nothing lost and nothing twice beyond what docs/bot.md
and docs/reminders.md allow (issue 19, "Faults"). A few seeded kills; bench/bench_kills.py does
many and gives the figures."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from kill_harness import Bot, KillingServer, prepare, random_rounds, reminder_round, session_round


@pytest.fixture
async def killing_server() -> AsyncIterator[KillingServer]:
    server = KillingServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def test_killed_20_s_before_reminders_fall_due_and_back_5_s_later_sends_each_once(
    killing_server: KillingServer, tmp_path: Path
) -> None:
    library, database = prepare(tmp_path)
    bot = Bot(killing_server, tmp_path, library)
    figures = await reminder_round(bot, database, lead_s=20.5, kill_s=-20.0, down_s=5.0)
    assert (figures.reminders_lost, figures.reminders_twice) == (0, 0), figures.notes


async def test_killed_as_the_first_of_six_reminders_goes_out_loses_none_of_the_others(
    killing_server: KillingServer, tmp_path: Path
) -> None:
    """The first one reached the server as the process died; the five others were not on the
    wire yet, so they go out after the restart, and none twice."""
    library, database = prepare(tmp_path)
    bot = Bot(killing_server, tmp_path, library)
    figures = await reminder_round(bot, database, lead_s=0.5, kill_s=None, down_s=0.5)
    assert killing_server.killed_on is not None  # it did die on a reminder's send
    assert (figures.reminders_lost, figures.reminders_twice) == (0, 0), figures.notes


async def test_killed_at_a_random_point_of_a_session_the_session_goes_on(
    killing_server: KillingServer, tmp_path: Path
) -> None:
    """Every step is shown; a step is shown twice at most when the kill fell within the second
    before its progress was stored (docs/bot.md, "Restart": at least once, never lost)."""
    library, _database = prepare(tmp_path)
    bot = Bot(killing_server, tmp_path, library)
    (_kind, args), *_ = random_rounds(seed=19, kills=1)
    figures = await session_round(bot, **args)
    assert figures.sessions_unfinished == 0, figures.notes
    assert figures.steps_lost == 0, figures.notes
    assert figures.steps_repeated <= 1, figures.notes


async def test_a_standby_taking_over_sends_the_reminders_the_leader_did_not(
    killing_server: KillingServer, tmp_path: Path, pg_url: str
) -> None:
    """Two processes on one PostgreSQL database: the leader dies (kill -9) as the first of six
    due reminders reaches the server; the standby, once it leads, sends the five others, none
    twice (the claim's compare-and-set on PostgreSQL, docs/reminders.md)."""
    from datetime import UTC, datetime, timedelta

    from bot.test_failover import LEADS, WAITS, start
    from kill_harness import REMINDER_CHATS, due_at, prepare_database

    library, database = prepare_database(tmp_path, pg_url)
    due_at(database, datetime.now(UTC) + timedelta(seconds=12))
    leader = await start(killing_server, tmp_path, library, pg_url, "a")
    standby = None
    try:
        await leader.wait_said(LEADS, within=30)
        killing_server.victim = leader.proc.pid
        killing_server.kill_on = lambda c: c.method == "sendMessage" and c.chat_id in REMINDER_CHATS
        standby = await start(killing_server, tmp_path, library, pg_url, "b")
        await standby.wait_said(WAITS, within=30)
        await asyncio.wait_for(leader.proc.wait(), 40)  # killed on the first reminder's send
        assert killing_server.killed_on is not None
        await standby.wait_said(LEADS, within=15)
        sends = await killing_server.wait_for("sendMessage", count=len(REMINDER_CHATS), within=20)
        await asyncio.sleep(1.0)  # a second send of one would come right behind
        chats = [c.chat_id or 0 for c in killing_server.calls_of("sendMessage") if c.status == 200]
        assert sorted(chats) == sorted(REMINDER_CHATS), sends
    finally:
        for process in (leader, standby):
            if process is not None and process.proc.returncode is None:
                process.proc.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.proc.wait(), 30)
            if process is not None:
                await process.reader
