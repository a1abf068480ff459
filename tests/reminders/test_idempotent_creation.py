"""Creating a reminder is idempotent and follows only an offer that was made (issue 19), through
the real bot: a double tap on the last step of the set-up, a forged or repeated "yes"."""

from __future__ import annotations

from pathlib import Path

from bot.harness import running
from fakebot.server import FakeBotServer

from guide_bot.telegram.reminders import flow
from guide_bot.telegram.reminders import texts as rt
from reminders.harness import CHAT, START, build_reminder_bot, data_of, say, tap


async def test_a_double_tap_on_the_last_step_creates_one_reminder(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_reminder_bot(server, tmp_path, test_library)
    repo = bot.services.reminders
    repo.set_timezone(CHAT, "Europe/Berlin", START)
    async with running(bot):
        (listing,) = await say(bot, "/reminders")
        last_step = "rrt:0:0730:127:-"  # 07:30, every day, no routine: saves the reminder
        await tap(bot, listing, last_step)
        await tap(bot, listing, last_step)
        assert len(repo.for_user(CHAT)) == 1


async def test_yes_to_the_daily_offer_only_after_the_offer_and_only_once(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_reminder_bot(server, tmp_path, test_library)
    services = bot.services
    repo = services.reminders
    repo.set_timezone(CHAT, "Europe/Berlin", START)
    async with running(bot):
        (listing,) = await say(bot, "/reminders")
        forged = "rof:0700:quick-test:1"
        assert await tap(bot, listing, forged) == rt.OFFER_CLOSED  # no offer was made
        assert repo.for_user(CHAT) == []

        routine = services.catalog.find(CHAT, "quick-test")
        assert routine is not None
        assert await flow.offer_daily(services, CHAT, CHAT, routine)
        await server.wait_idle(0.1)
        offer = server.sent(CHAT)[-1]
        yes = data_of(offer, "Yes")
        other_time = "rof:0315:quick-test:1"
        assert yes != other_time
        assert await tap(bot, offer, other_time) == rt.OFFER_CLOSED  # not what was offered
        assert await tap(bot, offer, yes) is None
        assert await tap(bot, offer, yes) == rt.OFFER_CLOSED  # a second tap
        assert len(repo.for_user(CHAT)) == 1
