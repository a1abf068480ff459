"""The safety checklist over real HTTP: changing the answers, stale taps, and group chats."""

from __future__ import annotations

from pathlib import Path

from fakebot.server import FakeBotServer

from bot.harness import Bot, build_bot, button_data, running, screen
from guide_bot.telegram import texts

CHAT = 1101
GROUP = -100777


async def tap(bot: Bot, message_id: int, data: str) -> str | None:
    """Tap `data` under a message; the toast text (None for a silent answer)."""
    before = len(bot.server.calls_of("answerCallbackQuery"))
    bot.server.press(CHAT, message_id, data)
    answers = await bot.server.wait_for("answerCallbackQuery", count=before + 1)
    await bot.server.wait_idle(0.1)
    text = answers[-1].params.get("text")
    return str(text) if text is not None else None


def current_data(bot: Bot, message_id: int, label: str) -> str:
    """The data of the first button containing `label` under the message as it is now."""
    markup = bot.server.messages[(CHAT, message_id)]["reply_markup"]["inline_keyboard"]
    return next(b["callback_data"] for row in markup for b in row if label in b["text"])


async def test_change_answers_replaces_them_and_a_second_done_is_refused(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    screen(bot.services, CHAT, "pregnancy")
    async with running(bot):
        server.send_text(CHAT, "/screening")
        (review,) = await server.wait_for("sendMessage", chat_id=CHAT)
        assert "Pregnant" in review.text
        mid = review.message_id or 0
        assert await tap(bot, mid, button_data(review, "Change answers")) is None
        checklist = server.calls_of("editMessageText")[-1].text
        assert "✅ Pregnant" in checklist  # starts from the stored answers

        assert await tap(bot, mid, current_data(bot, mid, "Pregnant, past 20")) is None
        assert await tap(bot, mid, current_data(bot, mid, "Pregnant")) is None  # untick
        done = current_data(bot, mid, "Done")
        assert await tap(bot, mid, done) is None
        assert "Your safety answers" in server.calls_of("editMessageText")[-1].text
        edits = len(server.calls_of("editMessageText"))
        assert await tap(bot, mid, done) == texts.STALE_BUTTON  # the round is over
        assert len(server.calls_of("editMessageText")) == edits
    stored = bot.services.users.get(CHAT)
    assert stored is not None
    assert stored.screening == ("pregnancy_over_20_weeks",)


async def test_none_of_these_stores_no_names(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    async with running(bot):
        server.send_text(CHAT, "/screening")
        not_done, checklist = await server.wait_for("sendMessage", count=2, chat_id=CHAT)
        assert not_done.text == texts.SCREENING_NOT_DONE
        mid = checklist.message_id or 0
        assert await tap(bot, mid, current_data(bot, mid, "Osteoporosis")) is None
        assert await tap(bot, mid, current_data(bot, mid, "None of these")) is None
        assert "None of the listed conditions" in server.calls_of("editMessageText")[-1].text
    stored = bot.services.users.get(CHAT)
    assert stored is not None
    assert stored.screening == ()


async def test_old_answers_are_asked_again(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    from guide_bot.storage.users import UserRow

    bot.services.users.ensure(CHAT, CHAT, bot.services.now_utc())
    with bot.services.database.begin() as db:
        row = db.get(UserRow, CHAT)
        assert row is not None
        row.screening = {"wound_fracture": False, "medical": False, "pregnancy_bones_blood": True}
    async with running(bot):
        server.send_text(CHAT, "/session quick-test")
        sent = await server.wait_for("sendMessage", count=3, chat_id=CHAT)
        assert sent[0].text == texts.SCREENING_FIRST
        assert sent[1].text == texts.SCREENING_OUTDATED
        assert "Safety checklist" in sent[2].text
        assert "✅" not in sent[2].text  # nothing carried over from the old questions


async def test_in_a_group_the_answers_are_only_asked_in_private(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    screen(bot.services, CHAT, "osteoporosis")
    async with running(bot):
        server.inject(
            {
                "message": {
                    "message_id": 5,
                    "date": 0,
                    "chat": {"id": GROUP, "type": "group", "title": "Office"},
                    "from": server.user(CHAT),
                    "text": "/screening",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 10}],
                }
            }
        )
        (reply,) = await server.wait_for("sendMessage", chat_id=GROUP)
        # the one group policy (telegram/group_policy.py) answers before the handler runs
        assert reply.text == "Health answers are given only in a private chat with me."
        assert "https://t.me/" in str(reply.params["reply_markup"])
        assert "Osteoporosis" not in reply.text
        await server.wait_idle(0.1)
        assert not server.calls_of("sendMessage", chat_id=CHAT)

        server.send_text(CHAT, "/start screening")  # the link opens the checklist
        (checklist,) = await server.wait_for("sendMessage", chat_id=CHAT)
        assert "✅ Osteoporosis" in checklist.text
