"""Fakes for the player's ports (keys, display, sound) and a tiny routine, for console tests.

Imported by the test modules as `player_fakes` (the tests folder is not a package).
"""

from __future__ import annotations

from typing import Any

from guide_bot.domain.clock import FakeClock
from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import TimelineEvent

TINY_YAML = """\
id: tiny
title: Tiny test
summary: Two short holds for the player tests.
areas: [neck]
complaints: [neck-pain]
tools: [ball]
get_ready_s: 0
steps:
  - title: First press
    instruction: Press.
    technique: compress
    hold_s: 3
    pressure: 5
    point: upper trapezius
    tools: [ball]
  - title: Second press
    instruction: Press again.
    technique: compress
    hold_s: 2
"""


def tiny_routine(**changes: Any) -> Routine:
    """The tiny routine as a model, with optional top-level changes."""
    import yaml

    data = yaml.safe_load(TINY_YAML)
    data.update(changes)
    return Routine.model_validate(data)


class ScriptedKeys:
    """Keys typed at given fake times; waiting moves the fake clock instead of sleeping."""

    def __init__(self, clock: FakeClock, script: list[tuple[float, str]] | None = None) -> None:
        self.clock = clock
        self.start = clock.now()
        self.script = sorted(script or [])
        self.waits: list[float] = []

    @property
    def interactive(self) -> bool:
        return True

    def wait(self, timeout: float) -> str:
        self.waits.append(timeout)
        now = self.clock.now()
        if self.script and self.start + self.script[0][0] <= now + timeout:
            at, keys = self.script.pop(0)
            self.clock.set(max(now, self.start + at))
            return keys
        self.clock.advance(timeout)
        return ""


class RecordingDisplay:
    """Keeps every frame, cue, notice and bell."""

    def __init__(self) -> None:
        self.frames: list[list[str]] = []
        self.cues: list[tuple[float, str, bool]] = []
        self.notices: list[str] = []
        self.bells = 0
        self.summary: str | None = None

    @property
    def width(self) -> int:
        return 80

    def show(self, lines: list[str]) -> None:
        self.frames.append(lines)

    def cue(self, at_s: float, text: str, *, late: bool) -> None:
        self.cues.append((at_s, text, late))

    def notice(self, text: str) -> None:
        self.notices.append(text)

    def bell(self) -> None:
        self.bells += 1

    def close(self, summary: str) -> None:
        self.summary = summary

    def text(self) -> str:
        return "\n".join("\n".join(frame) for frame in self.frames)


class RecordingSound:
    """Keeps the events it was asked to sound and how often it was hushed."""

    def __init__(self) -> None:
        self.events: list[TimelineEvent] = []
        self.hushes = 0
        self.finished: float | None = None
        self.failure: str | None = None

    def cue(self, event: TimelineEvent) -> None:
        self.events.append(event)

    def hush(self) -> None:
        self.hushes += 1

    def finish(self, timeout: float) -> None:
        self.finished = timeout
