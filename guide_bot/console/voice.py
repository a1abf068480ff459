"""The player's voice: the speech package's engine and audio cache, as WAV clips to play.

Nothing is synthesized here that speech/ does not already do: the engine is chosen with
`engine_for_cli` (GUIDE_BOT_TTS / --tts, probed once, one voice for the whole session), clips
come from `CueAudio` through the content-addressed audio cache (trimmed 16-bit mono WAV, which
any player accepts as it is), and the end chime is speech's chime. Every text of the routine is
fetched before the session starts, both to plan with the real durations and so that playback
during the session is a cache hit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from guide_bot.config import Settings, TtsChoice
from guide_bot.console.audio import AudioBackend
from guide_bot.console.preparation import Prepared, Progress
from guide_bot.console.sound import VoiceSound
from guide_bot.console.speaker import Speaker
from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import plan
from guide_bot.speech.cache import AudioCache
from guide_bot.speech.chime import chime
from guide_bot.speech.codecs import CodecError, pcm_to_wav
from guide_bot.speech.cues import CueAudio
from guide_bot.speech.ports import SpeechError
from guide_bot.speech.selection import engine_for_cli

MB = 1024 * 1024
DEFAULT_RATE = 22_050


class VoiceUnavailable(Exception):
    """No speech for this session; the message says why (shown once, then text is used)."""


class CachedVoice:
    """Clips of one engine's voice from the audio cache, as WAV bytes."""

    def __init__(self, cues: CueAudio) -> None:
        self.cues = cues
        self._chime: bytes | None = None
        self._rate = DEFAULT_RATE
        self._lock = threading.Lock()

    def wav(self, text: str) -> bytes:
        """The cached clip (a WAV already); synthesized only on a miss."""
        entry, _hit = self.cues.entry(text)
        rate = entry.meta.get("rate")
        if isinstance(rate, int) and rate > 0:
            self._rate = rate
        return entry.data

    def chime_wav(self) -> bytes:
        """The end chime at the voice's sample rate."""
        with self._lock:
            if self._chime is None:
                self._chime = pcm_to_wav(chime(self._rate))
            return self._chime

    def duration_s(self, text: str) -> float:
        """The clip's exact length: the planner's `SpeakTime` when the session is voiced."""
        return self.cues.duration_s(text)


def open_cache(settings: Settings) -> AudioCache:
    """The audio cache the bot and the exports share (GUIDE_BOT_AUDIO_CACHE, its size cap)."""
    return AudioCache(settings.audio_cache, max_bytes=int(settings.audio_cache_max_mb * MB))


def open_voiced_session(
    routine: Routine,
    *,
    output: AudioBackend,
    tts: TtsChoice,
    settings: Settings,
    progress: Progress,
    make_cues: Callable[[TtsChoice, Settings], CueAudio] | None = None,
) -> Prepared:
    """Choose the engine, fetch every clip, plan with their real durations; or raise why not."""
    progress(f"Choosing the speech engine ({tts})...")
    try:
        cues = (make_cues or _cue_audio)(tts, settings)
        voice = CachedVoice(cues)
        texts = plan(routine).spoken_texts()  # the estimate's plan names (nearly) every text
        hits = 0
        for number, text in enumerate(texts, start=1):
            _entry, hit = cues.entry(text)
            hits += hit
            voice.duration_s(text)
            if not hit:
                progress(f"Speaking cue {number} of {len(texts)} into the cache...")
        timeline = plan(routine, speak_s=voice.duration_s)
    except (SpeechError, CodecError, OSError) as exc:
        raise VoiceUnavailable(str(exc) or type(exc).__name__) from exc
    speaker = Speaker(output)
    engine = cues.engine.name
    notice = (
        f"Audio: cues play through {output.name}, spoken by {engine} "
        f"({hits} of {len(texts)} clips were already in the cache)."
    )
    return Prepared(
        timeline=timeline,
        notice=notice,
        make_sound=lambda ring: VoiceSound(voice, speaker, ring),
        voiced=True,
    )


def _cue_audio(tts: TtsChoice, settings: Settings) -> CueAudio:
    return CueAudio(engine_for_cli(tts, settings), open_cache(settings))
