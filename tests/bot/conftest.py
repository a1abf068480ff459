"""Fixtures for the bot's end-to-end tests: the fake Bot API server and a test routine folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fakebot.server import FakeBotServer

from bot.harness import write_library


@pytest.fixture
async def server() -> AsyncIterator[FakeBotServer]:
    """A running fake Bot API server on a free port."""
    async with FakeBotServer() as fake:
        yield fake


@pytest.fixture
def test_library(tmp_path: Path) -> Path:
    """A routine folder with short test routines."""
    return write_library(tmp_path / "library")
