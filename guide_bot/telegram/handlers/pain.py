"""The pain rating after a session: one tap (0-10) or Skip, added to its history entry."""

from __future__ import annotations

from guide_bot.telegram import texts
from guide_bot.telegram.callbacks import PainAfter
from guide_bot.telegram.context import BotContext
from guide_bot.telegram.handlers.common import Press, tr_of
from guide_bot.telegram.routing import Routes


async def on_button(data: PainAfter, press: Press, context: BotContext) -> None:
    services = context.services
    chat_id, user_id = press.chat_id, press.user_id
    sender = services.sender
    tr = tr_of(user_id, services)
    entry = services.history.get(data.entry)
    if entry is None or entry.user_id != user_id:
        await sender.answer(press.query_id, tr.gettext(texts.INVALID_BUTTON))
        return
    if entry.pain_after is not None:
        await sender.answer(press.query_id, tr.gettext(texts.STALE_BUTTON))
        return
    if data.pain >= 0:
        services.history.set_pain_after(entry.id or 0, user_id, data.pain)
    await sender.answer(press.query_id)
    after = data.pain if data.pain >= 0 else None
    await sender.edit_text(
        chat_id, press.message_id, texts.pain_summary(entry.pain_before, after, tr=tr)
    )
    for hook in services.after_session:
        await hook(services, chat_id, user_id, entry)


BUTTONS: Routes = {
    PainAfter: on_button,
}
