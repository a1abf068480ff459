"""The few-taps flow's buttons that name a reminder: someone else's or a deleted one changes
nothing and gets a short answer; the owner's goes on."""

from __future__ import annotations

from datetime import time
from pathlib import Path

from bot.harness import running
from fakebot.server import FakeBotServer

from guide_bot.reminders.rules import EVERY_DAY, ReminderRule
from guide_bot.telegram.reminders import texts as rt
from reminders.harness import CHAT, START, build_reminder_bot, say, tap


async def test_flow_buttons_of_a_foreign_or_deleted_reminder_change_nothing(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_reminder_bot(server, tmp_path, test_library)
    repo = bot.services.reminders
    repo.set_timezone(CHAT, "Europe/Berlin", START)
    mine = repo.add(
        user_id=CHAT,
        chat_id=CHAT,
        rule=ReminderRule(at=time(7, 30), days=EVERY_DAY, zone="Europe/Berlin"),
        now=START,
    )
    async with running(bot):
        (listing,) = await say(bot, "/reminders")
        sent = len(server.sent(CHAT))
        intruder = 999
        assert await tap(bot, listing, f"rfl:{mine.id}", user_id=intruder) == rt.NOT_YOURS
        assert await tap(bot, listing, f"rdy:{mine.id}:0800:3:1", user_id=intruder) == (
            rt.NOT_YOURS
        )
        assert await tap(bot, listing, f"rrt:{mine.id}:0800:3:-", user_id=intruder) == (
            rt.NOT_YOURS
        )
        assert await tap(bot, listing, "rfl:424242") == rt.GONE
        assert await tap(bot, listing, "rdy:424242:0800:3:1") == rt.GONE
        assert await tap(bot, listing, "rfl:abc") == rt.INVALID
        assert len(server.sent(CHAT)) == sent  # nothing edited or sent
        assert repo.get(mine.id) == mine

        assert await tap(bot, listing, f"rfl:{mine.id}") is None  # the owner: step 1, the time
        assert server.sent(CHAT)[-1].text == rt.CHOOSE_TIME
