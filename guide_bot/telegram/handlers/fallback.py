"""What nothing else handled: unknown buttons, unknown commands and stray text; and errors.

Registered last. A button whose data no feature claims (an old format, forged or garbled) gets a
short answer and changes nothing. Errors are logged with the update id, the exception's type and its
frames (logsafe.error_summary), never its message, what the user wrote, or the token.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import NetworkError
from telegram.ext import CallbackQueryHandler, ContextTypes, MessageHandler, filters

from guide_bot.logsafe_errors import error_summary
from guide_bot.telegram import texts
from guide_bot.telegram.services import App, Services

log = logging.getLogger(__name__)

UNKNOWN = "I didn't understand that. /help lists everything I can do."


def register(app: App, services: Services) -> None:
    """Add the catch-all handlers and the global error handler."""

    async def stray_button(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is not None:
            log.info("update %s: unrecognised button data refused", update.update_id)
            await services.require_sender().answer(query.id, texts.INVALID_BUTTON)

    async def stray_message(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is not None and chat.type == "private":
            await services.require_sender().text(chat.id, UNKNOWN)

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
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

    app.add_handler(CallbackQueryHandler(stray_button))
    app.add_handler(MessageHandler(filters.COMMAND | filters.TEXT, stray_message))
    app.add_error_handler(on_error)
