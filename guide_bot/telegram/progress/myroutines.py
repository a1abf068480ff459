"""Own routines: a .yaml document is checked and stored; /myroutines lists, starts, deletes them.

An upload is refused by Telegram's announced size before anything is downloaded, checked in a
worker thread (parsing untrusted YAML is CPU work), and stored only when valid. A stored routine
is started through the bot's own card and Start button: the catalog finds it for this user only.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from telegram import InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import CommandHandler, ContextTypes, MessageHandler, filters

from guide_bot.library.catalog import routine_ref
from guide_bot.library.loader import ROUTINE_SUFFIXES
from guide_bot.library.uploads import UploadTooLarge, read_upload, size_issue
from guide_bot.progress.user_routines import UserRoutineEntry
from guide_bot.telegram.callbacks import Card, Menu
from guide_bot.telegram.context import AnyHandler, BotContext, Services
from guide_bot.telegram.handlers.common import Press, current_user, tr_of
from guide_bot.telegram.keyboards import button
from guide_bot.telegram.progress import texts
from guide_bot.telegram.progress.callbacks import MyDelete, MyRoutines
from guide_bot.telegram.progress.common import PRIVATE
from guide_bot.telegram.routing import Routes
from guide_bot.telegram.texts import BACK_TO_MENU, INVALID_BUTTON
from guide_bot.telegram.texts.bound import bound

log = logging.getLogger(__name__)


def list_view(services: Services, user_id: int) -> tuple[str, InlineKeyboardMarkup]:
    """The text and keyboard of "My routines"."""
    t = bound(tr_of(user_id, services), texts)
    entries = services.user_routines.entries(user_id)
    rows = []
    for entry in entries:
        ref = routine_ref(entry.ref)
        if entry.routine is not None:
            rows.append(
                [
                    button(entry.title, Card(routine=ref)),
                    button(t.MY_ROUTINE_DELETE, MyDelete(routine=ref, sure=False)),
                ]
            )
        else:  # no longer passes the checks: it can only be deleted
            rows.append([button(f"⚠ {entry.title}", MyDelete(routine=ref, sure=False))])
    rows.append([button(BACK_TO_MENU, Menu(view="home"))])
    text = t.my_routines(entries) if entries else t.MY_ROUTINES_EMPTY
    return text, InlineKeyboardMarkup(rows)


def _entry(services: Services, user_id: int, ref: str) -> UserRoutineEntry | None:
    for entry in services.user_routines.entries(user_id):
        if routine_ref(entry.ref) == ref:
            return entry
    return None


async def _download(url: str) -> bytes:
    """The file's bytes, streamed and never read past the upload limit (whatever size was
    announced). The URL holds the bot token: it is never logged."""
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as http, http.get(url) as response:
        if response.status != 200:
            raise OSError(f"download answered {response.status}")
        return await read_upload(response.content)


async def receive_upload(
    update: Update, context: ContextTypes.DEFAULT_TYPE, services: Services
) -> None:
    """A document arrived: refuse it by size or name, or download, check and store it."""
    user = current_user(update, services)
    message = update.effective_message
    if user is None or message is None or message.document is None:
        return
    t = bound(tr_of(user.user_id, services), texts)
    sender = services.sender
    chat_id, document = user.chat_id, message.document
    name = document.file_name or "routine.yaml"
    if not name.lower().endswith(ROUTINE_SUFFIXES):
        await sender.text(chat_id, t.UPLOAD_NOT_YAML)
        return
    if size_issue(document.file_size, name) is not None:
        await sender.text(chat_id, t.upload_too_big(document.file_size or 0))
        return
    file = await sender.call(chat_id, "getFile", lambda: context.bot.get_file(document.file_id))
    if file is not None and size_issue(file.file_size, name) is not None:
        await sender.text(chat_id, t.upload_too_big(file.file_size or 0))
        return
    try:
        data = await _download(file.file_path) if file is not None and file.file_path else None
    except UploadTooLarge:  # the announced size was wrong: reading stopped at the cap
        await sender.text(chat_id, t.upload_larger_than_said())
        return
    except (TelegramError, OSError, aiohttp.ClientError) as exc:
        log.warning("chat %s: upload download failed: %s", chat_id, type(exc).__name__)
        data = None
    if data is None:
        await sender.text(chat_id, t.UPLOAD_DOWNLOAD_FAILED)
        return
    store = services.user_routines
    check = await asyncio.to_thread(store.check, data, file=name)
    outcome = store.store(user.user_id, check, file=name, now=services.now_utc())
    if not outcome.stored or check.routine is None or outcome.ref is None:
        log.info("chat %s: upload refused (%d problems)", chat_id, len(outcome.errors))
        await sender.text(chat_id, t.upload_refused(outcome.errors))
        return
    log.info("chat %s: routine upload stored", chat_id)
    await sender.text(
        chat_id,
        t.upload_stored(check.routine.title, outcome.ref, outcome.replaced, check.warnings),
        InlineKeyboardMarkup(
            [[button(t.MY_ROUTINE_START, Card(routine=routine_ref(outcome.ref)))]]
        ),
    )


async def on_document(update: Update, context: BotContext) -> None:
    services = context.services
    await receive_upload(update, context, services)


async def myroutines_cmd(update: Update, context: BotContext) -> None:
    services = context.services
    user = current_user(update, services)
    if user is not None:
        text, markup = list_view(services, user.user_id)
        await services.sender.text(user.chat_id, text, markup)


async def on_button(data: MyRoutines | MyDelete, press: Press, context: BotContext) -> None:
    services = context.services
    chat_id, user_id = press.chat_id, press.user_id
    t = bound(tr_of(user_id, services), texts)
    sender = services.sender
    message_id = press.message_id
    if isinstance(data, MyRoutines):
        await sender.answer(press.query_id)
        text, markup = list_view(services, user_id)
        await sender.edit_text(chat_id, message_id, text, markup)
        return
    if not isinstance(data, MyDelete):
        await sender.answer(press.query_id, INVALID_BUTTON)
        return
    entry = _entry(services, user_id, data.routine)
    if entry is None:  # deleted meanwhile, another user's, or a forged reference
        await sender.answer(press.query_id, t.MY_ROUTINE_GONE)
        return
    await sender.answer(press.query_id)
    if not data.sure:
        await sender.edit_text(
            chat_id,
            message_id,
            t.confirm_delete(entry.title, broken=entry.routine is None),
            InlineKeyboardMarkup(
                [
                    [
                        button(
                            t.MY_ROUTINE_DELETE_YES,
                            MyDelete(routine=data.routine, sure=True),
                        )
                    ],
                    [button(t.MY_ROUTINE_KEEP, MyRoutines())],
                ]
            ),
        )
        return
    services.user_routines.delete(user_id, entry.ref)
    text, markup = list_view(services, user_id)
    await sender.edit_text(
        chat_id, message_id, f"{t.my_routine_deleted(entry.title)}\n\n{text}", markup
    )


HANDLERS: list[AnyHandler] = [
    MessageHandler(filters.Document.ALL & PRIVATE, on_document),
    CommandHandler("myroutines", myroutines_cmd, filters=PRIVATE),
]


BUTTONS: Routes = {
    MyRoutines: on_button,
    MyDelete: on_button,
}
