"""Fixtures for the safety tests: the shipped library, loaded once per module."""

from __future__ import annotations

import pytest

from guide_bot.domain.routine import Routine
from guide_bot.library.loader import load_routines
from guide_bot.paths import shipped_library_dir


@pytest.fixture(scope="module")
def shipped() -> dict[str, Routine]:
    result = load_routines([shipped_library_dir()])
    assert result.errors == []
    return result.routines
