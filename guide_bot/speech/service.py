"""What sessions use: one voice per session, real cue lengths, step voice notes.

`SpeechService.for_session` picks the engine when a session starts (a probe, remembered for a
while) and returns a `SessionSpeech` bound to it for the whole session, or `NoSpeech` when no
engine works (carry on in text, say so once). Blocking work runs off the event loop. The voice a
user's settings ask for, and its stored form (a session keeps its voice across a restart), are
here too.
"""

from __future__ import annotations

import asyncio
from typing import Any

from guide_bot.config import Settings
from guide_bot.i18n import DEFAULT_LANGUAGE
from guide_bot.speech.cache import AudioCache
from guide_bot.speech.cues import CueAudio
from guide_bot.speech.languages import speech_voice
from guide_bot.speech.notes import VoiceNotes
from guide_bot.speech.ports import SpeechEngine
from guide_bot.speech.selection import EngineSelector, NoSpeech, Voice
from guide_bot.speech.setup import open_cache

# The accents of the English voice offered in /settings, as (language, gTTS top-level domain).
ACCENTS: dict[str, tuple[str, str]] = {
    "en": ("en", "com"),
    "en-gb": ("en", "co.uk"),
    "en-au": ("en", "com.au"),
    "en-in": ("en", "co.in"),
}


def voice_for(
    accent: str | None, slow: bool, settings: Settings, *, language: str = DEFAULT_LANGUAGE
) -> Voice:
    """The voice of a user's language (guide_bot/i18n codes) and pace. English is spoken in the
    accent chosen in /settings (the bot's defaults where it says nothing); every other language
    in its own voice (speech/languages.py)."""
    if language != DEFAULT_LANGUAGE:
        return speech_voice(language, slow=slow)
    language, tld = ACCENTS.get(accent or "", (settings.language, settings.tld))
    return Voice(language=language, tld=tld, slow=slow)


def voice_to_dict(voice: Voice) -> dict[str, Any]:
    """The voice as stored with a session."""
    return {"language": voice.language, "tld": voice.tld, "slow": voice.slow}


def voice_from_dict(data: Any, settings: Settings) -> Voice:
    """The stored voice of a session (the defaults if it has none)."""
    if not isinstance(data, dict):
        return Voice(language=settings.language, tld=settings.tld)
    return Voice(
        language=str(data.get("language", settings.language)),
        tld=str(data.get("tld", settings.tld)),
        slow=bool(data.get("slow", False)),
    )


class SessionSpeech:
    """One session's voice: its cue lengths, its plan and its voice notes."""

    def __init__(self, engine: SpeechEngine, cache: AudioCache, *, chimes: bool = True) -> None:
        self.cues = CueAudio(engine, cache)
        self.notes = VoiceNotes(self.cues, chimes=chimes)

    def speak_s(self, text: str) -> float:
        """The real length of a text in this voice (synthesizes on a cache miss)."""
        return self.cues.duration_s(text)


class SpeechService:
    """Engine choice and the shared cache for every session of the process."""

    def __init__(
        self,
        settings: Settings,
        *,
        selector: EngineSelector | None = None,
        cache: AudioCache | None = None,
    ) -> None:
        self.selector = selector or EngineSelector.from_settings(settings)
        self.cache = cache or open_cache(settings)

    async def for_session(self, voice: Voice, *, now: float) -> SessionSpeech | NoSpeech:
        """The voice of a session starting at `now`, fixed for its whole length."""
        outcome = await asyncio.to_thread(self.selector.pick, voice, now=now)
        if isinstance(outcome, NoSpeech):
            return outcome
        return SessionSpeech(outcome, self.cache)
