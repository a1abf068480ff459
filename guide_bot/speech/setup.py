"""Building the speech pieces from Settings: the cache, the engine and the cue audio.

The composition root (the bot's bootstrap, the command line) calls these; nothing in speech/
builds its own settings.
"""

from __future__ import annotations

from collections.abc import Callable

from guide_bot.config import Settings, TtsChoice
from guide_bot.speech.cache import AudioCache
from guide_bot.speech.cues import CueAudio
from guide_bot.speech.ports import SpeechError
from guide_bot.speech.selection import engine_for_cli

__all__ = ["SpeechError", "cue_audio", "open_cache"]

MB = 1024 * 1024


def open_cache(settings: Settings) -> AudioCache:
    """The audio cache at `GUIDE_BOT_AUDIO_CACHE`, capped at `GUIDE_BOT_AUDIO_CACHE_MAX_MB`."""
    return AudioCache(settings.audio_cache, max_bytes=int(settings.audio_cache_max_mb * MB))


def cue_audio(
    settings: Settings,
    choice: TtsChoice | None = None,
    *,
    notify: Callable[[str], None] | None = None,
) -> CueAudio:
    """Cue audio in the engine `choice` (default: GUIDE_BOT_TTS) picked by a probe.

    `notify` gets the one line saying that espeak-ng speaks because gTTS is unreachable.
    Raises SpeechError when no engine works.
    """
    engine = engine_for_cli(choice or settings.tts, settings, notify=notify)
    return CueAudio(engine, open_cache(settings))
