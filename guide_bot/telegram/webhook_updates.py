"""Updates from the webhook receiver (web/webhook.py) onto python-telegram-bot's update queue.

The receiver checks the secret token and the size and hands over the update as a dict; this
turns it into a `telegram.Update` for the Application. An update PTB cannot parse (a field of the
wrong type) is skipped, logged with its id and the error's type only, and still answered 200 so
that Telegram does not deliver it again and again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import Application, ExtBot

log = logging.getLogger(__name__)


def ptb_update_sink(
    application: Application[Any, Any, Any, Any, Any, Any],
) -> Callable[[dict[str, Any]], Awaitable[None]]:
    """`on_update` for `webhook_feature`: parse, then put on the Application's update queue."""

    async def sink(data: dict[str, Any]) -> None:
        try:
            update = Update.de_json(data, application.bot)
        except Exception as exc:
            log.warning(
                "webhook: update %s could not be read (%s): skipped",
                data.get("update_id"),
                type(exc).__name__,
            )
            return
        if isinstance(application.bot, ExtBot):
            application.bot.insert_callback_data(update)
        await application.update_queue.put(update)

    return sink
