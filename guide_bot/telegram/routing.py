"""Button presses: one handler for every callback query, parsing its data once.

The data is parsed into its typed payload (telegram/callbacks.py) here and only here, then handed
to the one function registered for that payload type. A press whose data is missing, empty,
unknown or forged, or that comes without its message, gets a short answer and changes nothing:
no feature handler ever sees it. Neither does a press the group policy refuses (someone else's
session or offer, a health answer in a group).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler

from guide_bot.telegram import texts
from guide_bot.telegram.callbacks import Payload
from guide_bot.telegram.context import BotContext
from guide_bot.telegram.group_policy import GroupPolicy
from guide_bot.telegram.handlers.common import Press, button_press, tr_of

log = logging.getLogger(__name__)

# (payload, press, context): the payload is already the handler's own type.
ButtonHandler = Callable[[Any, Press, BotContext], Awaitable[None]]
Routes = Mapping[type[Payload], ButtonHandler]


def button_router(
    *tables: Routes, policy: GroupPolicy | None = None
) -> CallbackQueryHandler[BotContext, None]:
    """The one callback-query handler: routes each payload type to its function, after the
    group policy (telegram/group_policy.py) let the press through."""
    guard = policy if policy is not None else GroupPolicy()
    routes: dict[type[Payload], ButtonHandler] = {}
    for table in tables:
        for kind, handler in table.items():
            if kind in routes:
                raise ValueError(f"two handlers for the button payload {kind.__name__}")
            routes[kind] = handler

    async def route(update: Update, context: BotContext) -> None:
        query = update.callback_query
        if query is None:
            return
        press = button_press(update)
        tr = tr_of(query.from_user.id, context.services)
        if press is None:  # the message is gone (or no chat): nothing to act on
            await context.services.sender.answer(query.id, tr.gettext(texts.STALE_BUTTON))
            return
        handler = routes.get(type(press.data)) if press.data is not None else None
        if press.data is None or handler is None:
            log.info("update %s: unrecognised button data refused", update.update_id)
            await context.services.sender.answer(query.id, tr.gettext(texts.INVALID_BUTTON))
            return
        if await guard.refuse_press(press.data, press, context):
            return
        await handler(press.data, press, context)

    return CallbackQueryHandler(route)
