"""No log line carries what a user wrote: PTB's own logging of malformed updates, redacted.

A malformed update (a field of the wrong type) goes through python-telegram-bot's real code:
long polling against the fake Bot API (`Bot.get_updates` logs the received data at CRITICAL and
the Updater logs the exception), and `Application.process_update` with a handler whose exception
quotes the text. Every line written, at DEBUG, is checked for the user's words and the token.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from collections.abc import Iterator

import pytest
from fakebot.server import FakeBotServer
from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from guide_bot.logsafe import (
    RedactTelegramRecords,
    install_log_redaction,
    redact_record,
    remove_log_redaction,
)

SECRET = "my secret diary entry"
NAME = "Zebulon Quartzfeather"


class Lines(logging.Handler):
    """Every formatted line, and an event per message text wanted."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.stream = io.StringIO()
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.seen: dict[str, asyncio.Event] = {}

    def emit(self, record: logging.LogRecord) -> None:
        text = self.format(record)
        self.stream.write(text + "\n")
        for wanted, event in self.seen.items():
            if wanted in text:
                event.set()

    def wait_for(self, text: str) -> asyncio.Event:
        return self.seen.setdefault(text, asyncio.Event())

    @property
    def text(self) -> str:
        return self.stream.getvalue()


@pytest.fixture
def lines() -> Iterator[Lines]:
    handler = Lines()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    install_log_redaction()
    try:
        yield handler
    finally:
        remove_log_redaction()
        root.removeHandler(handler)
        root.setLevel(old_level)


def _malformed(server: FakeBotServer) -> dict[str, object]:
    return {
        "message": {
            "message_id": 1,
            "date": "not-a-date",  # the wrong type: de_json fails
            "chat": {"id": 42, "type": "private", "first_name": NAME},
            "from": {"id": 42, "is_bot": False, "first_name": NAME},
            "text": SECRET,
        }
    }


async def test_a_malformed_update_in_long_polling_is_logged_without_its_text(
    lines: Lines,
) -> None:
    async with FakeBotServer() as server:
        app = ApplicationBuilder().token(server.token).base_url(server.base_url).build()
        polled = lines.wait_for("Something went wrong processing the data received")
        parsed = lines.wait_for("Error while parsing updates")
        await app.initialize()
        try:
            server.inject(_malformed(server))
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=0)
            await asyncio.wait_for(asyncio.gather(polled.wait(), parsed.wait()), 5)
        finally:
            if app.updater is not None and app.updater.running:
                # Stopping fetches once more to confirm the offset, and PTB raises the same
                # parse error from there (after logging it, which is checked below too).
                with contextlib.suppress(TypeError):
                    await app.updater.stop()
            await app.shutdown()
    text = lines.text
    assert "CRITICAL" in text  # PTB did log the failure ...
    assert "update ids [1]" in text  # ... with what finds it again
    assert SECRET not in text  # ... but not what the user wrote
    assert NAME not in text
    assert server.token not in text
    assert server.token.split(":")[1] not in text
    assert "TypeError (message withheld)" in text
    assert "Traceback (most recent call last)" not in text  # PTB's own trace, with messages


async def test_a_handler_error_quoting_the_text_is_logged_without_it(lines: Lines) -> None:
    async with FakeBotServer() as server:
        app = ApplicationBuilder().token(server.token).base_url(server.base_url).build()

        async def fails(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
            assert update.message is not None
            raise ValueError(f"could not parse {update.message.text!r}")

        app.add_handler(MessageHandler(filters.TEXT, fails))
        await app.initialize()
        try:
            data = {
                "update_id": 7,
                "message": {
                    "message_id": 1,
                    "date": 1_700_000_000,
                    "chat": {"id": 42, "type": "private", "first_name": NAME},
                    "from": {"id": 42, "is_bot": False, "first_name": NAME},
                    "text": SECRET,
                },
            }
            update = Update.de_json(data, app.bot)
            logging.getLogger("telegram.ext.Application").debug("Processing update %s", update)
            await app.process_update(update)
        finally:
            await app.shutdown()
    text = lines.text
    assert "No error handlers are registered" in text
    assert "ValueError (message withheld)" in text
    assert "update ids [7]" in text
    assert SECRET not in text
    assert NAME not in text


def test_the_filter_scrubs_tokens_json_text_and_keeps_plain_words() -> None:
    token = "123456:AAE-a-well-shaped-token-for-tests-0123456789"
    record = logging.LogRecord(
        "httpx",
        logging.INFO,
        "x",
        1,
        'HTTP Request: %s %s "%s"',
        ("POST", f"https://api.telegram.org/bot{token}/getMe", "HTTP/1.1 200 OK"),
        None,
    )
    assert RedactTelegramRecords().filter(record)
    line = record.getMessage()
    assert token not in line
    assert "bot<token>/getMe" in line
    assert "HTTP/1.1 200 OK" in line
    webhook = logging.LogRecord(
        "telegram.ext.Updater",
        logging.DEBUG,
        "x",
        1,
        "Webhook received data: %s",
        (f'{{"update_id": 3, "message": {{"text": "{SECRET}"}}}}',),
        None,
    )
    redact_record(webhook)
    assert SECRET not in webhook.getMessage()
    plain = logging.LogRecord(
        "telegram.ext.Application",
        logging.DEBUG,
        "x",
        1,
        "Set Bot API URL: %s",
        ("http://127.0.0.1:1/bot",),
        None,
    )
    redact_record(plain)
    assert plain.getMessage() == "Set Bot API URL: http://127.0.0.1:1/bot"
    other = logging.LogRecord(
        "guide_bot.x", logging.INFO, "x", 1, "%s", ({"text": "own logger"},), None
    )
    assert RedactTelegramRecords().filter(other)
    assert "own logger" in other.getMessage()  # other loggers are left as they are
