"""Starting a session: the Start button, /session ROUTINE_ID, the deep link; pain before.

One session per chat: starting another while one runs asks first (end it and start the new one,
or keep the current one). The pain rating before is one tap (or Skip), and that tap starts it;
at a first session the hands-free button starts it too (no rating) and keeps hands-free chosen.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from guide_bot.telegram import texts
from guide_bot.telegram.callbacks import Go, HandsFree, PainBefore, Swap
from guide_bot.telegram.context import AnyHandler, BotContext
from guide_bot.telegram.handlers import screening
from guide_bot.telegram.handlers.common import Press, current_user
from guide_bot.telegram.handlers.offers import offer_start, unknown_routine
from guide_bot.telegram.routing import Routes


async def session_cmd(update: Update, context: BotContext) -> None:
    services = context.services
    user = current_user(update, services)
    if user is None:
        return
    args = context.args or []
    if not args:
        example = next(iter(sorted(services.catalog.library)), "neck-release")
        await services.sender.text(user.chat_id, texts.SESSION_USAGE.format(example=example))
        return
    routine = services.catalog.find(user.user_id, args[0])
    if routine is None:
        await unknown_routine(user.chat_id, user.user_id, args[0], services)
    elif not user.screened:
        await services.sender.text(user.chat_id, texts.SCREENING_FIRST)
        await screening.begin(user.chat_id, user.user_id, services, then=routine.id)
    else:
        await offer_start(user.chat_id, user.user_id, routine, services)


async def on_button(
    data: Go | Swap | PainBefore | HandsFree, press: Press, context: BotContext
) -> None:
    services = context.services
    chat_id, user_id = press.chat_id, press.user_id
    sender = services.sender
    routine = services.catalog.find(user_id, data.routine)
    user = services.users.ensure(user_id, chat_id, services.now_utc())
    if routine is None:
        await sender.answer(press.query_id, texts.INVALID_BUTTON)
        return
    await sender.answer(press.query_id)
    sessions = services.sessions
    message_id = press.message_id
    if not user.screened:
        await sender.text(chat_id, texts.SCREENING_FIRST)
        await screening.begin(chat_id, user_id, services, then=routine.id)
    elif isinstance(data, Go):
        await offer_start(chat_id, user_id, routine, services)
    elif isinstance(data, Swap):
        if not data.yes:
            await sender.edit_text(chat_id, message_id, texts.KEPT_CURRENT)
            return
        await sessions.stop(chat_id, ask_pain=False)
        await sender.edit_text(chat_id, message_id, texts.STOPPED)
        await offer_start(chat_id, user_id, routine, services)
    elif sessions.busy(chat_id):  # a second tap, or a session started meanwhile
        await offer_start(chat_id, user_id, routine, services)
    elif isinstance(data, HandsFree):  # the first-session offer: keep the choice, start now
        services.users.change_settings(user_id, mode="hands")
        title = texts.escape(routine.title)
        await sender.edit_text(chat_id, message_id, f"<b>{title}</b>\n{texts.HANDS_FREE_CHOSEN}")
        sessions.begin(chat_id, user_id, routine, None)
    else:
        pain = data.pain if data.pain >= 0 else None
        note = texts.pain_summary(pain, None)
        # the rating shows first, then the session's first message (this chat's updates wait)
        await sender.edit_text(chat_id, message_id, f"<b>{texts.escape(routine.title)}</b>\n{note}")
        sessions.begin(chat_id, user_id, routine, pain)  # in the background: others go on


HANDLERS: list[AnyHandler] = [
    CommandHandler("session", session_cmd),
]


BUTTONS: Routes = {
    Go: on_button,
    Swap: on_button,
    PainBefore: on_button,
    HandsFree: on_button,
}
