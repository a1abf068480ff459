"""A restart between a question and its answer loses nothing the user asked for.

Over real HTTP against the fake Bot API server, with the bot built as `guide-bot run` builds it
(reminders and progress): the bot is stopped and a new application is started on the same
database, as after a crash or a deploy. What waits for the user's time zone (a /remind, the
few-taps flow, "yes" to the daily offer) and the screening in progress (with the routine to offer
after it) survive; /export shows them, /forget deletes them, and after a day they are dropped.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fakebot.server import FakeBotServer
from progress.harness import START, build_progress_bot
from reminders.harness import say, tap

from bot.harness import Bot, button_data, running
from guide_bot.storage.pending import MAX_AGE
from guide_bot.telegram import texts
from guide_bot.telegram.reminders import flow as reminder_flow
from guide_bot.telegram.reminders import texts as rt

CHAT = 4004  # no time zone and no screening yet
BERLIN_REMINDER = "Reminder set: <b>07:30</b> weekdays: Neck and upper back knots"


def bot_at(server: FakeBotServer, tmp_path: Path, library: Path, now: datetime) -> Bot:
    """A new application on the same database (in tmp_path), its clock at `now`."""
    return build_progress_bot(server, tmp_path, library, now=now)


async def export(bot: Bot) -> dict[str, Any]:
    """/export as the user gets it: the JSON file's tables."""
    before = len(bot.server.calls_of("sendDocument", chat_id=CHAT))
    bot.server.send_text(CHAT, "/export")
    sent = await bot.server.wait_for("sendDocument", count=before + 1, chat_id=CHAT)
    tables: dict[str, Any] = json.loads(sent[-1].files["document"])["tables"]
    return tables


async def test_remind_waiting_for_the_time_zone_survives_a_restart(
    server: FakeBotServer, tmp_path: Path, library_dir: Path
) -> None:
    bot = bot_at(server, tmp_path, library_dir, START)
    async with running(bot):
        (ask,) = await say(bot, "/remind 07:30 mon-fri neck-release", CHAT)
        assert ask.text == rt.ASK_TIMEZONE
    assert bot.services.reminders.for_user(CHAT) == []

    later = START + timedelta(hours=2)  # Wednesday 15:00 in Berlin
    bot = bot_at(server, tmp_path, library_dir, later)
    async with running(bot):
        (waiting,) = (await export(bot))["pending_steps"]
        assert waiting["kind"] == "remind"
        assert waiting["data"] == {"hhmm": "0730", "mask": 0b11111, "routine": "neck-release"}
        zone_set, created = await say(bot, "/timezone Berlin", CHAT)
        assert zone_set.text == rt.timezone_set("Europe/Berlin", later)
        assert BERLIN_REMINDER in created.text
        assert "Next: tomorrow 07:30" in created.text
        assert (await export(bot))["pending_steps"] == []  # finished: nothing waits any more
    (stored,) = bot.services.reminders.for_user(CHAT)
    assert (stored.rule.at.hour, stored.rule.at.minute) == (7, 30)
    assert stored.rule.days == frozenset(range(5))
    assert stored.rule.zone == "Europe/Berlin"
    assert stored.rule.routine_id == "neck-release"


async def test_forget_deletes_what_waits_for_the_time_zone(
    server: FakeBotServer, tmp_path: Path, library_dir: Path
) -> None:
    bot = bot_at(server, tmp_path, library_dir, START)
    async with running(bot):
        await say(bot, "/remind 07:30 mon-fri neck-release", CHAT)
        assert [row["kind"] for row in (await export(bot))["pending_steps"]] == ["remind"]
        (question,) = await say(bot, "/forget", CHAT)
        await tap(bot, question, button_data(question, "Delete everything"), chat_id=CHAT)
        assert "deleted" in server.sent(CHAT)[-1].text
        assert (await export(bot))["pending_steps"] == []
        (zone_set,) = await say(bot, "/timezone Berlin", CHAT)  # nothing else follows
        assert zone_set.text == rt.timezone_set("Europe/Berlin", START)
    assert bot.services.reminders.for_user(CHAT) == []


async def test_a_waiting_remind_is_dropped_after_a_day(
    server: FakeBotServer, tmp_path: Path, library_dir: Path
) -> None:
    bot = bot_at(server, tmp_path, library_dir, START)
    async with running(bot):
        await say(bot, "/remind 07:30 mon-fri neck-release", CHAT)
    later = START + MAX_AGE + timedelta(minutes=1)
    bot = bot_at(server, tmp_path, library_dir, later)
    async with running(bot):
        assert bot.services.pending.sweep(later) == 0  # start-up already dropped it
        (zone_set,) = await say(bot, "/timezone Berlin", CHAT)
        assert zone_set.text == rt.timezone_set("Europe/Berlin", later)
        assert (await export(bot))["pending_steps"] == []
    assert bot.services.reminders.for_user(CHAT) == []


async def test_a_mistake_is_answered_at_once_and_nothing_waits(
    server: FakeBotServer, tmp_path: Path, library_dir: Path
) -> None:
    bot = bot_at(server, tmp_path, library_dir, START)
    async with running(bot):
        (reply,) = await say(bot, "/remind 07:30 mon-fri neck-relase", CHAT)
        assert 'Did you mean "neck-release"?' in reply.text
        assert (await export(bot))["pending_steps"] == []


async def test_few_taps_flow_and_daily_offer_survive_a_restart(
    server: FakeBotServer, tmp_path: Path, library_dir: Path
) -> None:
    bot = bot_at(server, tmp_path, library_dir, START)
    async with running(bot):
        (ask,) = await say(bot, "/remind", CHAT)
        assert ask.text == rt.ASK_TIMEZONE
        routine = bot.services.catalog.find(CHAT, "neck-release")
        assert routine is not None
        await reminder_flow.offer_daily(bot.services, CHAT, CHAT, routine)
        offer = server.sent(CHAT)[-1]
        assert "Yes, remind me daily at 12:00" in [label for label, _ in offer.buttons()]
        await tap(bot, offer, button_data(offer, "Yes"), chat_id=CHAT)
        assert server.sent(CHAT)[-1].text == rt.ASK_TIMEZONE

    later = START + timedelta(hours=3)
    bot = bot_at(server, tmp_path, library_dir, later)
    async with running(bot):
        kinds = {row["kind"] for row in (await export(bot))["pending_steps"]}
        assert kinds == {"remind", "daily_offer"}
        zone_set, times, created = await say(bot, "/timezone Berlin", CHAT)
        assert zone_set.text == rt.timezone_set("Europe/Berlin", later)
        assert times.text == rt.CHOOSE_TIME  # the flow goes on where it stopped
        assert "07:30" in [label for label, _ in times.buttons()]
        # offered at 12:00 UTC, before the zone was known: the same moment, in Berlin
        assert "Reminder set: <b>13:00</b> every day: Neck and upper back knots" in created.text
    (stored,) = bot.services.reminders.for_user(CHAT)
    assert stored.rule.zone == "Europe/Berlin"


async def test_screening_in_progress_and_the_routine_after_it_survive_a_restart(
    server: FakeBotServer, tmp_path: Path, library_dir: Path
) -> None:
    bot = bot_at(server, tmp_path, library_dir, START)
    async with running(bot):
        first, question = await say(bot, "/session neck-release", CHAT)
        assert first.text == texts.SCREENING_FIRST
        assert "Safety checklist" in question.text
        await tap(bot, question, button_data(question, "Varicose veins"), chat_id=CHAT)
        assert "✅ Varicose veins" in server.sent(CHAT)[-1].text

    bot = bot_at(server, tmp_path, library_dir, START + timedelta(minutes=30))
    async with running(bot):
        current = server.sent(CHAT)[-1]  # the checklist as last edited
        assert await tap(bot, current, button_data(current, "65 or over"), chat_id=CHAT) is None
        current = server.sent(CHAT)[-1]
        assert "✅ Aged 65 or over" in current.text
        before = len(server.sent(CHAT))
        await tap(bot, current, button_data(current, "Done"), chat_id=CHAT)
        summary, picture, offer = server.sent(CHAT)[before:]
        assert picture.method == "sendPhoto"  # where step 1 works, above the offer
        assert "Your safety answers" in summary.text
        assert "Neck and upper back knots" in offer.text
        assert "how much does it hurt" in offer.text  # the routine asked for, not the menu
        assert (await export(bot))["pending_steps"] == []
    user = bot.services.users.get(CHAT)
    assert user is not None
    assert user.screening == ("age_65_plus", "varicose_veins")
