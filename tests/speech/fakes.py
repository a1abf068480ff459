"""Fake speech engines implementing the SpeechEngine port, for tests that need no real voice."""

from __future__ import annotations

from guide_bot.speech.ports import Pcm, SpeechError
from tests.speech.conftest import tone


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
