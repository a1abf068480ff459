"""End to end over the fake Bot API: /history, /stats (a photo arrives), /export, /forget."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.harness import button_data, running, screen
from fakebot.server import FakeBotServer
from sqlalchemy import func, select

from guide_bot.storage.base import user_tables
from progress.harness import add_history, build_progress_bot
from progress.test_uploads import as_bytes, routine

ME, OTHER = 4242, 5151
PNG = b"\x89PNG\r\n\x1a\n"


def counts(bot: Any, user_id: int) -> dict[str, int]:
    with bot.services.database() as db:
        return {
            t.name: int(
                db.scalar(select(func.count()).select_from(t).where(t.c.user_id == user_id))
            )
            for t in user_tables()
        }


async def test_history_in_the_users_zone(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_progress_bot(server, tmp_path, test_library)
    # The zone /timezone stores (the reminders feature owns it).
    bot.services.reminders.set_timezone(ME, "America/New_York", bot.services.now_utc())
    # The fake clock is Wednesday 14 Jan 12:00 UTC; 1.3125 days earlier is Tue 04:30 UTC,
    # which is Monday 23:30 in New York.
    add_history(bot, ME, days_ago=1.3125, minutes=12, pain=(6, 3))
    add_history(bot, ME, days_ago=0.1, minutes=4, completed=False, pain=(5, None))
    async with running(bot):
        server.send_text(ME, "/history")
        (message,) = await server.wait_for("sendMessage", chat_id=ME)
    lines = message.text.splitlines()
    assert lines[0] == "<b>Your last 2 sessions</b>"
    assert lines[1] == "Wed 14 Jan 04:36 · Quick test routine · 4 min · stopped · pain 5 → –"
    assert lines[2] == "Mon 12 Jan 23:30 · Quick test routine · 12 min · completed · pain 6 → 3"
    assert "/timezone" not in message.text


async def test_stats_sends_figures_and_a_chart(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_progress_bot(server, tmp_path, test_library)
    for day in range(5):  # today and the four days before, in UTC (no zone set)
        add_history(bot, ME, days_ago=day, minutes=10, pain=(6, 4))
    add_history(bot, ME, days_ago=30, minutes=20, routine_id="long-test")
    async with running(bot):
        server.send_text(ME, "/stats")
        (figures,) = await server.wait_for("sendMessage", chat_id=ME)
        (photo,) = await server.wait_for("sendPhoto", chat_id=ME)
        server.send_text(OTHER, "/stats")
        (empty,) = await server.wait_for("sendMessage", chat_id=OTHER)
    assert "This week: 3 sessions, 30 min" in figures.text  # Mon-Wed of this week
    assert "Streak: 5 days now, longest 5 days" in figures.text
    assert "Neck (5)" in figures.text or "neck (5)" in figures.text.lower()
    assert "on average 2.0 points less pain" in figures.text
    assert "All time: 6 sessions" in figures.text
    assert "/timezone" in figures.text  # days counted in UTC, and it says so
    png = photo.files["photo"]
    assert png.startswith(PNG)
    assert len(png) > 10_000
    assert "No sessions yet" in empty.text
    assert not server.calls_of("sendPhoto", chat_id=OTHER)


async def test_export_forget_export(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_progress_bot(server, tmp_path, test_library)
    for user in (ME, OTHER):
        screen(bot.services, user, "pregnancy")
        add_history(bot, user, days_ago=1, pain=(5, 2))
        bot.services.user_routines.upload(
            user, as_bytes(routine()), file="a.yaml", now=bot.services.now_utc()
        )
    other_before = counts(bot, OTHER)
    async with running(bot):
        server.send_text(ME, "/export")
        (document,) = await server.wait_for("sendDocument", chat_id=ME)
        exported = json.loads(document.files["document"])
        assert exported["user_id"] == ME
        tables = exported["tables"]
        assert set(tables) == {t.name for t in user_tables()}
        assert tables["users"][0]["screening"] == ["pregnancy"]  # only the names ticked
        assert tables["session_history"][0]["pain_before"] == 5
        assert tables["session_history"][0]["started_at"].endswith("+00:00")
        assert tables["user_routines"][0]["routine_id"] == "my-evening"
        assert str(OTHER) not in document.files["document"].decode()

        # A session in progress is ended quietly by /forget, and deleted with the rest.
        server.send_text(ME, "/session quick-test")
        prompt = (await server.wait_for("sendMessage", count=1, chat_id=ME, text="how much"))[0]
        server.press(ME, prompt.message_id or 0, button_data(prompt, "Skip"))
        await server.wait_for(("sendMessage", "sendVoice"), chat_id=ME, text="Get ready")
        assert bot.services.sessions.get(ME) is not None

        server.send_text(ME, "/forget")
        (question,) = await server.wait_for("sendMessage", chat_id=ME, text="cannot be undone")
        assert [label for label, _ in question.buttons()] == ["Delete everything", "Keep my data"]
        # A forged confirmation (wrong token) changes nothing.
        server.press(ME, question.message_id or 0, "fgt:1:deadbeef")
        await server.wait_for("answerCallbackQuery", count=1)
        assert counts(bot, ME)["session_history"] == 1
        server.press(ME, question.message_id or 0, button_data(question, "Delete everything"))
        (done,) = await server.wait_for("editMessageText", chat_id=ME, text="Done")
        assert "deleted" in done.text
        assert bot.services.sessions.get(ME) is None
        assert all(n == 0 for n in counts(bot, ME).values()), counts(bot, ME)
        assert counts(bot, OTHER) == other_before

        # The same button again: the token was used up.
        answered = len(server.calls_of("answerCallbackQuery"))
        server.press(ME, question.message_id or 0, button_data(question, "Delete everything"))
        calls = await server.wait_for("answerCallbackQuery", count=answered + 1)
        assert calls[-1].params.get("text") == "That button is not valid."

        server.send_text(ME, "/export")
        second = (await server.wait_for("sendDocument", count=2, chat_id=ME))[-1]
    again = json.loads(second.files["document"])
    # /export itself greets the user again (a fresh users row); nothing else is there.
    assert [t for t, rows in again["tables"].items() if rows] == ["users"]
    assert again["tables"]["users"][0]["screening"] is None


async def test_forget_can_be_cancelled(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_progress_bot(server, tmp_path, test_library)
    add_history(bot, ME, days_ago=1)
    async with running(bot):
        server.send_text(ME, "/forget")
        (question,) = await server.wait_for("sendMessage", chat_id=ME)
        server.press(ME, question.message_id or 0, button_data(question, "Keep my data"))
        await server.wait_for("editMessageText", chat_id=ME, text="Nothing was deleted")
    assert counts(bot, ME)["session_history"] == 1


async def test_own_data_is_never_shown_in_a_group(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_progress_bot(server, tmp_path, test_library)
    add_history(bot, ME, days_ago=1)
    group = -100123
    async with running(bot):
        for number, command in enumerate(["/export", "/history", "/stats", "/forget"]):
            server.inject(
                {
                    "message": {
                        "message_id": 800_000 + number,
                        "date": 0,
                        "chat": {"id": group, "type": "group", "title": "Friends"},
                        "from": server.user(ME),
                        "text": command,
                        "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
                    }
                }
            )
        server.send_text(ME, "/help")  # a private message after them, to know they were handled
        await server.wait_for("sendMessage", chat_id=ME)
        await server.wait_idle(quiet_s=0.3)
    assert not server.sent(group)
    assert counts(bot, ME)["session_history"] == 1
