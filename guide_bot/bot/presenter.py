"""Turns what a session hands out (its due events) into Telegram messages for one chat.

Text mode: a step's announcement is one message (title, instruction, hold, pressure) with the
controls; the other cues due at the same moment are joined into one message, so a chat gets at
most one cue message per run of the driver (the driver also spaces runs at least 1 s apart).
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
from dataclasses import dataclass, field
from html import escape
from typing import Any, Protocol

from telegram import InlineKeyboardMarkup, Message

from guide_bot.bot import keyboards, texts
from guide_bot.bot.sender import Sender
from guide_bot.domain.cues import says_session_complete
from guide_bot.domain.routine import Routine
from guide_bot.domain.session import Due, Session, SessionState
from guide_bot.domain.timeline import CueKind
from guide_bot.storage.sessions import ActiveSession

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


@dataclass(kw_only=True)
class Live:
    """A session in progress in memory: its record, the machine, its routine."""

    record: ActiveSession
    session: Session
    routine: Routine
    last_send_at: float = 0.0
    blocked: bool = False
    notes: list[str] = field(default_factory=list)  # once-per-session notices already given
    leftover: str = ""  # cues due together with the end, said in the closing message
    end_said: bool = False  # the final cue ("Session complete") went out as text
    voice_notes: Any = None  # the session's voice (speech's VoiceNotes), opened at its start

    @property
    def chat_id(self) -> int:
        """The chat the session runs in."""
        return self.record.chat_id

    @property
    def voice(self) -> bool:
        """Whether steps are sent as voice notes."""
        return self.record.mode in ("voice", "both") and not self.record.speech_failed

    @property
    def text_cues(self) -> bool:
        """Whether cues are sent as text messages."""
        return not self.voice or self.record.mode == "both"


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
        self, live: Live, step: int | None, caption: str, keyboard: InlineKeyboardMarkup
    ) -> Message | None:
        """The get-ready note (step None) or a step's note."""
        ...

    async def send_rest(
        self, live: Live, caption: str, keyboard: InlineKeyboardMarkup
    ) -> Message | None:
        """The rest of the current step from the session's position now."""
        ...


class Presenter:
    """Sends the due events of one session to its chat."""

    def __init__(self, sender: Sender, voice: StepVoice | None = None) -> None:
        self.sender = sender
        self.voice = voice

    def controls(self, live: Live) -> InlineKeyboardMarkup:
        """A fresh controls keyboard: the version goes up, older buttons become stale."""
        live.record.version += 1
        paused = live.session.state is SessionState.PAUSED
        return keyboards.controls(live.record.session_id, live.record.version, paused=paused)

    async def deliver(self, live: Live, dues: Sequence[Due], now: float) -> None:
        """Send what these events say, in order (complete is left to the driver)."""
        lines: list[str] = []
        for due in dues:
            if live.blocked:
                return
            kind = due.event.kind
            if kind in _DROP_WHEN_STALE and now - due.due_at > STALE_AFTER_S:
                continue
            if kind is CueKind.PREPARE:
                first = live.session.timeline.step_starts[0] - due.event.at_s
                text = texts.prepare_message(live.routine.title, first)
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

    async def _flush(self, live: Live, lines: list[str], now: float) -> None:
        if lines and not live.blocked:
            await self.sender.text(live.chat_id, "\n".join(lines))
            live.last_send_at = now
        lines.clear()

    async def _controls_message(self, live: Live, text: str, now: float) -> None:
        message = await self.sender.text(live.chat_id, text, self.controls(live))
        if message is not None:
            live.record.controls_message_id = message.message_id
        live.last_send_at = now

    async def _voice_or_text(self, live: Live, step: int | None, text: str, now: float) -> None:
        """A voice note with the text as caption, or the text alone; with the controls."""
        if live.voice and self.voice is not None:
            message = await self.voice.send_note(live, step, text, self.controls(live))
            if message is not None:
                live.record.controls_message_id = message.message_id
                live.last_send_at = now
                return
            if live.blocked:
                return
            await self._speech_failed(live)
        elif live.voice:
            await self._speech_failed(live)
        await self._controls_message(live, text, now)

    async def _speech_failed(self, live: Live) -> None:
        live.record.speech_failed = True
        await self.notice(live, texts.SPEECH_UNAVAILABLE)

    async def rest(self, live: Live, now: float) -> bool:
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
        live.record.controls_message_id = message.message_id
        live.last_send_at = now
        return True

    async def notice(self, live: Live, text: str) -> None:
        """Say something once per session (e.g. that speech is unavailable)."""
        if text in live.notes:
            return
        live.notes.append(text)
        await self.sender.text(live.chat_id, text)

    async def refresh_controls(self, live: Live) -> None:
        """Redraw the controls (Pause <-> Resume) on the session's current message."""
        message_id = live.record.controls_message_id
        if message_id is not None:
            await self.sender.edit_keyboard(live.chat_id, message_id, self.controls(live))
