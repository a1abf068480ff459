"""Controlling a session: the Pause/Resume, Skip, Back, +15 s and Stop buttons and commands.

A button counts only if it is the session's current one (its id and version match) and comes
from the user who started the session; otherwise it gets a short answer and changes nothing.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from guide_bot.domain.session import (
    AlreadyPaused,
    NotInHold,
    NotPaused,
    Session,
    SessionError,
)
from guide_bot.sessions.service import Op
from guide_bot.telegram import texts
from guide_bot.telegram.callbacks import Action, Control, pattern
from guide_bot.telegram.handlers.common import button_press, current_user
from guide_bot.telegram.services import App, Services

OPS: dict[Action, Op] = {
    "pause": lambda s, t: s.pause(t),
    "resume": lambda s, t: s.resume(t),
    "skip": lambda s, t: s.skip(t),
    "back": lambda s, t: s.back(t),
    "add": lambda s, t: s.add_time(t),
}
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


def _paused_text(session: Session, now: float) -> str:
    position = session.position(now)
    return texts.PAUSED.format(where=texts.at_step(position.step, position.step_count))


async def act(chat_id: int, action: Action, services: Services) -> str | None:
    """Carry out an action on the chat's session; returns what to tell the user (if anything)."""
    driver = services.require_driver()
    if driver.get(chat_id) is None:
        return texts.NO_SESSION
    if action == "stop":
        await driver.stop(chat_id)
        return None
    try:
        live = await driver.control(chat_id, OPS[action], rest_note=action in ("resume", "add"))
    except SessionError as exc:
        return REFUSALS.get(type(exc), texts.NO_SESSION)
    if live is None:
        return texts.NO_SESSION
    if action == "pause":
        return _paused_text(live.session, services.clock.now())
    return DONE_TEXT[action]


def register(app: App, services: Services) -> None:
    """Add the control buttons and /pause /resume /skip /back /stop."""

    async def on_button(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        press = button_press(update)
        if press is None:
            return
        chat_id, user_id, data = press.chat_id, press.user_id, press.data
        sender = services.require_sender()
        live = services.require_driver().get(chat_id)
        if not isinstance(data, Control):
            await sender.answer(press.query_id, texts.INVALID_BUTTON)
            return
        if live is None or data.sid != live.record.session_id or data.ver != live.record.version:
            await sender.answer(press.query_id, texts.STALE_BUTTON)
            return
        if user_id != live.record.user_id:
            await sender.answer(press.query_id, texts.NOT_YOUR_SESSION)
            return
        reply = await act(chat_id, data.action, services)
        await sender.answer(press.query_id, _plain(reply))

    def command(action: Action) -> CommandHandler[ContextTypes.DEFAULT_TYPE, None]:
        async def handle(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
            user = current_user(update, services)
            if user is None:
                return
            live = services.require_driver().get(user.chat_id)
            if live is not None and live.record.user_id != user.user_id:
                await services.require_sender().text(user.chat_id, texts.NOT_YOUR_SESSION)
                return
            reply = await act(user.chat_id, action, services)
            if reply is not None:
                await services.require_sender().text(user.chat_id, reply)

        return CommandHandler(action, handle)

    app.add_handler(CallbackQueryHandler(on_button, pattern=pattern(Control)))
    for action in ("pause", "resume", "skip", "back", "stop"):
        app.add_handler(command(action))


def _plain(text: str | None) -> str | None:
    """Toasts show no HTML: drop the few tags texts use."""
    if text is None:
        return None
    for tag in ("<b>", "</b>", "<i>", "</i>", "<code>", "</code>"):
        text = text.replace(tag, "")
    return text[:190]
