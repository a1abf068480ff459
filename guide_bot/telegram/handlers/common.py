"""Small helpers every handler module uses: who is talking, and the stored user."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update

from guide_bot.storage.users import User
from guide_bot.telegram.callbacks import Payload, parse
from guide_bot.telegram.services import Services


def ids(update: Update) -> tuple[int, int] | None:
    """(chat_id, user_id) of an update, or None for updates without both."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return None
    return chat.id, user.id


def current_user(update: Update, services: Services) -> User | None:
    """The stored user of the update, created on first contact."""
    found = ids(update)
    if found is None:
        return None
    chat_id, user_id = found
    return services.users.ensure(user_id, chat_id, services.now_utc())


@dataclass(frozen=True, slots=True)
class Press:
    """A button press: who pressed it, on which message, and what its data says."""

    query_id: str
    chat_id: int
    user_id: int
    message_id: int | None  # None when Telegram no longer has the message
    data: Payload | None  # None for data this bot did not make (forged or malformed)


def button_press(update: Update) -> Press | None:
    """The press behind a callback-query update, or None for any other update."""
    query, found = update.callback_query, ids(update)
    if query is None or found is None:
        return None
    message_id = query.message.message_id if query.message is not None else None
    return Press(query.id, found[0], found[1], message_id, parse(query.data))
