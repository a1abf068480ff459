"""Synthetic tones and fake engines implementing the SpeechEngine port (no real voice needed)."""

from __future__ import annotations

import numpy as np

from guide_bot.speech.ports import Pcm, PermanentSpeechError, SpeechError


def tone(seconds: float, rate: int = 22_050, freq: float = 440.0, amp: float = 0.3) -> Pcm:
    """A sine tone as PCM."""
    t = np.arange(round(seconds * rate)) / rate
    return Pcm((np.sin(2 * np.pi * freq * t) * amp * 32767).astype("<i2").tobytes(), rate)


class ToneEngine:
    """Speaks every text as a tone 0.06 s per character, with silence around it (to trim)."""

    name = "tone"

    def __init__(self, voice: str = "tone", rate: int = 22_050) -> None:
        self.voice = voice
        self.rate = rate
        self.calls: list[str] = []

    @property
    def voice_key(self) -> str:
        return f"tone:{self.voice}"

    def synthesize(self, text: str) -> Pcm:
        if not text.strip():
            raise PermanentSpeechError("nothing to say")
        self.calls.append(text)
        pad = bytes(int(0.1 * self.rate) * 2)
        body = tone(0.06 * len(text), rate=self.rate)
        return Pcm(pad + body.samples + pad, self.rate)


class BrokenEngine:
    """Fails like Google when the network is down."""

    name = "broken"
    voice_key = "broken"

    def __init__(self) -> None:
        self.calls = 0

    def synthesize(self, text: str) -> Pcm:
        self.calls += 1
        raise SpeechError("network unreachable")
