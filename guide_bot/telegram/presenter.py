"""The Telegram chat as a front end of the session service: events in, messages out.

`ChatPresenter` implements the service's `FrontEnd` port (sessions/ports.py) for the chat each
session runs in.

Text mode: a step's announcement is one message (title, instruction, hold, pressure) with the
controls; the other cues due at the same moment are joined into one message, so a chat gets at
most one cue message per run of the sessions (the sessions also spaces runs at least 1 s apart).
Voice mode: the announcement is one voice note (the step's cues spoken at their offsets, so the
timing lives in the audio) with the step text as caption and the controls, in one sendVoice call;
the cues inside it are not sent again as text. "both" sends the voice note and the text cues.

Cues that are already stale when delivered (the countdown and "halfway" more than a couple of
seconds late, e.g. after a restart) are dropped; everything else is delivered late rather than
lost, and the end of a step (release) is always said.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from html import escape
from typing import Protocol

from telegram import InlineKeyboardMarkup, Message

from guide_bot.domain.cues import says_session_complete
from guide_bot.domain.session import Due, Position, SessionState
from guide_bot.domain.timeline import CueKind
from guide_bot.sessions.live import LiveSession
from guide_bot.sessions.ports import Acted, Ended
from guide_bot.storage.sessions import StoredSession
from guide_bot.telegram import keyboards, texts
from guide_bot.telegram.pictures import StepPictures
from guide_bot.telegram.sender import Sender

log = logging.getLogger(__name__)

STALE_AFTER_S = 2.0
_DROP_WHEN_STALE = {CueKind.COUNTDOWN, CueKind.HALFWAY}
_IN_STEP_AUDIO = {
    CueKind.HOLD_START,
    CueKind.CUE,
    CueKind.HALFWAY,
    CueKind.COUNTDOWN,
    CueKind.SWITCH_SIDES,
    CueKind.RELEASE,
    CueKind.REST,
}


def _joined(lines: list[str], text: str) -> str:
    """Cue lines due together with a message, put on top of it (one message, not two)."""
    if not lines:
        return text
    head = "\n".join(lines)
    lines.clear()
    return f"{head}\n\n{text}" if text else f"{head}\n\n"


class StepVoice(Protocol):
    """Sends voice notes with caption and keyboard, one sendVoice call each; None on failure."""

    async def send_note(
        self, live: LiveSession, step: int | None, caption: str, keyboard: InlineKeyboardMarkup
    ) -> Message | None:
        """The get-ready note (step None) or a step's note."""
        ...

    async def send_rest(
        self, live: LiveSession, caption: str, keyboard: InlineKeyboardMarkup
    ) -> Message | None:
        """The rest of the current step from the session's position now."""
        ...


CAPTION_LIMIT = 1000  # Telegram's caption limit is 1024 characters after entity parsing


class ChatPresenter:
    """Shows every session in its chat: step messages or voice notes, controls, the end."""

    def __init__(
        self, sender: Sender, voice: StepVoice | None = None, pictures: StepPictures | None = None
    ) -> None:
        self.sender = sender
        self.voice = voice
        self.pictures = pictures  # text mode: a step's message goes with its picture, once

    def controls(self, live: LiveSession) -> InlineKeyboardMarkup:
        """A fresh controls keyboard: the version goes up, older buttons become stale."""
        live.record.version += 1
        paused = live.session.state is SessionState.PAUSED
        return keyboards.controls(live.record.session_id, live.record.version, paused=paused)

    async def delivered(self, live: LiveSession, dues: Sequence[Due], now: float) -> None:
        """Send what these events say, in order (complete is left to the sessions)."""
        lines: list[str] = []
        for due in dues:
            if live.blocked:
                return
            kind = due.event.kind
            if kind in _DROP_WHEN_STALE and now - due.due_at > STALE_AFTER_S:
                continue
            if kind is CueKind.PREPARE:
                first = live.session.timeline.step_starts[0] - due.event.at_s
                text = texts.prepare_message(live.routine.title, first, live.routine.stop_rule)
                await self._voice_or_text(live, None, _joined(lines, text), now)
            elif kind is CueKind.ANNOUNCE and due.event.step is not None:
                step = live.routine.steps[due.event.step - 1]
                text = texts.step_message(due.event.step, len(live.routine.steps), step)
                await self._voice_or_text(live, due.event.step, _joined(lines, text), now)
            elif kind is CueKind.COMPLETE:
                live.leftover = _joined(lines, "")  # goes on top of the closing message
            elif kind in _IN_STEP_AUDIO and live.text_cues:
                lines.append(escape(due.event.text))
                live.end_said = live.end_said or says_session_complete(due.event.text)
        await self._flush(live, lines, now)

    async def _flush(self, live: LiveSession, lines: list[str], now: float) -> None:
        if lines and not live.blocked:
            await self.sender.text(live.chat_id, "\n".join(lines))
            live.last_send_at = now
        lines.clear()

    async def _controls_message(self, live: LiveSession, text: str, now: float) -> None:
        message = await self.sender.text(live.chat_id, text, self.controls(live))
        if message is not None:
            self._new_controls(live, message)
        live.last_send_at = now

    @staticmethod
    def _new_controls(live: LiveSession, message: Message) -> None:
        live.record.controls_message_id = message.message_id
        live.fresh_controls = True

    async def _voice_or_text(
        self, live: LiveSession, step: int | None, text: str, now: float
    ) -> None:
        """A voice note with the text as caption, or the text alone; with the controls."""
        if live.voice and self.voice is not None:
            message = await self.voice.send_note(live, step, text, self.controls(live))
            if message is not None:
                self._new_controls(live, message)
                live.last_send_at = now
                return
            if live.blocked:
                return
            await self._speech_failed(live)
        elif live.voice:
            await self._speech_failed(live)
        if step is not None and await self._step_picture(live, step, text, now):
            return
        await self._controls_message(live, text, now)

    async def _step_picture(self, live: LiveSession, step: int, text: str, now: float) -> bool:
        """The step message as the caption of where the step works (one sendPhoto), the first
        time the step is shown; False (send the text) when there is no picture or it is too long.
        """
        key = f"picture:{step}"
        if self.pictures is None or key in live.notes or len(text) > CAPTION_LIMIT:
            return False
        live.notes.append(key)
        inputs = live.record.plan
        message = await self.pictures.send(
            live.chat_id,
            live.routine,
            step - 1,
            text,
            length=str(inputs.get("length", "standard")),
            conditions=[str(name) for name in inputs.get("conditions") or []],
            keyboard=self.controls(live),
        )
        if message is None:
            return False
        self._new_controls(live, message)
        live.last_send_at = now
        return True

    async def _speech_failed(self, live: LiveSession) -> None:
        live.record.speech_failed = True
        await self.notice(live, texts.SPEECH_UNAVAILABLE)

    async def rest(self, live: LiveSession, now: float) -> bool:
        """Voice mode: send the rest of the current step as a fresh note (after resume, +15 s)."""
        if not live.voice or self.voice is None:
            return False
        position = live.session.position(now)
        if position.step is None:
            return False
        step = live.routine.steps[position.step - 1]
        text = texts.step_message(position.step, len(live.routine.steps), step)
        message = await self.voice.send_rest(live, text, self.controls(live))
        if message is None:
            return False
        self._new_controls(live, message)
        live.last_send_at = now
        return True

    async def notice(self, live: LiveSession, text: str) -> None:
        """Say something once per session (e.g. that speech is unavailable)."""
        if text in live.notes:
            return
        live.notes.append(text)
        await self.sender.text(live.chat_id, text)

    async def acted(self, live: LiveSession, acted: Acted) -> None:
        """After Resume or +15 s a voice session gets the rest of the step as a fresh note (the
        note already sent no longer matches the timing); otherwise the buttons follow the state."""
        sent_new = live.fresh_controls
        if acted.action in ("resume", "add") and not sent_new and await self.rest(live, acted.now):
            sent_new = True
        if live.session.state is not acted.before and not sent_new:
            await self.refresh_controls(live)

    async def speech_unavailable(self, live: LiveSession) -> None:
        """Speech failed at the start: say once that the session goes on in text."""
        await self.notice(live, texts.SPEECH_UNAVAILABLE)

    async def ended(self, live: LiveSession, ended: Ended, *, notify: bool, ask_pain: bool) -> None:
        """The buttons go from the last message; the closing message asks for the pain rating."""
        if not notify:
            return
        if live.record.controls_message_id is not None:
            await self.sender.edit_keyboard(live.chat_id, live.record.controls_message_id, None)
        if ask_pain:
            text = texts.closing(ended.completed, end_said=live.end_said, title=live.routine.title)
            await self.sender.text(
                live.chat_id,
                f"{live.leftover}{text}\n\n{texts.PAIN_AFTER}",
                keyboards.pain_after(ended.entry_id),
            )

    async def restored_late(self, live: LiveSession) -> None:
        """A restart made the session late: say so before the missed cues."""
        await self.sender.text(live.chat_id, texts.RESTART_CONTINUED)

    async def restored_paused(self, live: LiveSession, where: Position) -> None:
        """A restart paused the session: say where, with the controls (Resume)."""
        text = texts.RESTART_PAUSED.format(
            title=texts.escape(live.routine.title),
            where=texts.at_step(where.step, where.step_count),
        )
        message = await self.sender.text(live.chat_id, text, self.controls(live))
        if message is not None:
            self._new_controls(live, message)

    async def restored_lost(self, record: StoredSession) -> None:
        """A restart could not pick the session up: it is in the history as stopped."""
        title = texts.escape(record.routine_id)
        await self.sender.text(record.chat_id, texts.RESTART_LOST.format(title=title))

    async def refresh_controls(self, live: LiveSession) -> None:
        """Redraw the controls (Pause <-> Resume) on the session's current message."""
        message_id = live.record.controls_message_id
        if message_id is not None:
            await self.sender.edit_keyboard(live.chat_id, message_id, self.controls(live))
