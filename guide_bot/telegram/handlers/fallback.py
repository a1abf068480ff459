"""What nothing else handled: unknown commands and stray text; and errors.

Registered last (buttons nobody claims are answered by the router, telegram/routing.py).
Errors are logged with the update id, the exception's type and its frames
(logsafe_errors.error_summary), never its message, what the user wrote, or the token.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import NetworkError
from telegram.ext import MessageHandler, filters

from guide_bot.domain.wording import N_
from guide_bot.logsafe_errors import error_summary
from guide_bot.telegram.context import AnyHandler, BotContext
from guide_bot.telegram.handlers.common import tr_of

log = logging.getLogger(__name__)

UNKNOWN = N_("I didn't understand that. /help lists everything I can do.")


async def stray_message(update: Update, context: BotContext) -> None:
    services = context.services
    chat = update.effective_chat
    if chat is not None and chat.type == "private":
        await services.sender.text(chat.id, tr_of(chat.id, services).gettext(UNKNOWN))


async def on_error(update: object, context: BotContext) -> None:
    """The global error handler: the update id and the error's type and frames, nothing else."""
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    if update_id is None and isinstance(error, NetworkError):
        # polling could not reach Telegram; PTB retries on its own
        log.warning("polling failed: %s", type(error).__name__)
        return
    log.error(
        "error while handling update %s: %s\n%s",
        update_id,
        type(error).__name__,
        error_summary(error) if error else "",
    )


HANDLERS: list[AnyHandler] = [
    MessageHandler(filters.COMMAND | filters.TEXT, stray_message),
]
