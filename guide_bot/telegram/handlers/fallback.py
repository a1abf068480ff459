"""What nothing else handled: unknown commands and stray text; and errors.

Registered last (buttons nobody claims are answered by the router, telegram/routing.py).
Errors are logged with the update id, the exception's type and its frames
(logsafe_errors.error_summary), never its message, what the user wrote, or the token. A write to
storage that failed (a full disk) is logged once per outage (storage/health.py) and the user is
told that what they asked could not be done and why, rather than hear nothing.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import NetworkError
from telegram.ext import MessageHandler, filters

from guide_bot.domain.wording import N_
from guide_bot.logsafe_errors import error_summary
from guide_bot.storage.health import is_storage_error
from guide_bot.telegram import texts
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
    if is_storage_error(error) and isinstance(update, Update):
        assert error is not None
        trouble = context.services.sessions.health.failed("handling an update", error)
        if update.callback_query is not None:  # the button stops spinning
            await context.services.sender.answer(update.callback_query.id)
        chat = update.effective_chat
        if chat is not None:
            text = texts.STORAGE_NOT_DONE_FULL if trouble == "full" else texts.STORAGE_NOT_DONE
            await context.services.sender.text(chat.id, text)
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
