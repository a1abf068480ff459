"""The language the bot speaks to each user: set at first contact, changed with /language.

At a user's first update in a private chat the bot stores the shipped language of Telegram's
`language_code` (`de-at` is German, `pt` Brazilian Portuguese; guide_bot/i18n), or English when it
speaks none of theirs, and then says so once, in English. `users.locale` keeps it: it is not
taken from Telegram again, so a choice made with /language stays. Everything after follows it:
messages, buttons, routines, cues, the voice of the next session and reminders.

The command menu (setMyCommands) is set per language at start-up, so each Telegram app shows it
in its own language; a choice made with /language sets that chat's menu in the chosen one. The
live view's menu button (setChatMenuButton) is English for everyone, and set per private chat in
the user's language when it is first stored (a language other than English) or chosen.
"""

from __future__ import annotations

import logging
from typing import Annotated

from pydantic import Field, field_validator
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonWebApp,
    Update,
    WebAppInfo,
)
from telegram.ext import CommandHandler, TypeHandler

from guide_bot.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    NATIVE_NAMES,
    Translator,
    language_of_tag,
    translator,
)
from guide_bot.storage.health import is_storage_error
from guide_bot.telegram import texts
from guide_bot.telegram.callbacks import Payload, payload
from guide_bot.telegram.context import AnyHandler, BotContext, Services
from guide_bot.telegram.handlers.common import Press, current_user, tr_for
from guide_bot.telegram.routing import Routes

log = logging.getLogger(__name__)

# Telegram's setMyCommands takes a two-letter ISO 639-1 code: the apps each menu is shown to
# (pt-br's is `pt`). Derived from the shipped languages, so a new one needs nothing here.
COMMAND_MENU_CODES: dict[str, str] = {
    code: code.split("-")[0] for code in LANGUAGES if code != DEFAULT_LANGUAGE
}


@payload("lng")
class LanguageChoice(Payload):
    """A /language button: the language picked (a shipped one)."""

    code: Annotated[str, Field(pattern=r"^[a-z]{2}(?:-[a-z]{2,3})?$")]

    @field_validator("code")
    @classmethod
    def _shipped(cls, code: str) -> str:
        if code not in LANGUAGES:
            raise ValueError(f"not a shipped language: {code}")
        return code


def _acted(update: Update, private: bool) -> bool:
    """Whether the user did something the bot answers: in a private chat any message or tap; in
    a group only a command or a tap (other group messages are not the bot's business)."""
    if update.callback_query is not None:
        return True
    message = update.message
    if message is None:
        return False  # e.g. the user blocked the bot: nothing to say
    return private or bool(message.text and message.text.startswith("/"))


async def first_contact(update: Update, context: BotContext) -> None:
    """Before every handler (group -1): a user's first message or tap stores their language; in
    a private chat, a Telegram language the bot does not speak gets English and one notice (a
    group hears nothing about one member's app)."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    private = chat.type == "private"
    if not _acted(update, private):
        return
    services = context.services
    code = language_of_tag(user.language_code)
    try:
        known = services.users.get(user.id)
        if known is not None and known.locale is not None:
            return
        stored = services.users.first_locale(
            user.id, chat.id, code or DEFAULT_LANGUAGE, services.now_utc()
        )
    except Exception as error:
        if not is_storage_error(error):
            raise
        return  # the handler of the update meets the same fault and answers it, once

    if stored and private and code is None and user.language_code:
        log.info("user %s: language tag not shipped, English", user.id)
        await services.sender.text(chat.id, texts.LANGUAGE_UNSUPPORTED)
    if stored and private and code is not None and code != DEFAULT_LANGUAGE:
        await _live_view_button(chat.id, translator(code), services)


def command_list(tr: Translator) -> list[BotCommand]:
    """The bot's command menu in one language."""
    return [BotCommand(name, tr.gettext(about)) for name, about in texts.COMMANDS]


async def set_command_menus(bot: Bot) -> None:
    """The command menu in English for everyone, and in each other language for the Telegram
    apps set to it (one setMyCommands each)."""
    await bot.set_my_commands(command_list(translator(DEFAULT_LANGUAGE)))
    for code, menu_code in COMMAND_MENU_CODES.items():
        await bot.set_my_commands(command_list(translator(code)), language_code=menu_code)


def language_keyboard(current: str) -> InlineKeyboardMarkup:
    """Each language in its own words, the current one ticked."""
    buttons = [
        InlineKeyboardButton(
            f"✅ {NATIVE_NAMES[code]}" if code == current else NATIVE_NAMES[code],
            callback_data=LanguageChoice(code=code).pack(),
        )
        for code in LANGUAGES
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


async def language_cmd(update: Update, context: BotContext) -> None:
    services = context.services
    user = current_user(update, services)
    if user is None:
        return
    tr = tr_for(user)
    markup = language_keyboard(tr.code)
    await services.sender.text(user.chat_id, tr.gettext(texts.LANGUAGE_PROMPT), markup)


async def on_choice(data: LanguageChoice, press: Press, context: BotContext) -> None:
    """Store the language picked; the message and the chat's command menu switch to it."""
    services = context.services
    services.users.ensure(press.user_id, press.chat_id, services.now_utc())
    services.users.set_locale(press.user_id, data.code)
    tr = translator(data.code)
    await services.sender.answer(press.query_id, tr.gettext(texts.SETTINGS_SAVED))
    text = tr.t(texts.LANGUAGE_CHOSEN, language=NATIVE_NAMES[data.code])
    await services.sender.edit_text(
        press.chat_id, press.message_id, text, language_keyboard(data.code)
    )
    if press.private:
        await _chat_menu(press.chat_id, tr, services)
        await _live_view_button(press.chat_id, tr, services)


async def _chat_menu(chat_id: int, tr: Translator, services: Services) -> None:
    """This chat's command menu in the chosen language (a failure only costs the menu)."""
    sender = services.sender
    scope = BotCommandScopeChat(chat_id)
    await sender.call(
        chat_id, "setMyCommands", lambda: sender.bot.set_my_commands(command_list(tr), scope)
    )


def live_view_button(url: str, tr: Translator) -> MenuButtonWebApp:
    """The menu button that opens the live view, labelled in one language."""
    return MenuButtonWebApp(tr.gettext(texts.LIVE_VIEW), WebAppInfo(url))


async def _live_view_button(chat_id: int, tr: Translator, services: Services) -> None:
    """This private chat's live view menu button in its user's language, when the live view is
    on (a failure only costs the label: the global English button stays)."""
    url = services.live_view_url
    if not url:
        return
    sender = services.sender
    button = live_view_button(url, tr)
    await sender.call(
        chat_id,
        "setChatMenuButton",
        lambda: sender.bot.set_chat_menu_button(chat_id=chat_id, menu_button=button),
    )


PRE_HANDLERS: list[AnyHandler] = [TypeHandler(Update, first_contact)]

HANDLERS: list[AnyHandler] = [
    CommandHandler("language", language_cmd),
]


BUTTONS: Routes = {
    LanguageChoice: on_choice,
}
