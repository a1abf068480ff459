"""The real bot with the reminder feature, against the fake Bot API server, with a fake clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot.harness import Bot, build_bot
from fakebot.server import Call, FakeBotServer

from guide_bot.domain.clock import FakeClock
from guide_bot.reminders.dispatcher import ReminderScheduler

CHAT = 3003
# Monday 5 January 2026, 06:00 in Berlin
START = datetime(2026, 1, 5, 5, 0, tzinfo=UTC)


def build_reminder_bot(
    server: FakeBotServer,
    data_dir: Path,
    library: Path,
    *,
    now: datetime = START,
    rate_limiter: bool = False,
) -> Bot:
    """Build the bot as `guide-bot run` does (reminders included), on a fake clock."""
    return build_bot(
        server,
        data_dir,
        library,
        clock=FakeClock(now.timestamp()),
        rate_limiter=rate_limiter,
        pace=rate_limiter,  # the limiter, when on, paces as in production (the fan-out tests)
        features=("reminders",),
    )


def dispatcher(bot: Bot) -> ReminderScheduler:
    """The bot's reminder dispatcher."""
    return bot.services.reminder_dispatcher


def set_clock(bot: Bot, moment: datetime) -> None:
    """Move the fake clock to an instant."""
    bot.clock.set(moment.timestamp())


class Chat:
    """What the bot sent to one chat since the last look (sends and edits)."""

    def __init__(self, server: FakeBotServer, chat_id: int = CHAT) -> None:
        self.server, self.chat_id, self.seen = server, chat_id, 0

    def new(self) -> list[Call]:
        calls = [c for c in self.server.sent(self.chat_id) if c.method != "sendChatAction"]
        fresh, self.seen = calls[self.seen :], len(calls)
        return fresh

    def new_texts(self) -> list[str]:
        return [c.text for c in self.new()]


async def settle(bot: Bot, chat_id: int, before: int) -> list[Call]:
    """Wait for the bot to send or edit something in the chat, then for quiet; the new calls."""
    for _ in range(100):
        if len(bot.server.sent(chat_id)) > before:
            break
        await bot.server.wait_idle(0.05)
    await bot.server.wait_idle(0.1)
    return bot.server.sent(chat_id)[before:]


async def say(bot: Bot, text: str, chat_id: int = CHAT) -> list[Call]:
    """The user writes `text`; returns what the bot sent or edited in reply."""
    before = len(bot.server.sent(chat_id))
    bot.server.send_text(chat_id, text)
    return await settle(bot, chat_id, before)


async def tap(
    bot: Bot, call: Call, data: str, *, chat_id: int = CHAT, user_id: int | None = None
) -> str | None:
    """Tap a button (by its data) under a message; returns the toast text, if any."""
    before = len(bot.server.calls_of("answerCallbackQuery"))
    bot.server.press(chat_id, call.message_id or 0, data, user_id=user_id)
    answers = await bot.server.wait_for("answerCallbackQuery", count=before + 1)
    await bot.server.wait_idle(0.1)
    text = answers[-1].params.get("text")
    return str(text) if text is not None else None


def data_of(call: Call, label_part: str) -> str:
    """The data of the first button whose label contains `label_part`."""
    for label, data in call.buttons():
        if label_part in label:
            return data
    raise AssertionError(f"no button {label_part!r} in {call.buttons()}")


def labels(call: Call) -> Sequence[str]:
    """The labels of a message's buttons."""
    return [label for label, _ in call.buttons()]
