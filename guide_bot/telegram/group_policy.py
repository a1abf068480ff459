"""The group policy, enforced here for every button press and every command (docs/bot.md).

In a private chat everything is the person's own. In a group (or supergroup):

- a session belongs to the person who started it: only they pause, skip, stop or replace it,
  with buttons or commands; the "end it and start the new one" question and the pain rating that
  starts a session belong to the person the offer was made to;
- health answers (the screening, pain ratings, the safety summary, history and figures) are given
  only in a private chat: the bot answers with a link that opens the private chat instead.

The button router (telegram/routing.py) asks `refuse_press` before any handler runs; every
command handler is wrapped by `guard_commands` (telegram/handlers/__init__.py). Who an offer in a
group was made to is kept in memory per chat (the latest /session, deep link or Start in that
chat); after a restart the old offer's buttons answer "ask again".
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler

from guide_bot.domain.wording import N_
from guide_bot.telegram import texts
from guide_bot.telegram.callbacks import (
    Control,
    Go,
    Offer,
    PainAfter,
    PainBefore,
    Payload,
    ScreeningDone,
    ScreeningNone,
    ScreeningRedo,
    ScreeningToggle,
    Swap,
)
from guide_bot.telegram.context import AnyHandler, BotContext, Services
from guide_bot.telegram.handlers.common import Press, tr_of

log = logging.getLogger(__name__)

PRIVATELY = N_("Health answers are given only in a private chat with me.")
PRIVATELY_BUTTON = N_("Continue privately")
ASK_AGAIN = N_("That offer is no longer open: ask again.")
NOT_YOUR_OFFER = N_("That question was for someone else.")

# commands whose answers are health data (the screening and its summary, ratings, history)
HEALTH_COMMANDS = frozenset({"screening", "history", "stats", "export", "mydata", "forget"})
# commands that act on the chat's session in progress
SESSION_COMMANDS = frozenset({"pause", "resume", "skip", "back", "stop"})
# commands that offer to start a routine (and may ask to end the chat's session first)
OFFER_COMMANDS = frozenset({"session", "start"})


def deep_link(username: str | None, routine: str | None = None) -> str | None:
    """The t.me link that opens the private chat with the bot (at a routine, if given)."""
    if not username:
        return None
    start = f"session_{routine}" if routine else "group"
    return f"https://t.me/{username}?start={start}"


@dataclass(slots=True)
class GroupPolicy:
    """Who may press what and send which command in a group; state: the open offers."""

    offers: dict[int, int] = field(default_factory=dict)  # group chat id -> the user offered to

    # --- buttons ------------------------------------------------------------------------------

    async def refuse_press(self, data: Payload, press: Press, context: BotContext) -> bool:
        """Answer and return True when this press must change nothing; False lets it through."""
        if press.private:
            return False
        services = context.services
        reply, routine = self._press_refusal(data, press, services)
        if reply is None:
            if isinstance(data, Go):
                self.offers[press.chat_id] = press.user_id
            return False
        url = deep_link(context.bot.username, routine) if reply == PRIVATELY else None
        log.info("group chat: a button press refused by the group policy")
        tr = tr_of(press.user_id, services)  # the presser's language
        await services.sender.answer(press.query_id, tr.gettext(reply), url=url)
        return True

    def _press_refusal(
        self, data: Payload, press: Press, services: Services
    ) -> tuple[str | None, str | None]:
        live = services.sessions.get(press.chat_id)
        owner = live.record.user_id if live is not None else None
        if isinstance(data, ScreeningToggle | ScreeningNone | ScreeningDone | ScreeningRedo):
            return PRIVATELY, None
        if isinstance(data, PainAfter):
            entry = services.history.get(data.entry)
            if entry is None or entry.user_id != press.user_id:
                return NOT_YOUR_OFFER, None
            return (PRIVATELY, None) if data.pain >= 0 else (None, None)
        if isinstance(data, Control):
            return (
                (texts.NOT_YOUR_SESSION, None)
                if owner not in (None, press.user_id)
                else (
                    None,
                    None,
                )
            )
        if isinstance(data, Go):
            if owner not in (None, press.user_id):
                return texts.NOT_YOUR_SESSION, None
            user = services.users.get(press.user_id)
            if user is None or not user.screened:
                return PRIVATELY, data.routine
            return None, None
        if isinstance(data, Swap | PainBefore | Offer):
            offered_to = self.offers.get(press.chat_id)
            if offered_to is None:
                return ASK_AGAIN, None
            if offered_to != press.user_id:
                return NOT_YOUR_OFFER, None
            if isinstance(data, Swap) and owner not in (None, press.user_id):
                return texts.NOT_YOUR_SESSION, None
            if isinstance(data, PainBefore) and data.pain >= 0:
                return PRIVATELY, data.routine
        return None, None

    # --- commands -----------------------------------------------------------------------------

    async def refuse_command(self, update: Update, context: BotContext) -> bool:
        """Reply and return True when this command must not run here; False lets it through."""
        chat, user, message = update.effective_chat, update.effective_user, update.message
        if chat is None or user is None or chat.type == "private":
            return False
        text = message.text if message is not None and message.text else ""
        name = text.split()[0].lstrip("/").split("@")[0].lower() if text else ""
        services = context.services
        live = services.sessions.get(chat.id)
        owner = live.record.user_id if live is not None else None
        reply: str | None = None
        private_link = False
        if name in HEALTH_COMMANDS:
            reply, private_link = PRIVATELY, True
        elif name in SESSION_COMMANDS and owner not in (None, user.id):
            reply = texts.NOT_YOUR_SESSION
        elif name in OFFER_COMMANDS and (context.args or name == "session"):
            stored = services.users.get(user.id)
            if owner not in (None, user.id):
                reply = texts.NOT_YOUR_SESSION
            elif stored is None or not stored.screened:
                reply, private_link = PRIVATELY, True
            else:
                self.offers[chat.id] = user.id
        if reply is None:
            return False
        log.info("group chat: /%s refused by the group policy", name)
        link = deep_link(context.bot.username) if private_link else None
        tr = tr_of(user.id, services)  # the language of the one who sent the command
        label = tr.gettext(PRIVATELY_BUTTON)
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(label, url=link)]]) if link else None
        await services.sender.text(chat.id, texts.escape(tr.gettext(reply)), markup)
        return True


def guard_commands(handlers: Sequence[AnyHandler], policy: GroupPolicy) -> None:
    """Make every command handler ask the group policy first (wraps each callback once)."""
    for handler in handlers:
        if not isinstance(handler, CommandHandler):
            continue
        inner: Any = handler.callback

        async def guarded(update: Update, context: BotContext, inner: Any = inner) -> Any:
            if await policy.refuse_command(update, context):
                return None
            return await inner(update, context)

        handler.callback = guarded
