"""Hands-free delivery: the whole session as ONE audio message (sendAudio, MP3).

The track is rendered by `speech.session_tracks.SessionTracks` (the same renderer the speakers
use) in the session's voice, cached in the audio cache, uploaded once per routine, voice,
language and length, and re-sent by Telegram's file_id from then on (MediaRepository keeps the
file id per track key; a file_id Telegram refuses is forgotten and the track uploaded again).
Title = the routine, performer = the bot's name, the duration, and the steps with their start
times in the caption, so one tap plays the routine to the end in Telegram's player.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, InputFile, Message
from telegram.error import BadRequest

from guide_bot.config import Settings
from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import Timeline
from guide_bot.i18n import DEFAULT_LANGUAGE, EN, Translator, translator
from guide_bot.speech.service import SpeechService, voice_from_dict
from guide_bot.speech.session_tracks import SessionTracks, TrackFile
from guide_bot.storage.media import MediaRepository
from guide_bot.telegram import texts
from guide_bot.telegram.sender import Sender

log = logging.getLogger(__name__)

TRACK_FORMAT = "mp3"
DEFAULT_PERFORMER = "Guide bot"


@dataclass(frozen=True, kw_only=True, slots=True)
class SentTrack:
    """The audio message sent, and the track's length (the session's length hands-free)."""

    message: Message
    duration_s: float


class TrackSender:
    """Renders and sends whole-session tracks; one `SessionTracks` per language and voice (its
    language and accent): the language is in every track's cache key, so no language ever plays
    another's cue words."""

    def __init__(
        self, speech: SpeechService, settings: Settings, media: MediaRepository, sender: Sender
    ) -> None:
        self.speech = speech
        self.settings = settings
        self.media = media
        self._sender = sender
        self._tracks: dict[tuple[str, str, str], SessionTracks] = {}

    def tracks_for(self, stored_voice: object, language: str = DEFAULT_LANGUAGE) -> SessionTracks:
        """The track renderer of the voice stored with a session (the defaults if none) and the
        session's language (guide_bot/i18n code)."""
        voice = voice_from_dict(stored_voice, self.settings)
        key = (language, voice.language, voice.tld)
        found = self._tracks.get(key)
        if found is None:
            voiced = self.settings.model_copy(update={"language": voice.language, "tld": voice.tld})
            found = SessionTracks(
                voiced,
                cache=self.speech.cache,
                selector=self.speech.selector,
                wording=translator(language),
            )
            self._tracks[key] = found
        return found

    async def render(
        self, routine: Routine, stored_voice: object, language: str = DEFAULT_LANGUAGE
    ) -> tuple[TrackFile, Timeline]:
        """The track file and the timeline it was rendered from (raises SpeechError, OSError)."""
        tracks = self.tracks_for(stored_voice, language)
        track = await tracks.track(routine, TRACK_FORMAT)
        return track, await tracks.track_plan(routine)

    def performer(self) -> str:
        """The bot's name as getMe gave it (first_name), for the player's 'artist' line."""
        try:
            return self._sender.bot.first_name or DEFAULT_PERFORMER
        except RuntimeError:  # not initialised (no getMe yet)
            return DEFAULT_PERFORMER

    async def send(
        self,
        chat_id: int,
        routine: Routine,
        stored_voice: object,
        keyboard: InlineKeyboardMarkup,
        *,
        tr: Translator = EN,
    ) -> SentTrack | None:
        """Send the routine's track in the language of `tr`; None if it could not be rendered or
        sent."""
        try:
            track, timeline = await self.render(routine, stored_voice, tr.code)
        except Exception as exc:  # no engine, a failing engine, a full disk: carry on in text
            log.warning("chat %s: hands-free track failed: %s", chat_id, type(exc).__name__)
            return None
        starts = timeline.step_starts
        steps = [(at_s, step.title) for at_s, step in zip(starts, routine.steps, strict=False)]
        caption = texts.hands_free_caption(routine.title, steps, track.duration_s, tr=tr)
        message = await self._send(chat_id, routine, track, caption, keyboard, tr.code)
        return None if message is None else SentTrack(message=message, duration_s=track.duration_s)

    async def _send(
        self,
        chat_id: int,
        routine: Routine,
        track: TrackFile,
        caption: str,
        keyboard: InlineKeyboardMarkup,
        language: str,
    ) -> Message | None:
        sender = self._sender
        media_key = f"track:{language}:{track.key}"  # one file id per language and track
        performer = self.performer()
        duration = max(1, round(track.duration_s))
        file_id = self.media.get(media_key)
        if file_id is not None:
            try:
                return await sender.call(
                    chat_id,
                    "sendAudio",
                    lambda: sender.bot.send_audio(
                        chat_id,
                        audio=file_id,
                        caption=caption,
                        reply_markup=keyboard,
                        duration=duration,
                        title=routine.title,
                        performer=performer,
                    ),
                    reraise=(BadRequest,),
                )
            except BadRequest:
                log.info("stored file_id refused; uploading the track again")
                self.media.forget(media_key)
        data = track.data if track.data is not None else track.path.read_bytes()
        message = await sender.call(
            chat_id,
            "sendAudio",
            lambda: sender.bot.send_audio(
                chat_id,
                audio=InputFile(data, filename=f"{routine.id}.{TRACK_FORMAT}"),
                caption=caption,
                reply_markup=keyboard,
                duration=duration,
                title=routine.title,
                performer=performer,
            ),
        )
        if message is not None and message.audio is not None:
            self.media.put(media_key, message.audio.file_id)
        return message
