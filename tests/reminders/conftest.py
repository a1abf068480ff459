"""Fixtures: a fresh reminder database, the fake Bot API server and a short routine folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from bot.harness import write_library
from fakebot.server import FakeBotServer

from guide_bot.reminders.store import ReminderRepository
from guide_bot.storage.base import Base, make_engine, make_sessionmaker


@pytest.fixture
def repo(tmp_path: Path) -> ReminderRepository:
    engine = make_engine(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    Base.metadata.create_all(engine)
    return ReminderRepository(make_sessionmaker(engine))


@pytest.fixture
async def server() -> AsyncIterator[FakeBotServer]:
    """A running fake Bot API server on a free port."""
    async with FakeBotServer() as fake:
        yield fake


@pytest.fixture
def test_library(tmp_path: Path) -> Path:
    """A routine folder with the bot tests' short routines (quick-test, long-test)."""
    return write_library(tmp_path / "library")
