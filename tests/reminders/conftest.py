"""A fresh SQLite database with the reminder tables for each test."""

from __future__ import annotations

from pathlib import Path

import pytest

from guide_bot.storage.base import Base, make_engine, make_sessionmaker
from guide_bot.storage.reminders import ReminderRepository


@pytest.fixture
def repo(tmp_path: Path) -> ReminderRepository:
    engine = make_engine(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    Base.metadata.create_all(engine)
    return ReminderRepository(make_sessionmaker(engine))
