"""The safety screening's buttons over real HTTP: answering again, and taps that come twice."""

from __future__ import annotations

from pathlib import Path

from fakebot.server import FakeBotServer

from bot.harness import Bot, build_bot, button_data, running, screen
from guide_bot.telegram import texts

CHAT = 1101


async def tap(bot: Bot, message_id: int, data: str) -> str | None:
    """Tap `data` under a message; the toast text (None for a silent answer)."""
    before = len(bot.server.calls_of("answerCallbackQuery"))
    bot.server.press(CHAT, message_id, data)
    answers = await bot.server.wait_for("answerCallbackQuery", count=before + 1)
    await bot.server.wait_idle(0.1)
    text = answers[-1].params.get("text")
    return str(text) if text is not None else None


def current_data(bot: Bot, message_id: int, label: str) -> str:
    """The data of the button `label` under the message as it is now (after edits)."""
    markup = bot.server.messages[(CHAT, message_id)]["reply_markup"]["inline_keyboard"]
    return next(b["callback_data"] for row in markup for b in row if b["text"] == label)


async def test_answer_again_replaces_the_answers_and_a_second_tap_is_refused(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    screen(bot.services, CHAT)
    async with running(bot):
        server.send_text(CHAT, "/screening")
        (review,) = await server.wait_for("sendMessage", chat_id=CHAT)
        mid = review.message_id or 0
        assert await tap(bot, mid, button_data(review, "Answer again")) is None
        assert "Question 1 of 3" in server.calls_of("editMessageText")[-1].text

        first_no = current_data(bot, mid, "No")
        assert await tap(bot, mid, first_no) is None
        assert "Question 2 of 3" in server.calls_of("editMessageText")[-1].text
        edits = len(server.calls_of("editMessageText"))
        # the same tap again (a double tap, or an old client): refused, nothing moves on
        assert await tap(bot, mid, first_no) == texts.STALE_BUTTON
        assert len(server.calls_of("editMessageText")) == edits

        assert await tap(bot, mid, current_data(bot, mid, "Yes")) is None
        last_no = current_data(bot, mid, "No")
        assert await tap(bot, mid, last_no) is None
        assert "Your safety answers" in server.calls_of("editMessageText")[-1].text
        assert await tap(bot, mid, last_no) == texts.STALE_BUTTON  # the round is over
    stored = bot.services.users.get(CHAT)
    assert stored is not None
    assert stored.screening == {
        "wound_fracture": False,
        "medical": True,
        "pregnancy_bones_blood": False,
    }
