"""Voice notes in sessions: the voice chosen at the start, notes sent once then by file_id.

One session speaks in one voice: the engine is picked (by the speech package's probe) when the
session starts, and again for the same voice settings after a restart. A note is uploaded the
first time its audio is sent; Telegram's file_id is stored per audio key and re-used from then
on, so a repeated routine costs no upload. Rendering runs off the event loop, and the next step's
note is rendered ahead while the current one plays.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import InlineKeyboardMarkup, InputFile, Message
from telegram.error import BadRequest

from guide_bot.config import Settings
from guide_bot.domain.clock import Clock
from guide_bot.domain.lead_in import lead_in_texts
from guide_bot.domain.timeline import Timeline, moved
from guide_bot.sessions.live import LiveSession
from guide_bot.speech.notes import VoiceNote, VoiceNotes
from guide_bot.speech.selection import NoSpeech
from guide_bot.speech.service import SessionSpeech, SpeechService, voice_from_dict
from guide_bot.storage.media import MediaRepository
from guide_bot.telegram.handsfree import SentTrack, TrackSender
from guide_bot.telegram.sender import Sender

log = logging.getLogger(__name__)

CAPTION_LIMIT = 1024


class VoiceNoteSender:
    """Sends a session's voice notes (implements presenter.StepVoice)."""

    def __init__(
        self, speech: SpeechService, settings: Settings, media: MediaRepository, clock: Clock,
        sender: Sender,
    ) -> None:  # fmt: skip
        self.speech = speech
        self.settings = settings
        self.media = media
        self.clock = clock
        self._sender = sender
        self._ahead: set[asyncio.Task[Any]] = set()
        self.tracks = TrackSender(speech, settings, media, sender)

    async def send_track(
        self, live: LiveSession, keyboard: InlineKeyboardMarkup
    ) -> SentTrack | None:
        """Hands-free: the whole session as one audio message; None if it failed."""
        voice = live.record.plan.get("voice")
        return await self.tracks.send(live.chat_id, live.routine, voice, keyboard, tr=live.tr)

    async def _notes(self, live: LiveSession) -> VoiceNotes | None:
        if live.speech is None:  # after a restart: the same voice again
            voice = voice_from_dict(live.record.plan.get("voice"), self.settings)
            opened = await self.speech.for_session(voice, now=self.clock.now())
            if isinstance(opened, NoSpeech):
                log.warning("no speech engine for a session: %s", opened.reason)
                return None
            live.speech = opened
        speech = live.speech
        return speech.notes if isinstance(speech, SessionSpeech) else None

    async def send_note(
        self, live: LiveSession, step: int | None, caption: str, keyboard: InlineKeyboardMarkup
    ) -> Message | None:
        """Send the opening note (step None: get ready and step 1) or a step's note; None if
        speech failed."""
        notes = await self._notes(live)
        if notes is None:
            return None
        timeline = live.session.timeline
        try:
            if step is None:
                note = await asyncio.to_thread(notes.opening, timeline)
            else:
                note = await asyncio.to_thread(notes.step, timeline, step)
        except Exception as exc:  # an engine that fails mid-session: carry on in text
            log.warning("chat %s: voice note failed: %s", live.chat_id, type(exc).__name__)
            return None
        message = await self._send(live, note, caption, keyboard)
        next_step = 2 if step is None else step + 1
        if message is not None and next_step <= timeline.step_count:
            self._render_ahead(notes, timeline, next_step)
        return message

    async def send_rest(
        self, live: LiveSession, caption: str, keyboard: InlineKeyboardMarkup
    ) -> Message | None:
        """The rest of the current step from where the session is now (after resume or +15 s),
        opening with where the person is ("Right side, one minute twenty left.")."""
        notes = await self._notes(live)
        if notes is None:
            return None
        now = self.clock.now()
        offset = live.session.position(now).offset_s
        timeline = moved(live.session.timeline, live.session.event_times())
        end = next((s for s in timeline.step_starts if s > offset + 1e-6), timeline.total_s)
        openings = lead_in_texts(live.routine, timeline, offset, live.tr)
        try:
            note = await asyncio.to_thread(notes.picked_up, timeline, offset, end, openings)
        except Exception as exc:
            log.warning("chat %s: voice note failed: %s", live.chat_id, type(exc).__name__)
            return None
        return await self._send(live, note, caption, keyboard)

    async def settle(self) -> None:
        """Wait for the notes being rendered ahead (before /forget deletes their files)."""
        while self._ahead:
            await asyncio.gather(*self._ahead, return_exceptions=True)

    def _render_ahead(self, notes: VoiceNotes, timeline: Timeline, step: int) -> None:
        task = asyncio.create_task(asyncio.to_thread(notes.step, timeline, step))
        self._ahead.add(task)
        task.add_done_callback(self._ahead.discard)

    async def _send(
        self, live: LiveSession, note: VoiceNote, caption: str, keyboard: InlineKeyboardMarkup
    ) -> Message | None:
        sender = self._sender
        if len(caption) > CAPTION_LIMIT:
            caption = caption[: caption.find("\n")] if "\n" in caption else caption[:CAPTION_LIMIT]
        file_id = self.media.get(note.key)
        if file_id is not None:
            try:
                return await sender.call(
                    live.chat_id,
                    "sendVoice",
                    lambda: sender.bot.send_voice(
                        live.chat_id,
                        voice=file_id,
                        caption=caption,
                        reply_markup=keyboard,
                        duration=note.telegram_duration,
                    ),
                    reraise=(BadRequest,),
                )
            except BadRequest:
                log.info("stored file_id refused; uploading the voice note again")
                self.media.forget(note.key)
        message = await sender.call(
            live.chat_id,
            "sendVoice",
            lambda: sender.bot.send_voice(
                live.chat_id,
                voice=InputFile(note.data, filename="step.ogg"),
                caption=caption,
                reply_markup=keyboard,
                duration=note.telegram_duration,
            ),
        )
        if message is not None and message.voice is not None:
            self.media.put(note.key, message.voice.file_id)
        return message
