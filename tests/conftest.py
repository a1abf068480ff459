"""Shared fixtures: paths to the shipped library and a folder for routine files made in a test."""

from __future__ import annotations

from pathlib import Path

import pytest

from guide_bot.paths import shipped_library_dir


@pytest.fixture
def library_dir() -> Path:
    """The shipped scripts_library/."""
    return shipped_library_dir()
