"""/help: everything the bot does, in plain words, and whether the live view is on (and why not)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from guide_bot.telegram import texts
from guide_bot.telegram.context import AnyHandler, BotContext
from guide_bot.telegram.handlers.common import current_user


async def help_cmd(update: Update, context: BotContext) -> None:
    services = context.services
    user = current_user(update, services)
    if user is None:
        return
    if services.live_view_url:
        live = texts.LIVE_VIEW_ON
    else:
        live = texts.LIVE_VIEW_OFF.format(why=texts.escape(services.live_view_off or "not set up"))
    await services.sender.text(user.chat_id, texts.HELP + live)


HANDLERS: list[AnyHandler] = [
    CommandHandler("help", help_cmd),
]
