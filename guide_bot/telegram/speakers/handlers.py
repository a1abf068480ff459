"""/speaker: a routine on one of the speakers the operator allows, and its control buttons.

Only in a private chat (the speakers are in someone's home), only on GUIDE_BOT_HA_SPEAKERS, and
only the person who started a speaker session controls it from the chat.
"""

from __future__ import annotations

import logging
from html import escape

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler

from guide_bot.library.catalog import routine_ref
from guide_bot.speakers.errors import SpeakerError
from guide_bot.speakers.ha_states import HomeAssistantError
from guide_bot.speakers.routine_query import RoutineNotFound, find_routine
from guide_bot.speech.ports import SpeechError
from guide_bot.telegram.context import AnyHandler, BotContext, Services
from guide_bot.telegram.handlers.common import Press, current_user, tr_of
from guide_bot.telegram.handlers.offers import unknown_routine
from guide_bot.telegram.keyboards import button
from guide_bot.telegram.routing import Routes
from guide_bot.telegram.speakers import texts
from guide_bot.telegram.speakers.callbacks import SpeakerControl, SpeakerStart
from guide_bot.telegram.texts.bound import bound

log = logging.getLogger(__name__)

SPEAKER_ERRORS = (SpeakerError, HomeAssistantError, SpeechError, RoutineNotFound)


def _allowed(services: Services) -> tuple[str, ...]:
    speakers = services.speakers
    return tuple(speakers.allowed_order) if speakers is not None else ()


async def speaker_cmd(update: Update, context: BotContext) -> None:
    """List the speakers open to the chat, or offer them for a routine."""
    services = context.services
    user, chat = current_user(update, services), update.effective_chat
    if user is None or chat is None:
        return
    t = bound(tr_of(user.user_id, services), texts)
    sender, speakers = services.sender, services.speakers
    if speakers is None:
        await sender.text(user.chat_id, t.OFF)
        return
    if chat.type != "private":
        await sender.text(user.chat_id, t.PRIVATE_ONLY)
        return
    allowed = _allowed(services)
    if not allowed:
        await sender.text(user.chat_id, t.NONE_ALLOWED)
        return
    try:
        players = await speakers.allowed_speakers()
    except HomeAssistantError as exc:
        await sender.text(user.chat_id, t.UNREACHABLE.format(why=type(exc).__name__))
        return
    args = context.args or []
    if not args:
        listing = "\n".join(t.speaker_line(p.name, p.state) for p in players) or "–"
        example = next(iter(sorted(services.catalog.library)), "neck-release")
        await sender.text(user.chat_id, t.USAGE.format(example=example, speakers=listing))
        return
    try:
        routine = find_routine(" ".join(args), services.catalog.library)
    except RoutineNotFound:
        await unknown_routine(user.chat_id, user.user_id, args[0], services)
        return
    rows = [
        [
            button(
                p.name, SpeakerStart(routine=routine_ref(routine.id), n=allowed.index(p.entity_id))
            )
        ]
        for p in players
    ]
    await sender.text(
        user.chat_id,
        t.PICK.format(title=escape(services.catalog.localized(routine, t.tr.code).title)),
        InlineKeyboardMarkup(rows),
    )


async def on_start(data: SpeakerStart, press: Press, context: BotContext) -> None:
    """Start the routine on the chosen speaker; the message then follows it."""
    services = context.services
    t = bound(tr_of(press.user_id, services), texts)
    sender, speakers, chat = services.sender, services.speakers, services.speaker_chat
    allowed = _allowed(services)
    routine = services.catalog.library.get(data.routine)
    if speakers is None or chat is None or data.n >= len(allowed) or routine is None:
        await sender.answer(press.query_id, t.GONE)
        return
    entity = allowed[data.n]
    await sender.answer(press.query_id)
    await sender.edit_text(
        press.chat_id,
        press.message_id,
        t.STARTING.format(
            title=escape(services.catalog.localized(routine, t.tr.code).title),
            speaker=escape(entity),
        ),
    )
    chat.follow(entity, press.chat_id, press.user_id, data.n, t.tr.code)
    try:
        status = await speakers.start(routine.id, entity, only_allowed=True, lang=t.tr.code)
    except SPEAKER_ERRORS as exc:
        chat.followed.pop(entity, None)
        await sender.text(press.chat_id, t.FAILED.format(why=escape(str(exc)[:300])))
        return
    await chat.show(entity, status)


async def on_control(data: SpeakerControl, press: Press, context: BotContext) -> None:
    """Pause/resume, next, previous, +15 s or stop the speaker session, by its owner only."""
    services = context.services
    t = bound(tr_of(press.user_id, services), texts)
    sender, speakers, chat = services.sender, services.speakers, services.speaker_chat
    allowed = _allowed(services)
    entity = allowed[data.n] if data.n < len(allowed) else None
    followed = chat.followed.get(entity) if chat is not None and entity is not None else None
    if speakers is None or chat is None or entity is None or followed is None:
        await sender.answer(press.query_id, t.GONE)
        return
    if followed.user_id != press.user_id:
        await sender.answer(press.query_id, t.NOT_YOURS)
        return
    try:
        status = await speakers.control(entity, data.action)
    except SPEAKER_ERRORS as exc:
        await sender.answer(press.query_id, str(exc)[:190])
        return
    await sender.answer(press.query_id)
    await chat.show(entity, status)


HANDLERS: list[AnyHandler] = [
    CommandHandler("speaker", speaker_cmd),
]

BUTTONS: Routes = {
    SpeakerStart: on_start,
    SpeakerControl: on_control,
}
