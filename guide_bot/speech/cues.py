"""Cue clips: the spoken audio of one text in one voice, from the cache or the engine.

A clip is kept as a 16-bit mono WAV with its leading and trailing silence trimmed, so that the
words start on the first sample: a clip placed at `at_s` is heard at `at_s`. Its exact duration
sits in the cache sidecar, which is what the planner uses as the real speaking time.
"""

from __future__ import annotations

import threading

from guide_bot.domain.lengths import available_lengths, select_length
from guide_bot.domain.reading import speaking_time_s
from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import PlanOptions, plan
from guide_bot.speech.cache import AudioCache, CacheEntry, Made, cache_key
from guide_bot.speech.codecs import pcm_to_wav, to_pcm, wav_to_pcm
from guide_bot.speech.ports import Pcm, SpeechEngine

CLIP_FORMAT = "wav-s16-mono-trimmed"
_SILENCE = 0.01  # of full scale: below this a sample counts as silence when trimming
_TAIL_S = 0.03  # kept after the last loud sample so that the words' decay is not cut


def texts_to_speak(routine: Routine, options: PlanOptions | None = None) -> list[str]:
    """Every text the planner asks the length of for a routine, in order, without repeats.

    The planner asks about the same texts whatever the lengths turn out to be, so planning once
    with estimates finds all of them (for cache warm-up before planning with real lengths); each
    length of the routine (quick, standard, full) is planned.
    """
    asked: dict[str, None] = {}

    def record(text: str) -> float:
        asked[text] = None
        return speaking_time_s(text)

    for length in available_lengths(routine):  # every length: "Repetition 1 of 3" is full's
        plan(select_length(routine, length), speak_s=record, options=options)
    return list(asked)


def trim_silence(pcm: Pcm) -> Pcm:
    """The clip from its first audible sample to just after its last one."""
    import numpy as np  # on first use: not on the bot's start-up path

    samples = np.frombuffer(pcm.samples, dtype="<i2")
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > _SILENCE * 32768)
    if loud.size == 0:
        return pcm
    end = min(samples.size, int(loud[-1]) + 1 + int(_TAIL_S * pcm.rate))
    return Pcm(samples[int(loud[0]) : end].tobytes(), pcm.rate)


class CueAudio:
    """Clips and real durations of spoken texts in one engine's voice, through the cache."""

    def __init__(self, engine: SpeechEngine, cache: AudioCache) -> None:
        self.engine = engine
        self.cache = cache
        self._durations: dict[str, float] = {}
        self._lock = threading.Lock()

    @property
    def voice_key(self) -> str:
        """The engine's voice key (cache keys of anything rendered from these clips use it)."""
        return self.engine.voice_key

    def key(self, text: str) -> str:
        """The cache key of a text's clip."""
        return cache_key(voice=self.engine.voice_key, text=text, format=CLIP_FORMAT)

    def entry(self, text: str) -> tuple[CacheEntry, bool]:
        """The cached clip of a text, synthesized on a miss; (entry, was_hit)."""
        return self.cache.get_or_make(self.key(text), lambda: self._make(text))

    async def aentry(self, text: str) -> tuple[CacheEntry, bool]:
        """`entry` off the event loop, one synthesis for concurrent requests."""
        return await self.cache.aget_or_make(self.key(text), lambda: self._make(text))

    def clip(self, text: str) -> Pcm:
        """The trimmed PCM of a text."""
        entry, _hit = self.entry(text)
        return wav_to_pcm(entry.data)

    def duration_s(self, text: str) -> float:
        """The exact speaking time of a text in this voice (a `SpeakTime` for the planner)."""
        with self._lock:
            known = self._durations.get(text)
        if known is not None:
            return known
        entry, _hit = self.entry(text)
        duration = float(entry.meta["duration_s"])
        with self._lock:
            self._durations[text] = duration
        return duration

    def _make(self, text: str) -> Made:
        pcm = trim_silence(to_pcm(self.engine.synthesize(text)))
        return Made(
            data=pcm_to_wav(pcm),
            ext="wav",
            meta={"duration_s": pcm.duration_s, "rate": pcm.rate, "frames": pcm.frames},
        )
