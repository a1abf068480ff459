"""/help: everything the bot does, in plain words."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from guide_bot.telegram import texts
from guide_bot.telegram.context import AnyHandler, BotContext
from guide_bot.telegram.handlers.common import current_user


async def help_cmd(update: Update, context: BotContext) -> None:
    services = context.services
    user = current_user(update, services)
    if user is not None:
        await services.sender.text(user.chat_id, texts.HELP)


HANDLERS: list[AnyHandler] = [
    CommandHandler("help", help_cmd),
]
