"""The group policy through the real bot: a session and its offers belong to the person who
started them; health answers only in a private chat (docs/bot.md, issue 19)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from fakebot.server import Call, FakeBotServer

from bot.harness import Bot, build_bot, button_data, ready_user, running

GROUP = -500
ALICE, BOB = 11, 12


def _group_chat() -> dict[str, Any]:
    return {"id": GROUP, "type": "group", "title": "Stretch club"}


def say(bot: Bot, user_id: int, text: str) -> None:
    """`user_id` writes `text` in the group."""
    message: dict[str, Any] = {
        "message_id": 10_000 + len(bot.server.calls_of()),
        "date": int(time.time()),
        "chat": _group_chat(),
        "from": bot.server.user(user_id),
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    bot.server.inject({"message": message})


async def tap(bot: Bot, user_id: int, call: Call, label: str) -> dict[str, Any]:
    """`user_id` taps a button of the bot's message in the group; returns the answer's params."""
    server = bot.server
    before = len(server.calls_of("answerCallbackQuery"))
    message = {
        "message_id": call.message_id,
        "date": int(time.time()),
        "chat": _group_chat(),
        "text": call.text,
    }
    query = {
        "id": f"cq{before}-{user_id}",
        "from": server.user(user_id),
        "chat_instance": "group",
        "message": message,
        "data": button_data(call, label),
    }
    server.inject({"callback_query": query})
    answers = await server.wait_for("answerCallbackQuery", count=before + 1)
    await server.wait_idle(0.1)
    return dict(answers[-1].params)


async def offer(bot: Bot, user_id: int) -> Call:
    """`user_id` asks for the quick test routine in the group; the pain question it gets."""
    say(bot, user_id, "/session quick-test")
    await bot.server.wait_idle(0.1)
    return bot.server.sent(GROUP)[-1]


async def alice_session(bot: Bot) -> Call:
    """Alice starts a session in the group (skipping the rating); the offer message."""
    question = await offer(bot, ALICE)
    assert "hurt right now" in question.text
    answer = await tap(bot, ALICE, question, "Skip")
    assert answer.get("text") is None
    await bot.services.sessions.idle()
    live = bot.services.sessions.get(GROUP)
    assert live is not None
    assert live.record.user_id == ALICE
    return question


async def test_another_member_cannot_end_a_session_through_the_swap_question(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, ALICE)
    ready_user(bot.services, BOB)
    async with running(bot):
        await alice_session(bot)
        swap = await offer(bot, ALICE)  # Alice is asked whether to end hers: Bob taps yes
        assert "Start" in str(swap.buttons()) or swap.buttons()
        answer = await tap(bot, BOB, swap, swap.buttons()[0][0])
        assert answer["text"] == "That question was for someone else."
        live = bot.services.sessions.get(GROUP)
        assert live is not None
        assert live.record.user_id == ALICE
        assert not live.session.state.closed
        # Bob's own /session in the group cannot reach the question either
        say(bot, BOB, "/session quick-test")
        await server.wait_idle(0.1)
        assert server.sent(GROUP)[-1].text == "That session belongs to someone else."
        # nor his commands
        say(bot, BOB, "/stop")
        await server.wait_idle(0.1)
        assert server.sent(GROUP)[-1].text == "That session belongs to someone else."
        assert bot.services.sessions.get(GROUP) is live


async def test_another_member_cannot_answer_the_pain_question_and_take_the_session(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, ALICE)
    ready_user(bot.services, BOB)
    async with running(bot):
        question = await offer(bot, ALICE)
        for label in ("Skip", "3"):
            answer = await tap(bot, BOB, question, label)
            assert answer["text"] == "That question was for someone else."
        await bot.services.sessions.idle()
        assert bot.services.sessions.get(GROUP) is None


async def test_health_answers_only_in_a_private_chat(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, ALICE)
    async with running(bot):
        question = await offer(bot, ALICE)
        answer = await tap(bot, ALICE, question, "7")  # a pain rating is a health answer
        assert answer["text"].startswith("Health answers are given only in a private chat")
        assert answer["url"].endswith("?start=session_quick-test")
        assert bot.services.sessions.get(GROUP) is None
        # the screening and its summary (safety warnings) are not shown to the group
        say(bot, ALICE, "/screening")
        await server.wait_idle(0.1)
        reply = server.sent(GROUP)[-1]
        assert reply.text.startswith("Health answers are given only in a private chat")
        assert reply.buttons()[0][0] == "Continue privately"
        # an unscreened member is sent to the private chat instead of answering in the group
        say(bot, BOB, "/session quick-test")
        await server.wait_idle(0.1)
        assert server.sent(GROUP)[-1].text.startswith("Health answers are given only")
        assert not [c for c in server.sent(GROUP) if "?" in c.text and "Question" in c.text]
