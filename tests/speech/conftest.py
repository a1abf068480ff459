"""Fixtures for speech tests: a fresh cache folder, espeak-ng, a short routine."""

from __future__ import annotations

from pathlib import Path

import pytest

from guide_bot.domain.routine import Routine
from guide_bot.library.loader import load_routines
from guide_bot.speech.cache import AudioCache
from guide_bot.speech.espeak_engine import EspeakEngine


@pytest.fixture
def cache(tmp_path: Path) -> AudioCache:
    """An empty cache with a generous cap."""
    return AudioCache(tmp_path / "audio_cache", max_bytes=50 * 2**20)


@pytest.fixture(scope="session")
def espeak() -> EspeakEngine:
    """The real offline engine."""
    return EspeakEngine()


SHORT_ROUTINE_YAML = """\
id: short-test
title: Short test routine
summary: Two quick steps for the speech tests.
areas: [neck]
complaints: [neck-pain]
tools: [hands]
get_ready_s: 3
steps:
  - title: Thumb press
    instruction: Press the sore spot with your thumb.
    technique: compress
    hold_s: 12
    sides: left-right
    cues:
      - at_s: 4
        text: Breathe out.
  - title: Side stretch
    instruction: Tilt your head to the side.
    technique: stretch
    hold_s: 10
    rest_s: 3
    reps: 2
"""


@pytest.fixture
def short_library(tmp_path: Path) -> Path:
    """A library folder holding one short routine (id short-test)."""
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "short-test.yaml").write_text(SHORT_ROUTINE_YAML, encoding="utf-8")
    return folder


@pytest.fixture
def short_routine(short_library: Path) -> Routine:
    """The short routine, parsed."""
    loaded = load_routines([short_library])
    assert not loaded.errors, loaded.errors
    return loaded.routines["short-test"]
