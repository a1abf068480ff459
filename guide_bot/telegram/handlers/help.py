"""/help: everything the bot does, in plain words."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from guide_bot.telegram import texts
from guide_bot.telegram.handlers.common import current_user
from guide_bot.telegram.services import App, Services


def register(app: App, services: Services) -> None:
    """Add /help."""

    async def help_cmd(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        user = current_user(update, services)
        if user is not None:
            await services.require_sender().text(user.chat_id, texts.HELP)

    app.add_handler(CommandHandler("help", help_cmd))
