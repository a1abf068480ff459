"""The speech port: what every engine offers, the audio it returns, and the errors it raises.

An engine turns text into audio. Its `voice_key` names everything that changes the sound (engine,
voice, language, accent, speed), so that the cache can tell two voices apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

SAMPLE_WIDTH = 2  # every PCM buffer here is signed 16-bit little-endian mono


@dataclass(frozen=True, slots=True)
class Pcm:
    """Decoded mono audio: signed 16-bit little-endian samples at `rate` Hz."""

    samples: bytes
    rate: int

    @property
    def frames(self) -> int:
        """Number of samples."""
        return len(self.samples) // SAMPLE_WIDTH

    @property
    def duration_s(self) -> float:
        """Exact length in seconds."""
        return self.frames / self.rate


@dataclass(frozen=True, slots=True)
class EncodedAudio:
    """Compressed audio as an engine returns it, e.g. gTTS's MP3."""

    data: bytes
    format: str  # a PyAV/FFmpeg container name: "mp3", "ogg", "wav"


SpeechAudio = Pcm | EncodedAudio


class SpeechError(Exception):
    """An engine could not speak a text."""


class TransientSpeechError(SpeechError):
    """A failure worth retrying: a timeout, a dropped connection, a 5xx or 429 answer."""


class PermanentSpeechError(SpeechError):
    """A failure that a retry will not fix: an unsupported language, a rejected request."""


@runtime_checkable
class SpeechEngine(Protocol):
    """A text-to-speech engine."""

    @property
    def name(self) -> str:
        """Short engine name: "gtts" or "espeak"."""
        ...

    @property
    def voice_key(self) -> str:
        """Everything that changes the sound, as one string (part of every cache key)."""
        ...

    def synthesize(self, text: str) -> SpeechAudio:
        """Speak one text; raises SpeechError on failure."""
        ...
