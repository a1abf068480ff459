"""Fixtures: a fresh reminder database, the fake Bot API server and a short routine folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from bot.harness import write_library
from fakebot.server import FakeBotServer
from sqlalchemy.orm import sessionmaker

from guide_bot.reminders.store import ReminderRepository


@pytest.fixture
def repo(factory: sessionmaker[Any]) -> ReminderRepository:
    """The reminder repository over a migrated database, on SQLite and on PostgreSQL."""
    return ReminderRepository(factory)


@pytest.fixture
async def server() -> AsyncIterator[FakeBotServer]:
    """A running fake Bot API server on a free port."""
    async with FakeBotServer() as fake:
        yield fake


@pytest.fixture
def test_library(tmp_path: Path) -> Path:
    """A routine folder with the bot tests' short routines (quick-test, long-test)."""
    return write_library(tmp_path / "library")
