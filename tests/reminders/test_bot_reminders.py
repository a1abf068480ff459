"""End to end over real HTTP against the fake Bot API server, with a fake clock: /timezone,
/remind (one line and a few taps), bad input, the reminder's buttons, /reminders, forged
buttons, a blocked user and the first-session offer."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from bot.harness import running, screen
from fakebot.server import FakeBotServer

from guide_bot.reminders.rules import EVERY_DAY, ReminderRule
from guide_bot.telegram import texts
from reminders.harness import (
    CHAT,
    START,
    Chat,
    build_reminder_bot,
    data_of,
    dispatcher,
    labels,
    say,
    set_clock,
    settle,
    tap,
)

DUE = datetime(2026, 1, 5, 6, 30, tzinfo=UTC)
SHIPPED_NECK = (
    Path(__file__).resolve().parents[2] / "scripts_library" / "neck-release.yaml"
)  # Monday 07:30 in Berlin


async def test_remind_asks_zone_once_then_sets_the_reminder(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_reminder_bot(server, tmp_path, test_library)
    async with running(bot):
        (ask,) = await say(bot, "/remind 07:30 mon-fri quick-test")
        assert "time zone" in ask.text
        assert ask.params["reply_markup"]["keyboard"][0][0]["request_location"] is True
        (unknown,) = await say(bot, "/timezone Berln")
        assert "Europe/Berlin" in unknown.text
        assert "/timezone Berlin" in unknown.text
        replies = await say(bot, "/timezone berlin")
        assert "Time zone set to Europe/Berlin. It is 06:00 there now." in replies[0].text
        assert replies[0].params["reply_markup"] == {"remove_keyboard": True}
        assert "Reminder set: <b>07:30</b> weekdays: Quick test routine" in replies[1].text
        assert "Next: today 07:30" in replies[1].text
    (stored,) = bot.services.reminders.for_user(CHAT)
    assert stored.state.next_fire_utc == DUE
    assert stored.rule.routine_id == "quick-test"


async def test_bad_input_gets_specific_answers(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_reminder_bot(server, tmp_path, test_library)
    bot.services.reminders.set_timezone(CHAT, "Europe/Berlin", START)
    async with running(bot):
        cases = {
            "/remind 25:99": '"25:99" is not a time of day',
            "/remind 07:30 fun": '"fun" is not a day I know. Did you mean "sun"?',
            "/remind 07:30 daily quick-tset": (
                'There is no routine "quick-tset". Did you mean "quick-test"?'
            ),
            "/remind 7:30 weekdays quick-test extra": 'I did not understand "extra"',
            "/timezone Atlantis": 'I don\'t know the time zone "Atlantis"',
        }
        for command, expected in cases.items():
            (reply,) = await say(bot, command)
            assert expected in reply.text, (command, reply.text)
            example = "/timezone Berlin" if "timezone" in command else "/remind 07:30 mon-fri"
            assert example in reply.text
    assert bot.services.reminders.for_user(CHAT) == []


async def test_reminder_buttons_snooze_skip_and_start(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_reminder_bot(server, tmp_path, test_library)
    screen(bot.services, CHAT)
    repo = bot.services.reminders
    repo.set_timezone(CHAT, "Europe/Berlin", START)
    chat = Chat(server)
    async with running(bot):
        await say(bot, "/remind 07:30 quick-test")
        chat.new()
        set_clock(bot, DUE)
        assert (await dispatcher(bot).run_due()).sent == 1
        (reminder,) = chat.new()
        assert "Time for <b>Quick test routine</b>" in reminder.text
        assert labels(reminder) == ["▶️ Start now", "⏰ 10 min", "⏰ 1 hour", "Skip today"]

        set_clock(bot, DUE + timedelta(seconds=30))
        toast = await tap(bot, reminder, data_of(reminder, "10 min"))
        assert toast == "Snoozed until today 07:40."
        (edit,) = chat.new()
        assert edit.method == "editMessageReplyMarkup"
        assert labels(edit) == ["▶️ Start now"]
        set_clock(bot, DUE + timedelta(minutes=9))
        assert (await dispatcher(bot).run_due()).sent == 0
        set_clock(bot, DUE + timedelta(minutes=10, seconds=30))
        assert (await dispatcher(bot).run_due()).sent == 1
        (again,) = chat.new()
        toast = await tap(bot, again, data_of(again, "Skip today"))
        assert toast == "Skipped for today. Next: tomorrow 07:30."
        chat.new()

        before = len(server.sent(CHAT))
        server.press(CHAT, again.message_id or 0, data_of(again, "Start now"))
        (prompt, *_rest) = await settle(bot, CHAT, before)
        assert texts.PAIN_BEFORE in prompt.text  # the bot's own session start path
        assert repo.get_timezone(CHAT) == "Europe/Berlin"
    assert repo.next_due() == DUE + timedelta(days=1)


async def test_few_taps_flow_list_pause_change_delete(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_reminder_bot(server, tmp_path, test_library)
    repo = bot.services.reminders
    repo.set_timezone(CHAT, "America/New_York", START)
    async with running(bot):
        (times,) = await say(bot, "/remind")
        assert "07:30" in labels(times)
        await tap(bot, times, data_of(times, "18:00"))
        days = server.sent(CHAT)[-1]
        assert days.method == "editMessageText"
        for day in ("Mon", "Wed", "Fri"):  # every day is preselected: turn three off
            await tap(bot, days, data_of(server.sent(CHAT)[-1], f"✓ {day}"))
        await tap(bot, days, data_of(server.sent(CHAT)[-1], "Next"))
        routines = server.sent(CHAT)[-1]
        assert "Which routine" in routines.text
        await tap(bot, routines, data_of(routines, "Long test routine"))
        done = server.sent(CHAT)[-1]
        assert "Reminder set: <b>18:00</b> Tue, Thu, Sat, Sun: Long test routine" in done.text
        (stored,) = repo.for_user(CHAT)
        assert stored.rule.days == frozenset({1, 3, 5, 6})

        (listing,) = await say(bot, "/reminders")
        assert "Your reminders (America/New_York):" in listing.text
        assert "next tomorrow 18:00" in listing.text  # it is Monday 00:00 in New York
        assert await tap(bot, listing, data_of(listing, "⏸ 1")) == "Paused."
        assert "(paused)" in server.sent(CHAT)[-1].text
        assert repo.next_due() is None

        await tap(bot, listing, data_of(server.sent(CHAT)[-1], "✏️ 1"))  # change it while paused
        times = server.sent(CHAT)[-1]
        await tap(bot, times, data_of(times, "07:00"))
        await tap(bot, times, data_of(server.sent(CHAT)[-1], "Weekdays"))
        await tap(bot, times, data_of(server.sent(CHAT)[-1], "No particular routine"))
        assert "Reminder set: <b>07:00</b> weekdays: any routine" in server.sent(CHAT)[-1].text
        (changed,) = repo.for_user(CHAT)
        assert changed.id == stored.id
        assert changed.rule.paused  # changing does not resume it
        assert repo.next_due() is None

        (listing,) = await say(bot, "/reminders")
        assert "(paused)" in listing.text
        assert await tap(bot, listing, data_of(listing, "▶️ 1")) == "Resumed."
        assert "next today 07:00" in server.sent(CHAT)[-1].text
        assert repo.next_due() == datetime(2026, 1, 5, 12, 0, tzinfo=UTC)

        (listing,) = await say(bot, "/reminders")
        assert await tap(bot, listing, data_of(listing, "🗑 1")) == "Reminder deleted."
        assert "You have no reminders" in server.sent(CHAT)[-1].text
    assert repo.for_user(CHAT) == []


async def test_forged_and_foreign_buttons_change_nothing(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_reminder_bot(server, tmp_path, test_library)
    repo = bot.services.reminders
    mine = repo.add(
        user_id=CHAT,
        chat_id=CHAT,
        rule=ReminderRule(at=time(7, 30), days=EVERY_DAY, zone="UTC"),
        now=START,
    )
    async with running(bot):
        (listing,) = await say(bot, "/reminders")
        intruder = 999
        assert (
            await tap(bot, listing, f"rdl:{mine.id}", user_id=intruder)
            == "That button is not for you."
        )
        assert await tap(bot, listing, f"rsn:{mine.id}:5") == texts.INVALID_BUTTON  # not 10/60
        assert await tap(bot, listing, "rdl:abc") == texts.INVALID_BUTTON
        assert await tap(bot, listing, "rdl:424242") == "That reminder no longer exists."
        assert await tap(bot, listing, f"rrt:{mine.id}:2599:3:-") == texts.INVALID_BUTTON
    assert repo.get(mine.id) == mine


async def test_blocked_user_reminders_are_paused(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_reminder_bot(server, tmp_path, test_library)
    repo = bot.services.reminders
    repo.set_timezone(CHAT, "Europe/Berlin", START)
    async with running(bot):
        await say(bot, "/remind 07:30 weekdays")
        await say(bot, "/remind 08:00 daily")
        server.block(CHAT)
        set_clock(bot, DUE)
        report = await dispatcher(bot).run_due()
        assert report.blocked == 1
        refused = server.calls_of("sendMessage", chat_id=CHAT)[-1]
        assert refused.status == 403
        assert all(r.blocked for r in repo.for_user(CHAT))
        user = bot.services.users.get(CHAT)
        assert user is not None
        assert user.blocked_at is not None
        calls = len(server.calls)
        for day in range(3):
            set_clock(bot, DUE + timedelta(days=day, minutes=30))
            assert (await dispatcher(bot).run_due()).sent == 0
        assert len(server.calls_of("sendMessage", chat_id=CHAT)) == len(
            [c for c in server.calls[:calls] if c.method == "sendMessage" and c.chat_id == CHAT]
        )
        server.blocked.clear()
        (listing,) = await say(bot, "/reminders")
        assert "paused: the bot could not reach you" in listing.text
    assert repo.next_due() is None


async def test_first_completed_session_offers_a_daily_reminder(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_reminder_bot(server, tmp_path, test_library)
    screen(bot.services, CHAT)
    bot.services.users.change_settings(CHAT, mode="text")
    repo = bot.services.reminders
    async with running(bot):
        await say(bot, "/session quick-test")
        offer_pain = server.sent(CHAT)[-1]
        await tap(bot, offer_pain, data_of(offer_pain, "5"))
        await bot.run_for(300)
        await server.wait_idle(0.1)
        pain_after = next(c for c in reversed(server.sent(CHAT)) if texts.PAIN_AFTER in c.text)
        before = len(server.sent(CHAT))
        await tap(bot, pain_after, data_of(pain_after, "3"))
        offer = next(c for c in server.sent(CHAT)[before:] if "daily reminder" in c.text)
        assert labels(offer)[0] == "Yes, remind me daily at 05:00"  # no zone yet: UTC, 06:00 - 1h
        await tap(bot, offer, data_of(offer, "Yes"))
        assert "time zone" in server.sent(CHAT)[-1].text
        replies = await say(bot, "/timezone Berlin")
        assert "Reminder set: <b>06:00</b> every day: Quick test routine" in replies[-1].text
        (stored,) = repo.for_user(CHAT)
        assert stored.rule.zone == "Europe/Berlin"
        # a second completed session does not offer again
        assert repo.was_offered(CHAT)


async def test_a_403_anywhere_in_the_bot_pauses_the_reminders(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_reminder_bot(server, tmp_path, test_library)
    repo = bot.services.reminders
    repo.set_timezone(CHAT, "Europe/Berlin", START)
    async with running(bot):
        await say(bot, "/remind 07:30 weekdays")
        server.block(CHAT)
        server.send_text(CHAT, "/help")  # the answer is refused with 403
        await server.wait_idle(0.3)
    assert server.calls_of("sendMessage", chat_id=CHAT)[-1].status == 403
    assert all(r.blocked for r in repo.for_user(CHAT))
    assert repo.next_due() is None


async def test_a_server_error_is_retried_within_the_grace_window(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_reminder_bot(server, tmp_path, test_library)
    repo = bot.services.reminders
    repo.set_timezone(CHAT, "Europe/Berlin", START)
    async with running(bot):
        await say(bot, "/remind 07:30 daily")
        server.fail("sendMessage", 502, chat_id=CHAT)
        set_clock(bot, DUE)
        assert (await dispatcher(bot).run_due()).retried == 1
        assert repo.next_due() == DUE + timedelta(seconds=30)
        set_clock(bot, DUE + timedelta(seconds=30))
        assert (await dispatcher(bot).run_due()).sent == 1
        reminders = [
            c for c in server.calls_of("sendMessage", chat_id=CHAT) if "Time for" in c.text
        ]
        assert [c.status for c in reminders] == [502, 200]
    assert repo.next_due() == DUE + timedelta(days=1)


async def test_the_reminder_offers_each_length_in_one_tap(
    server: FakeBotServer, tmp_path: Path
) -> None:
    library = tmp_path / "library"
    library.mkdir()
    (library / "neck-release.yaml").write_text(SHIPPED_NECK.read_text(encoding="utf-8"))
    bot = build_reminder_bot(server, tmp_path, library)
    screen(bot.services, CHAT)
    repo = bot.services.reminders
    repo.set_timezone(CHAT, "Europe/Berlin", START)
    chat = Chat(server)
    async with running(bot):
        await say(bot, "/remind 07:30 neck-release")
        chat.new()
        set_clock(bot, DUE)
        assert (await dispatcher(bot).run_due()).sent == 1
        (reminder,) = chat.new()
        shown = labels(reminder)
        assert [label.split(" · ")[0] for label in shown[:3]] == ["Quick", "Standard", "Full"]
        assert all(label.endswith("min") for label in shown[:3])
        assert shown[3:] == ["⏰ 10 min", "⏰ 1 hour", "Skip today"]

        await tap(bot, reminder, data_of(reminder, "Full"))
        (offer,) = chat.new()
        assert offer.method == "editMessageText"  # the reminder becomes the offer
        assert offer.message_id == reminder.message_id
        assert texts.PAIN_BEFORE in offer.text
        chosen = next(label for label in labels(offer) if label.startswith("✅"))
        assert chosen.startswith("✅ Full")
        assert data_of(offer, "5").startswith("pb:neck-release:5:f")  # starts in full
