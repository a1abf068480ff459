"""Shared fixtures: paths to the shipped library and a folder for routine files made in a test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from guide_bot.paths import shipped_library_dir

# Property tests: 40 examples per property on every run (the suite's time budget), 400 with
# HYPOTHESIS_PROFILE=thorough. Hypothesis keeps failing examples in .hypothesis/ and tries them
# first on the next run, so a found bug stays found.
settings.register_profile("default", max_examples=40, deadline=None)
settings.register_profile("thorough", max_examples=400, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture
def library_dir() -> Path:
    """The shipped scripts_library/."""
    return shipped_library_dir()
