"""/start: the welcome, the not-medical-advice note, the screening once, then a choice of routine.

`/start session_ROUTINE_ID` (a deep link, t.me/<bot>?start=session_ROUTINE_ID) goes straight to
starting that routine, after the screening if it was never answered. `/start screening` (the link
a group chat gives for the health questions) opens the safety checklist.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from guide_bot.telegram import texts
from guide_bot.telegram.context import AnyHandler, BotContext
from guide_bot.telegram.handlers import screening
from guide_bot.telegram.handlers.browse import send_menu
from guide_bot.telegram.handlers.common import current_user, tr_for
from guide_bot.telegram.handlers.offers import offer_start, unknown_routine

DEEP_LINK_PREFIX = "session_"


async def start(update: Update, context: BotContext) -> None:
    services = context.services
    user = current_user(update, services)
    if user is None:
        return
    sender = services.sender
    args = context.args or []
    ref = args[0].removeprefix(DEEP_LINK_PREFIX) if args else ""
    then: str | None = None  # the deep link's routine, offered after the screening
    if args and args[0] == screening.DEEP_LINK and user.chat_id == user.user_id:
        await screening.begin(user.chat_id, user.user_id, services)
        return
    if args and args[0].startswith(DEEP_LINK_PREFIX):
        routine = services.catalog.find(user.user_id, ref)
        if routine is None:
            await unknown_routine(user.chat_id, user.user_id, ref, services)
            return
        if user.screened:
            await offer_start(user.chat_id, user.user_id, routine, services)
            return
        then = routine.id
    t = texts.using(tr_for(user))
    await sender.text(user.chat_id, f"{t.WELCOME}\n\n{t.NOT_MEDICAL_ADVICE}")
    if not user.screened:
        if user.chat_id == user.user_id and not user.screening_outdated:
            await sender.text(user.chat_id, t.SCREENING_INTRO)
        await screening.begin(user.chat_id, user.user_id, services, then=then)
        return
    await send_menu(user.chat_id, services, tr=t.tr)


HANDLERS: list[AnyHandler] = [
    CommandHandler("start", start),
]
