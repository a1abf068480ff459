"""Small helpers every handler module uses: who is talking, and the stored user."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update

from guide_bot.i18n import Translator, translator
from guide_bot.storage.users import User
from guide_bot.telegram.callbacks import Payload, parse
from guide_bot.telegram.context import Services


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


def tr_of(user_id: int, services: Services) -> Translator:
    """The translator of the language the bot speaks to this user (English until chosen)."""
    return translator(services.users.locale_of(user_id))


def tr_for(user: User) -> Translator:
    """The translator of a stored user's language."""
    return translator(user.language_code)


@dataclass(frozen=True, slots=True)
class Press:
    """A button press: who pressed it, on which message, and what its data says."""

    query_id: str
    chat_id: int
    user_id: int
    message_id: int
    data: Payload | None  # None for data this bot did not make (forged, empty or malformed)
    private: bool = True  # pressed in a private chat (False: a group, a supergroup, a channel)


def button_press(update: Update) -> Press | None:
    """The press behind a callback-query update; None for any other update, or a press that
    comes without its chat, its user or its message (Telegram no longer has the message)."""
    query, found = update.callback_query, ids(update)
    if query is None or found is None or query.message is None:
        return None
    chat = update.effective_chat
    private = chat is not None and chat.type == "private"
    message_id = query.message.message_id
    return Press(query.id, found[0], found[1], message_id, parse(query.data), private)
