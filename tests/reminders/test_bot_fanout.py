"""Through the real bot and the fake Bot API server: a restart with due and not-yet-due
reminders, and 1,000 reminders due in the same minute, all delivered once, in order, paced."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from bot.harness import running
from fakebot.server import FakeBotServer

from guide_bot.reminders.rules import EVERY_DAY, ReminderRule
from reminders.harness import START, build_reminder_bot, dispatcher

BERLIN = "Europe/Berlin"


def rule(hh: int, mm: int, zone: str = BERLIN) -> ReminderRule:
    return ReminderRule(at=clock_time(hh, mm), days=EVERY_DAY, zone=zone)


async def test_restart_sends_due_once_late_skips_too_old_and_waits_for_the_rest(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    first = build_reminder_bot(server, tmp_path, test_library)
    repo = first.services.reminders
    late = repo.add(user_id=11, chat_id=11, rule=rule(7, 0), now=START)  # 06:00 UTC
    old = repo.add(user_id=12, chat_id=12, rule=rule(6, 10), now=START)  # 05:10 UTC
    future = repo.add(user_id=13, chat_id=13, rule=rule(9, 0), now=START)  # 08:00 UTC
    async with running(first):
        assert server.sent() == []

    # down from 06:00 to 07:20 local; it starts again on the same database
    down_until = datetime(2026, 1, 5, 6, 20, tzinfo=UTC)
    bot = build_reminder_bot(server, tmp_path, test_library, now=down_until)
    async with running(bot):  # post_init arms the dispatcher: what is due runs at once
        await server.wait_for("sendMessage", chat_id=11)
        await server.wait_idle(0.2)
        (sent,) = server.sent()
        assert sent.chat_id == late.chat_id
        assert "Sent 20 min late" in sent.text
        job = bot.app.job_queue.get_jobs_by_name("reminders:dispatch")  # type: ignore[union-attr]
        assert len(job) == 1  # armed for `future`, 1 h 40 min from the fake now
        assert job[0].next_t is not None
        wait = job[0].next_t - datetime.now(UTC)
        assert timedelta(hours=1, minutes=39) < wait <= timedelta(hours=1, minutes=40)

    again = build_reminder_bot(
        server, tmp_path, test_library, now=down_until + timedelta(minutes=1)
    )
    async with running(again):  # a second restart right after sends nothing twice
        await server.wait_idle(0.3)
        assert len(server.sent()) == 1
        stored_old = again.services.reminders.get(old.id)
        assert stored_old is not None
        assert stored_old.state.next_fire_utc == datetime(2026, 1, 6, 5, 10, tzinfo=UTC)
        again.clock.set(datetime(2026, 1, 5, 8, 0, tzinfo=UTC).timestamp())
        await dispatcher(again).run_due()
        assert [c.chat_id for c in server.sent()] == [late.chat_id, future.chat_id]


async def test_a_thousand_in_the_same_minute_all_arrive_once_in_order(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_reminder_bot(server, tmp_path, test_library)
    repo = bot.services.reminders
    # 07:30 in Berlin, 01:30 in New York and 06:30 UTC are the same minute; ids follow due order
    zones = [(7, 30, BERLIN), (1, 30, "America/New_York"), (6, 30, "UTC")]
    for i in range(1000):
        hh, mm, zone = zones[i % 3]
        repo.add(user_id=10_000 + i, chat_id=10_000 + i, rule=rule(hh, mm, zone), now=START)
    async with running(bot):
        bot.clock.set(datetime(2026, 1, 5, 6, 30, 0, tzinfo=UTC).timestamp())
        report = await dispatcher(bot).run_due()
        assert report.sent == 1000
        sent = server.calls_of("sendMessage")
        assert all(c.status == 200 for c in sent)
        chats = [c.chat_id or 0 for c in sent]
        assert sorted(chats) == list(range(10_000, 11_000))  # every one, once
        # sends start in due order with at most 8 in flight: nobody is more than 8 places off
        assert max(abs(pos - (chat - 10_000)) for pos, chat in enumerate(chats)) <= 8
        assert (await dispatcher(bot).run_due()).sent == 0
    assert repo.next_due() == datetime(2026, 1, 6, 6, 30, tzinfo=UTC)


async def test_the_rate_limiter_paces_a_burst(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    """With the rate limiter on (30 messages/s overall), 90 due at once take about 3 s, evenly."""
    bot = build_reminder_bot(server, tmp_path, test_library, rate_limiter=True)
    repo = bot.services.reminders
    for i in range(90):
        repo.add(user_id=20_000 + i, chat_id=20_000 + i, rule=rule(7, 30), now=START)
    # When the limiter lets each call go: the fake server shares the test's event loop, so its
    # arrival times bunch up when the loop is busy, which is jitter of the test, not the bot's.
    request = bot.app.bot.request
    real = request.do_request
    released: list[float] = []

    async def timed(url: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if url.endswith("/sendMessage"):
            released.append(time.monotonic())
        return await real(url, *args, **kwargs)

    request.do_request = timed  # type: ignore[method-assign]
    async with running(bot):
        bot.clock.set(datetime(2026, 1, 5, 6, 30, tzinfo=UTC).timestamp())
        assert (await dispatcher(bot).run_due()).sent == 90
    assert len(server.calls_of("sendMessage")) == 90
    arrived = released
    assert len(arrived) == 90
    # Telegram's limit, as the even pace keeps it: no one-second window holds more than 30
    # (AIORateLimiter's bucket that starts full let about 60 into the first second)
    most = max(sum(1 for t in arrived if start <= t < start + 0.99) for start in arrived)
    assert most <= 30  # unthrottled it would be 90
    assert arrived[-1] - arrived[0] >= 2.9  # 89 gaps of 1/29 s; unthrottled, a fraction of it
