"""Starting a session: the Start button, /session ROUTINE_ID, the deep link; pain before.

One session per chat: starting another while one runs asks first (end it and start the new one,
or keep the current one). The pain rating before is one tap (or Skip), and that tap starts it,
in the length picked on the same message, adapted to the user's screening (handlers/offers.py).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from guide_bot.domain.routine import Routine
from guide_bot.telegram import texts
from guide_bot.telegram.callbacks import Go, Offer, PainBefore, Swap
from guide_bot.telegram.context import AnyHandler, BotContext
from guide_bot.telegram.handlers import screening
from guide_bot.telegram.handlers.common import Press, current_user, tr_for, tr_of
from guide_bot.telegram.handlers.offers import fitted_for, offer_start, unknown_routine
from guide_bot.telegram.routing import Routes


async def session_cmd(update: Update, context: BotContext) -> None:
    services = context.services
    user = current_user(update, services)
    if user is None:
        return
    args = context.args or []
    tr = tr_for(user)
    if not args:
        example = next(iter(sorted(services.catalog.library)), "neck-release")
        await services.sender.text(user.chat_id, tr.t(texts.SESSION_USAGE, example=example))
        return
    routine = services.catalog.find(user.user_id, args[0])
    if routine is None:
        await unknown_routine(user.chat_id, user.user_id, args[0], services)
    elif not user.screened:
        await services.sender.text(user.chat_id, tr.gettext(texts.SCREENING_FIRST))
        await screening.begin(user.chat_id, user.user_id, services, then=routine.id)
    else:
        await offer_start(user.chat_id, user.user_id, routine, services)


async def on_button(data: Go | Swap | PainBefore, press: Press, context: BotContext) -> None:
    services = context.services
    chat_id, user_id = press.chat_id, press.user_id
    sender = services.sender
    routine = services.catalog.find(user_id, data.routine)
    user = services.users.ensure(user_id, chat_id, services.now_utc())
    tr = tr_for(user)
    if routine is None:
        await sender.answer(press.query_id, tr.gettext(texts.INVALID_BUTTON))
        return
    await sender.answer(press.query_id)
    sessions = services.sessions
    message_id = press.message_id
    if not user.screened:
        await sender.text(chat_id, tr.gettext(texts.SCREENING_FIRST))
        await screening.begin(chat_id, user_id, services, then=routine.id)
    elif isinstance(data, Go):
        await offer_start(chat_id, user_id, routine, services)
    elif isinstance(data, Swap):
        if not data.yes:
            await sender.edit_text(chat_id, message_id, tr.gettext(texts.KEPT_CURRENT))
            return
        await sessions.stop(chat_id, ask_pain=False)
        await sender.edit_text(chat_id, message_id, tr.gettext(texts.STOPPED))
        await offer_start(chat_id, user_id, routine, services)
    elif sessions.busy(chat_id):  # a second tap, or a session started meanwhile
        await offer_start(chat_id, user_id, routine, services)
    else:
        await _start_fitted(data, press, routine, context)


async def _start_fitted(
    data: PainBefore, press: Press, routine: Routine, context: BotContext
) -> None:
    """Start in the length picked, fitted to the screening as it is now (answers changed since
    the offer was shown: show the offer again instead)."""
    services = context.services
    chat_id, user_id, message_id = press.chat_id, press.user_id, press.message_id
    fitted = fitted_for(user_id, routine, data.length, services)
    if fitted.refusals or (fitted.ask_first and not data.ok):
        await offer_start(
            chat_id,
            user_id,
            routine,
            services,
            code=data.length,
            ok=data.ok,
            message_id=message_id,
            hands=data.hands,
        )
        return
    if data.hands:  # picked on a first session's offer: kept as the delivery setting
        services.users.change_settings(user_id, mode="hands")
    pain = data.pain if data.pain >= 0 else None
    tr = tr_of(user_id, services)
    note = texts.pain_summary(pain, None, tr=tr)
    title = services.catalog.localized(routine, tr.code).title
    # the rating shows first, then the session's first message (this chat's updates wait)
    await services.sender.edit_text(chat_id, message_id, f"<b>{texts.escape(title)}</b>\n{note}")
    # in the background: others go on
    services.sessions.begin(chat_id, user_id, routine, pain, fitted.choice)


async def on_offer(data: Offer, press: Press, context: BotContext) -> None:
    """A length tapped on the offer, or the ask-first confirmation: show the offer again."""
    services = context.services
    routine = services.catalog.find(press.user_id, data.routine)
    if routine is None:
        tr = tr_of(press.user_id, services)
        await services.sender.answer(press.query_id, tr.gettext(texts.INVALID_BUTTON))
        return
    await services.sender.answer(press.query_id)
    user = services.users.ensure(press.user_id, press.chat_id, services.now_utc())
    if not user.screened:
        await screening.begin(press.chat_id, press.user_id, services, then=routine.id)
        return
    await offer_start(
        press.chat_id,
        press.user_id,
        routine,
        services,
        code=data.length,
        ok=data.ok,
        message_id=press.message_id,
        hands=data.hands,
    )


HANDLERS: list[AnyHandler] = [
    CommandHandler("session", session_cmd),
]


BUTTONS: Routes = {
    Go: on_button,
    Swap: on_button,
    PainBefore: on_button,
    Offer: on_offer,
}
