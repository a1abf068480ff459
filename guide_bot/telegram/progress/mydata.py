"""/export and /forget: everything stored about the user, as a JSON file or deleted for good.

/forget asks first. Its buttons carry a one-time token kept in the user's in-memory data, so a
button from an old question (or after a restart, or forged) does nothing but say so.
"""

from __future__ import annotations

import json
import logging
import secrets
from typing import Annotated

from pydantic import Field
from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.ext import CommandHandler

from guide_bot.i18n import Translator
from guide_bot.progress.user_routines import clear_parsed_cache
from guide_bot.storage.user_data import export_user, forget_user
from guide_bot.telegram.callbacks import Payload, payload
from guide_bot.telegram.context import AnyHandler, BotContext, Services
from guide_bot.telegram.handlers.common import Press, current_user, ids, tr_of
from guide_bot.telegram.keyboards import button
from guide_bot.telegram.progress import texts
from guide_bot.telegram.progress.common import PRIVATE
from guide_bot.telegram.routing import Routes
from guide_bot.telegram.texts import INVALID_BUTTON
from guide_bot.telegram.texts.bound import bound

log = logging.getLogger(__name__)
TOKEN_KEY = "forget_token"


@payload("fgt")
class ForgetChoice(Payload):
    """The answer to /forget's question; `token` must match the one asked with."""

    yes: bool
    token: Annotated[str, Field(pattern=r"^[0-9a-f]{8}$")]


def export_bytes(services: Services, user_id: int) -> bytes:
    """The /export file's content: UTF-8 JSON, indented for people to read."""
    data = export_user(services.database, user_id, services.now_utc())
    return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")


def forget_keyboard(token: str, tr: Translator) -> InlineKeyboardMarkup:
    """Delete everything, or keep it."""
    return InlineKeyboardMarkup(
        [
            [button(tr.gettext(texts.FORGET_YES), ForgetChoice(yes=True, token=token))],
            [button(tr.gettext(texts.FORGET_NO), ForgetChoice(yes=False, token=token))],
        ]
    )


async def forget_everything(services: Services, chat_id: int, user_id: int) -> dict[str, int]:
    """End the user's sessions without a word, delete the audio and media made from their own
    routines, then every row about the user."""
    await services.sessions.forget(user_id)
    files = await services.user_media.delete(user_id)
    deleted = forget_user(services.database, user_id)
    clear_parsed_cache()
    log.info("user data forgotten: %d rows, %d media", sum(deleted.values()), files)
    return deleted


async def export_cmd(update: Update, context: BotContext) -> None:
    services = context.services
    user = current_user(update, services)
    if user is None:
        return
    t = bound(tr_of(user.user_id, services), texts)
    sender = services.sender
    data = export_bytes(services, user.user_id)
    name = t.export_file_name(user.user_id)
    sent = await sender.call(
        user.chat_id,
        "sendDocument",
        lambda: sender.bot.send_document(
            user.chat_id, InputFile(data, filename=name), caption=t.EXPORT_CAPTION
        ),
    )
    if sent is None:
        await sender.text(user.chat_id, t.EXPORT_FAILED)


async def forget_cmd(update: Update, context: BotContext) -> None:
    services = context.services
    found = ids(update)
    if found is None or context.user_data is None:
        return
    chat_id, _user_id = found
    t = bound(tr_of(_user_id, services), texts)
    token = secrets.token_hex(4)
    context.user_data[TOKEN_KEY] = token
    await services.sender.text(chat_id, t.FORGET_ASK, forget_keyboard(token, t.tr))


async def on_choice(data: ForgetChoice, press: Press, context: BotContext) -> None:
    services = context.services
    t = bound(tr_of(press.user_id, services), texts)  # before the user's row may go
    chat_id, user_id = press.chat_id, press.user_id
    sender = services.sender
    user_data = context.user_data if context.user_data is not None else {}
    if data.token != user_data.get(TOKEN_KEY):
        await sender.answer(press.query_id, INVALID_BUTTON)
        return
    del user_data[TOKEN_KEY]  # a token works once, whatever the answer
    await sender.answer(press.query_id)
    message_id = press.message_id
    if not data.yes:
        await sender.edit_text(chat_id, message_id, t.FORGET_CANCELLED)
        return
    await forget_everything(services, chat_id, user_id)
    user_data.clear()
    if context.chat_data is not None:
        context.chat_data.clear()
    await sender.edit_text(chat_id, message_id, t.FORGET_DONE)


HANDLERS: list[AnyHandler] = [
    CommandHandler("export", export_cmd, filters=PRIVATE),
    CommandHandler("forget", forget_cmd, filters=PRIVATE),
]


BUTTONS: Routes = {
    ForgetChoice: on_choice,
}
