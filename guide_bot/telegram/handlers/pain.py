"""The pain rating after a session: one tap (0-10) or Skip, added to its history entry."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from guide_bot.telegram import texts
from guide_bot.telegram.callbacks import PainAfter, pattern
from guide_bot.telegram.handlers.common import button_press
from guide_bot.telegram.services import App, Services


def register(app: App, services: Services) -> None:
    """Add the pain-after buttons."""

    async def on_button(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        press = button_press(update)
        if press is None or press.message_id is None:
            return
        chat_id, user_id, data = press.chat_id, press.user_id, press.data
        sender = services.require_sender()
        entry = services.history.get(data.entry) if isinstance(data, PainAfter) else None
        if not isinstance(data, PainAfter) or entry is None or entry.user_id != user_id:
            await sender.answer(press.query_id, texts.INVALID_BUTTON)
            return
        if entry.pain_after is not None:
            await sender.answer(press.query_id, texts.STALE_BUTTON)
            return
        if data.pain >= 0:
            services.history.set_pain_after(entry.id or 0, user_id, data.pain)
        await sender.answer(press.query_id)
        after = data.pain if data.pain >= 0 else None
        await sender.edit_text(
            chat_id, press.message_id, texts.pain_summary(entry.pain_before, after)
        )
        for hook in services.after_session:
            await hook(chat_id, user_id, entry)

    app.add_handler(CallbackQueryHandler(on_button, pattern=pattern(PainAfter)))
