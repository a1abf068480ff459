"""/help: everything the bot does, in plain words, and whether the live view is on (and why not)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from guide_bot.telegram import texts
from guide_bot.telegram.context import AnyHandler, BotContext
from guide_bot.telegram.handlers.common import current_user, tr_for


async def help_cmd(update: Update, context: BotContext) -> None:
    services = context.services
    user = current_user(update, services)
    if user is None:
        return
    tr = tr_for(user)
    if services.live_view_url:
        live = tr.gettext(texts.LIVE_VIEW_ON)
    else:
        why = texts.escape(services.live_view_off or "not set up")  # the operator's words
        live = tr.t(texts.LIVE_VIEW_OFF, why=why)
    await services.sender.text(user.chat_id, texts.help_text(tr=tr) + live)


HANDLERS: list[AnyHandler] = [
    CommandHandler("help", help_cmd),
]
