"""Small helpers every handler module uses: who is talking, and the stored user."""

from __future__ import annotations

from telegram import Update

from guide_bot.bot.services import Services
from guide_bot.storage.users import User


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
