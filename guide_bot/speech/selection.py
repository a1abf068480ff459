"""Which engine speaks: `GUIDE_BOT_TTS=gtts|espeak|auto`, chosen once per session.

`auto` tries gTTS and falls back to espeak-ng when Google cannot be reached. The choice is made by
a probe when a session starts and kept for the whole session, so one session never mixes voices.
When no engine works the outcome is `NoSpeech`: the session carries on in text and says so once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from guide_bot.config import Settings
from guide_bot.speech.espeak_engine import (
    DEFAULT_RATE_WPM,
    SLOW_RATE_WPM,
    EspeakEngine,
    espeak_voice,
)
from guide_bot.speech.gtts_engine import GttsEngine
from guide_bot.speech.ports import SpeechEngine, SpeechError

logger = logging.getLogger(__name__)

EngineName = Literal["gtts", "espeak"]
PROBE_TEXT = "Ready."
NO_SPEECH_NOTICE = "Speech is not available right now, so this session carries on in text."


@dataclass(frozen=True, slots=True)
class Voice:
    """How a user wants to be spoken to (from settings; the bot may override per user)."""

    language: str = "en"
    tld: str = "com"
    slow: bool = False


@dataclass(frozen=True, slots=True)
class NoSpeech:
    """No engine could speak: why, and the one line to tell the user."""

    reason: str
    notice: str = NO_SPEECH_NOTICE


EngineFactory = Callable[[Voice], SpeechEngine]


def make_gtts(settings: Settings) -> EngineFactory:
    """A factory of gTTS engines with the settings' timeout."""

    def factory(voice: Voice) -> SpeechEngine:
        return GttsEngine(
            language=voice.language,
            tld=voice.tld,
            slow=voice.slow,
            timeout_s=settings.tts_timeout_s,
        )

    return factory


def make_espeak(voice: Voice) -> SpeechEngine:
    """An espeak-ng engine for a voice."""
    rate = SLOW_RATE_WPM if voice.slow else DEFAULT_RATE_WPM
    return EspeakEngine(voice=espeak_voice(voice.language, voice.tld), rate_wpm=rate)


@dataclass
class EngineSelector:
    """Picks the engine for a new session by probing, remembering the outcome for a while."""

    choice: Literal["gtts", "espeak", "auto"]
    factories: dict[EngineName, EngineFactory]
    recheck_s: float = 300.0  # how long a probe's outcome holds before Google is tried again
    _memo: dict[Voice, tuple[float, SpeechEngine | NoSpeech]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)  # one probe at a time

    @classmethod
    def from_settings(cls, settings: Settings) -> EngineSelector:
        """The selector for `GUIDE_BOT_TTS` with the real engines."""
        return cls(
            choice=settings.tts,
            factories={"gtts": make_gtts(settings), "espeak": make_espeak},
        )

    def candidates(self) -> list[EngineName]:
        """Engines to try, in order."""
        return ["gtts", "espeak"] if self.choice == "auto" else [self.choice]

    def pick(self, voice: Voice, *, now: float) -> SpeechEngine | NoSpeech:
        """The engine a session starting at `now` uses (or NoSpeech); probes when needed."""
        with self._lock:
            memo = self._memo.get(voice)
            if memo is not None and now - memo[0] < self.recheck_s:
                return memo[1]
            outcome = self._probe(voice)
            self._memo[voice] = (now, outcome)
            return outcome

    def _probe(self, voice: Voice) -> SpeechEngine | NoSpeech:
        reasons: list[str] = []
        for name in self.candidates():
            try:
                engine = self.factories[name](voice)
                engine.synthesize(PROBE_TEXT)
            except SpeechError as exc:
                logger.warning("speech engine %s unavailable: %s", name, exc)
                reasons.append(f"{name}: {exc}")
                continue
            return engine
        return NoSpeech(reason="; ".join(reasons) or "no engine")


def engine_for_cli(choice: Literal["gtts", "espeak", "auto"], settings: Settings) -> SpeechEngine:
    """The engine a command-line run uses; raises SpeechError when none works."""
    selector = EngineSelector.from_settings(settings.model_copy(update={"tts": choice}))
    voice = Voice(language=settings.language, tld=settings.tld)
    outcome = selector.pick(voice, now=0.0)
    if isinstance(outcome, NoSpeech):
        raise SpeechError(f"no speech engine works ({outcome.reason})")
    return outcome
