"""Which engine speaks: `GUIDE_BOT_TTS=gtts|espeak|auto`, chosen once per session.

`auto` tries gTTS and falls back to espeak-ng when Google cannot be reached. The choice is made by
a probe when a session starts and kept for the whole session, so one session never mixes voices.
When no engine works the outcome is `NoSpeech`: the session carries on in text and says so once.

A failed gTTS probe (no network, Google down) opens a circuit breaker (breaker.py): for its
cool-down `auto` does not probe gTTS again, for any voice, and goes straight to espeak-ng. The
command line keeps the breaker in the audio cache folder, so the next command skips the probe too,
and says once per command which voice it uses and why.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from guide_bot.config import Settings
from guide_bot.speech.breaker import STATE_FILE, Breaker, FileBreakerStore
from guide_bot.speech.espeak_engine import (
    DEFAULT_RATE_WPM,
    SLOW_RATE_WPM,
    EspeakEngine,
    espeak_voice,
)
from guide_bot.speech.ports import SpeechEngine, SpeechError, TransientSpeechError

logger = logging.getLogger(__name__)

EngineName = Literal["gtts", "espeak"]
PROBE_TEXT = "Ready."
NO_SPEECH_NOTICE = "Speech is not available right now, so this session carries on in text."
OFFLINE_NOTICE = (
    "Google's voice (gTTS) cannot be reached, so cues are spoken by espeak-ng (offline); "
    "gTTS is tried again in {minutes} min."
)


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
        # imported with the first gTTS voice: gTTS and requests took 35 ms of every bot start
        from guide_bot.speech.gtts_engine import GttsEngine

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
    breaker: Breaker = field(default_factory=Breaker)  # gTTS unreachable: not probed for a while
    _memo: dict[Voice, tuple[float, SpeechEngine | NoSpeech]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)  # one probe at a time

    @classmethod
    def from_settings(cls, settings: Settings, breaker: Breaker | None = None) -> EngineSelector:
        """The selector for `GUIDE_BOT_TTS` with the real engines."""
        return cls(
            choice=settings.tts,
            factories={"gtts": make_gtts(settings), "espeak": make_espeak},
            breaker=breaker or Breaker(),
        )

    def offline_notice(self, engine: SpeechEngine | NoSpeech, now: float) -> str | None:
        """The one line to say when `auto` speaks with espeak-ng because gTTS is unreachable."""
        state = self.breaker.state()
        if self.choice != "auto" or isinstance(engine, NoSpeech) or engine.name == "gtts":
            return None
        if state.open_until is None or now >= state.open_until:
            return None
        return OFFLINE_NOTICE.format(minutes=max(1, round((state.open_until - now) / 60)))

    def candidates(self) -> list[EngineName]:
        """Engines to try, in order."""
        return ["gtts", "espeak"] if self.choice == "auto" else [self.choice]

    def pick(self, voice: Voice, *, now: float) -> SpeechEngine | NoSpeech:
        """The engine a session starting at `now` uses (or NoSpeech); probes when needed."""
        with self._lock:
            memo = self._memo.get(voice)
            if memo is not None and now - memo[0] < self.recheck_s:
                return memo[1]
            outcome = self._probe(voice, now)
            self._memo[voice] = (now, outcome)
            return outcome

    def _probe(self, voice: Voice, now: float) -> SpeechEngine | NoSpeech:
        reasons: list[str] = []
        for name in self.candidates():
            remote = name == "gtts"
            if remote and self.choice == "auto" and not self.breaker.allows(now):
                reason = self.breaker.state().reason
                reasons.append(f"{name}: not tried, unreachable a moment ago ({reason})")
                continue
            try:
                engine = self.factories[name](voice)
                engine.synthesize(PROBE_TEXT)
            except TransientSpeechError as exc:
                if remote:  # no network or Google down: remember it for the cool-down
                    state = self.breaker.failed(now, str(exc))
                    logger.warning(
                        "speech engine %s unreachable (%s); not tried again for %.0f s",
                        name,
                        exc,
                        (state.open_until or now) - now,
                    )
                else:
                    logger.warning("speech engine %s unavailable: %s", name, exc)
                reasons.append(f"{name}: {exc}")
                continue
            except SpeechError as exc:
                logger.warning("speech engine %s unavailable: %s", name, exc)
                reasons.append(f"{name}: {exc}")
                continue
            if remote:
                self.breaker.succeeded()
            return engine
        return NoSpeech(reason="; ".join(reasons) or "no engine")


def cli_breaker(settings: Settings) -> Breaker:
    """The gTTS breaker of command-line runs, kept in the audio cache folder between commands."""
    return Breaker(FileBreakerStore(Path(settings.audio_cache) / STATE_FILE))


def engine_for_cli(
    choice: Literal["gtts", "espeak", "auto"],
    settings: Settings,
    *,
    now: float | None = None,
    notify: Callable[[str], None] | None = None,
    selector: EngineSelector | None = None,
) -> SpeechEngine:
    """The engine a command-line run uses; raises SpeechError when none works.

    When `auto` speaks with espeak-ng because gTTS is unreachable, `notify` gets one line saying
    so (default: a warning in the log).
    """
    selector = selector or EngineSelector.from_settings(
        settings.model_copy(update={"tts": choice}), cli_breaker(settings)
    )
    now = time.time() if now is None else now
    voice = Voice(language=settings.language, tld=settings.tld)
    outcome = selector.pick(voice, now=now)
    if isinstance(outcome, NoSpeech):
        raise SpeechError(f"no speech engine works ({outcome.reason})")
    notice = selector.offline_notice(outcome, now)
    if notice is not None:
        (notify or logger.warning)(notice)
    return outcome
