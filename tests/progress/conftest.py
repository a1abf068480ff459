"""Fixtures for the progress tests: a fresh database, the fake Bot API server, a test library."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from bot.harness import write_library
from fakebot.server import FakeBotServer
from sqlalchemy.orm import sessionmaker

from guide_bot.storage.base import Base, make_engine, make_sessionmaker
from guide_bot.storage.user_data import load_all_tables


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sessionmaker[Any]]:
    """A session factory over a new database file holding every table of guide-bot."""
    load_all_tables()
    engine = make_engine(f"sqlite:///{tmp_path / 'test.sqlite3'}")
    Base.metadata.create_all(engine)
    yield make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
async def server() -> AsyncIterator[FakeBotServer]:
    """A running fake Bot API server on a free port."""
    async with FakeBotServer() as fake:
        yield fake


@pytest.fixture
def test_library(tmp_path: Path) -> Path:
    """A routine folder with the bot tests' short routines."""
    return write_library(tmp_path / "library")
