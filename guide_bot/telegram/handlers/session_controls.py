"""Controlling a session: the Pause/Resume, Skip, Back, +15 s and Stop buttons and commands,
and Done / Stopped early under a hands-free track.

No dead buttons: a button of the session in progress acts on its current state whichever of its
messages carries it (Pause on an older message while paused resumes, as the current message's
button would); a button of a session that is over loses its keyboard when pressed and says so.
Only the user who started the session controls it.
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
    SessionState,
)
from guide_bot.i18n import Translator
from guide_bot.sessions.service import HandsFreeSession
from guide_bot.telegram import texts
from guide_bot.telegram.callbacks import Action, Control
from guide_bot.telegram.context import AnyHandler, BotContext, Services
from guide_bot.telegram.handlers.common import Press, current_user, tr_for, tr_of
from guide_bot.telegram.routing import Routes

REFUSALS: dict[type[SessionError], str] = {
    AlreadyPaused: texts.ALREADY_PAUSED,
    NotPaused: texts.NOT_PAUSED,
    NotInHold: texts.NOT_IN_HOLD,
    HandsFreeSession: texts.HANDS_FREE_CONTROLS,
}
DONE_TEXT: dict[Action, str | None] = {
    "pause": None,
    "resume": texts.RESUMED,
    "skip": None,
    "back": None,
    "add": texts.ADDED_TIME,
    "stop": None,
    "done": None,
    "quit": None,
}


def _paused_text(session: SessionMachine, now: float, tr: Translator) -> str:
    position = session.position(now)
    return tr.t(texts.PAUSED, where=texts.at_step(position.step, position.step_count, tr=tr))


async def act(chat_id: int, action: Action, services: Services, *, tr: Translator) -> str | None:
    """Carry out an action on the chat's session; returns what to tell the user (if anything),
    in the language of `tr`."""
    sessions = services.sessions
    if sessions.get(chat_id) is None:
        return tr.gettext(texts.NO_SESSION)
    if action == "stop":
        await sessions.stop(chat_id)
        return None
    if action in ("done", "quit"):
        ended = await sessions.report(chat_id, completed=action == "done")
        return None if ended is not None else tr.gettext(texts.NO_SESSION)
    try:
        live = await sessions.control(chat_id, action)
    except SessionError as exc:
        return tr.gettext(REFUSALS.get(type(exc), texts.NO_SESSION))
    if live is None:
        return tr.gettext(texts.NO_SESSION)
    if action == "pause":
        return _paused_text(live.session, services.clock.now(), tr)
    done = DONE_TEXT[action]
    return tr.gettext(done) if done is not None else None


async def on_button(data: Control, press: Press, context: BotContext) -> None:
    services = context.services
    chat_id, user_id = press.chat_id, press.user_id
    sender = services.sender
    tr = tr_of(user_id, services)
    live = services.sessions.get(chat_id)
    if live is None or data.sid != live.record.session_id:
        # a session that is over: its buttons go, so that none looks alive and does nothing
        await sender.answer(press.query_id, tr.gettext(texts.SESSION_OVER))
        await sender.edit_keyboard(chat_id, press.message_id, None)
        return
    if user_id != live.record.user_id:
        await sender.answer(press.query_id, tr.gettext(texts.NOT_YOUR_SESSION))
        return
    if data.ver > live.record.version:  # a version the bot never sent: forged
        await sender.answer(press.query_id, tr.gettext(texts.INVALID_BUTTON))
        return
    action = data.action
    if data.ver != live.record.version and action in ("pause", "resume"):
        # an older message's Pause/Resume: act as the current message's button would
        paused = live.session.state is SessionState.PAUSED
        action = "resume" if paused else "pause"
    reply = await act(chat_id, action, services, tr=tr)
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
    tr = tr_for(user)
    live = services.sessions.get(user.chat_id)
    if live is not None and live.record.user_id != user.user_id:
        await services.sender.text(user.chat_id, tr.gettext(texts.NOT_YOUR_SESSION))
        return
    reply = await act(user.chat_id, COMMAND_ACTIONS[action], services, tr=tr)
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
