"""Long polling moves past an update PTB cannot parse, instead of fetching it again for ever."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import pytest
from fakebot.server import FakeBotServer
from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from guide_bot.telegram.unreadable_updates import SkipUnreadableUpdatesBot

SECRET = "words nobody may log"


def _message(text: str, date: Any = 1_700_000_000) -> dict[str, Any]:
    return {
        "message": {
            "message_id": 1,
            "date": date,
            "chat": {"id": 42, "type": "private", "first_name": "A"},
            "from": {"id": 42, "is_bot": False, "first_name": "A"},
            "text": text,
        }
    }


async def test_polling_goes_on_after_a_bad_update(caplog: pytest.LogCaptureFixture) -> None:
    async with FakeBotServer() as server:
        bot = SkipUnreadableUpdatesBot(server.token, base_url=server.base_url)
        app = ApplicationBuilder().bot(bot).build()
        seen: list[str] = []
        done = asyncio.Event()

        async def on_text(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
            assert update.message is not None
            seen.append(str(update.message.text))
            done.set()

        app.add_handler(MessageHandler(filters.TEXT, on_text))
        bad = server.inject(_message(SECRET, date="not-a-date"))
        server.inject(_message("hello"))
        await app.initialize()
        await app.start()
        assert app.updater is not None
        try:
            with caplog.at_level(logging.WARNING, logger="guide_bot.telegram.unreadable_updates"):
                await app.updater.start_polling(poll_interval=0.0, timeout=0)
                await asyncio.wait_for(done.wait(), 5)
        finally:
            with contextlib.suppress(Exception):
                await app.updater.stop()
            await app.stop()
            await app.shutdown()
    assert seen == ["hello"]
    lines = [
        r.getMessage() for r in caplog.records if r.name == "guide_bot.telegram.unreadable_updates"
    ]
    assert f"update {bad} could not be read (TypeError): skipped" in lines
    assert all(SECRET not in line for line in lines)
