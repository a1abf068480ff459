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


@pytest.fixture(params=["sqlite", "postgresql"])
def bot_database(request: pytest.FixtureRequest) -> str | None:
    """The bot's database for the end-to-end tests run on both engines: None is the default
    SQLite file in the data folder; PostgreSQL is a fresh, empty database (the bot migrates it)."""
    if request.param == "sqlite":
        return None
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def test_library(tmp_path: Path) -> Path:
    """A routine folder with short test routines."""
    return write_library(tmp_path / "library")
