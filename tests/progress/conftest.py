"""Fixtures for the progress tests: a fresh SQLite database with every table created."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
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
