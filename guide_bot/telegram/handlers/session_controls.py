"""Controlling a session: the Pause/Resume, Skip, Back, +15 s and Stop buttons and commands.

A button counts only if it is the session's current one (its id and version match) and comes
from the user who started the session; otherwise it gets a short answer and changes nothing.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from guide_bot.domain.session import (
    AlreadyPaused,
    NotInHold,
    NotPaused,
    SessionError,
    SessionMachine,
)
from guide_bot.telegram import texts
from guide_bot.telegram.callbacks import Action, Control
from guide_bot.telegram.context import AnyHandler, BotContext, Services
from guide_bot.telegram.handlers.common import Press, current_user
from guide_bot.telegram.routing import Routes

REFUSALS: dict[type[SessionError], str] = {
    AlreadyPaused: texts.ALREADY_PAUSED,
    NotPaused: texts.NOT_PAUSED,
    NotInHold: texts.NOT_IN_HOLD,
}
DONE_TEXT: dict[Action, str | None] = {
    "pause": None,
    "resume": texts.RESUMED,
    "skip": None,
    "back": None,
    "add": texts.ADDED_TIME,
    "stop": None,
}


def _paused_text(session: SessionMachine, now: float) -> str:
    position = session.position(now)
    return texts.PAUSED.format(where=texts.at_step(position.step, position.step_count))


async def act(chat_id: int, action: Action, services: Services) -> str | None:
    """Carry out an action on the chat's session; returns what to tell the user (if anything)."""
    sessions = services.sessions
    if sessions.get(chat_id) is None:
        return texts.NO_SESSION
    if action == "stop":
        await sessions.stop(chat_id)
        return None
    try:
        live = await sessions.control(chat_id, action)
    except SessionError as exc:
        return REFUSALS.get(type(exc), texts.NO_SESSION)
    if live is None:
        return texts.NO_SESSION
    if action == "pause":
        return _paused_text(live.session, services.clock.now())
    return DONE_TEXT[action]


async def on_button(data: Control, press: Press, context: BotContext) -> None:
    services = context.services
    chat_id, user_id = press.chat_id, press.user_id
    sender = services.sender
    live = services.sessions.get(chat_id)
    if live is None or data.sid != live.record.session_id or data.ver != live.record.version:
        await sender.answer(press.query_id, texts.STALE_BUTTON)
        return
    if user_id != live.record.user_id:
        await sender.answer(press.query_id, texts.NOT_YOUR_SESSION)
        return
    reply = await act(chat_id, data.action, services)
    await sender.answer(press.query_id, _plain(reply))


async def control_cmd(update: Update, context: BotContext) -> None:
    """/pause, /resume, /skip, /back and /stop: the same actions as the buttons."""
    services = context.services
    message = update.effective_message
    user = current_user(update, services)
    if user is None or message is None or not message.text:
        return
    action = message.text.split()[0].lstrip("/").split("@")[0].lower()
    if action not in COMMAND_ACTIONS:
        return
    live = services.sessions.get(user.chat_id)
    if live is not None and live.record.user_id != user.user_id:
        await services.sender.text(user.chat_id, texts.NOT_YOUR_SESSION)
        return
    reply = await act(user.chat_id, COMMAND_ACTIONS[action], services)
    if reply is not None:
        await services.sender.text(user.chat_id, reply)


COMMAND_ACTIONS: dict[str, Action] = {
    "pause": "pause",
    "resume": "resume",
    "skip": "skip",
    "back": "back",
    "stop": "stop",
}


HANDLERS: list[AnyHandler] = [
    CommandHandler(list(COMMAND_ACTIONS), control_cmd),
]


BUTTONS: Routes = {
    Control: on_button,
}


def _plain(text: str | None) -> str | None:
    """Toasts show no HTML: drop the few tags texts use."""
    if text is None:
        return None
    for tag in ("<b>", "</b>", "<i>", "</i>", "<code>", "</code>"):
        text = text.replace(tag, "")
    return text[:190]
