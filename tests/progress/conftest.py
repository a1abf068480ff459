"""Fixtures for the progress tests: a fresh database, the fake Bot API server, a test library."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from bot.harness import write_library
from fakebot.server import FakeBotServer
from sqlalchemy.orm import sessionmaker


@pytest.fixture
def db(factory: sessionmaker[Any]) -> sessionmaker[Any]:
    """A session factory over a new database holding every table, on SQLite and PostgreSQL."""
    return factory


@pytest.fixture
async def server() -> AsyncIterator[FakeBotServer]:
    """A running fake Bot API server on a free port."""
    async with FakeBotServer() as fake:
        yield fake


@pytest.fixture
def test_library(tmp_path: Path) -> Path:
    """A routine folder with the bot tests' short routines."""
    return write_library(tmp_path / "library")
