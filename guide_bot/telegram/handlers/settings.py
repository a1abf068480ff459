"""/settings: voice, text or both; the voice's accent; slow speech; countdown cues.

Each tap stores the choice and redraws the same message; a session already running keeps the
settings it started with (its plan and voice are fixed at the start).
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from guide_bot.i18n import Translator
from guide_bot.storage.users import DELIVERY_MODES, UserSettings
from guide_bot.telegram import keyboards, texts
from guide_bot.telegram.callbacks import SettingChoice
from guide_bot.telegram.context import AnyHandler, BotContext, Services
from guide_bot.telegram.handlers.common import Press, current_user, tr_for, tr_of
from guide_bot.telegram.routing import Routes


def view(settings: UserSettings, services: Services, tr: Translator) -> tuple[str, Any]:
    """Text and keyboard showing these settings, in the user's language. The accent (an English
    voice's) is shown to users the bot speaks English to; other languages have one voice each."""
    accent = (settings.language or services.settings.language) if tr.code == "en" else None
    text = texts.settings_text(settings.mode, accent, settings.slow, settings.countdown, tr=tr)
    return text, keyboards.settings(settings, accent, tr=tr)


def change(data: SettingChoice) -> dict[str, Any] | None:
    """The settings change a button asks for, or None if its value is not allowed."""
    if data.key == "mode" and data.value in DELIVERY_MODES:
        return {"mode": data.value}
    if data.key == "lang" and data.value in texts.LANGUAGE_NAMES:
        return {"language": data.value}
    if data.key in ("slow", "countdown") and data.value in ("on", "off"):
        return {data.key: data.value == "on"}
    return None


async def settings_cmd(update: Update, context: BotContext) -> None:
    services = context.services
    user = current_user(update, services)
    if user is None:
        return
    text, markup = view(user.settings, services, tr_for(user))
    await services.sender.text(user.chat_id, text, markup)


async def on_choice(data: SettingChoice, press: Press, context: BotContext) -> None:
    services = context.services
    sender = services.sender
    changes = change(data) if isinstance(data, SettingChoice) else None
    tr = tr_of(press.user_id, services)
    if changes is None:
        await sender.answer(press.query_id, tr.gettext(texts.INVALID_BUTTON))
        return
    services.users.ensure(press.user_id, press.chat_id, services.now_utc())
    new = services.users.change_settings(press.user_id, **changes)
    await sender.answer(press.query_id, tr.gettext(texts.SETTINGS_SAVED))
    if new is not None:
        text, markup = view(new, services, tr)
        await sender.edit_text(press.chat_id, press.message_id, text, markup)


HANDLERS: list[AnyHandler] = [
    CommandHandler("settings", settings_cmd),
]


BUTTONS: Routes = {
    SettingChoice: on_choice,
}
