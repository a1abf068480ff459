"""Fixtures for the console tests: a library folder holding only the tiny routine."""

from __future__ import annotations

from pathlib import Path

import pytest
from player_fakes import TINY_YAML


@pytest.fixture
def tiny_library(tmp_path: Path) -> Path:
    """A library folder holding only the tiny routine."""
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(TINY_YAML, encoding="utf-8")
    return folder
