"""Repositories of users, sessions in progress, history and voice file ids; schema migration."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.orm import sessionmaker

from guide_bot.progress.history import HistoryEntry, HistoryRepository
from guide_bot.storage.base import make_engine, make_sessionmaker, user_tables
from guide_bot.storage.media import MediaRepository
from guide_bot.storage.schema import MigrationError, create_or_migrate
from guide_bot.storage.sessions import SessionRepository, StoredSession
from guide_bot.storage.user_data import load_all_tables
from guide_bot.storage.users import UserRepository, UserSettings

load_all_tables()  # every table in the metadata

NOW = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


@pytest.fixture
def factory(tmp_path: Path) -> sessionmaker[Any]:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    create_or_migrate(engine)
    return make_sessionmaker(engine)


def test_users_settings_screening_and_blocking(factory: sessionmaker[Any]) -> None:
    repo = UserRepository(factory)
    assert repo.get(1) is None
    user = repo.ensure(1, 10, NOW)
    assert user.settings == UserSettings()
    assert not user.screened
    repo.set_screening(1, {"medical": True, "wound_fracture": False}, NOW)
    assert repo.change_settings(1, mode="text", countdown=False) == UserSettings(
        mode="text", countdown=False
    )
    repo.mark_blocked(1, NOW)
    assert repo.blocked_user_ids() == {1}
    stored = repo.get(1)
    assert stored is not None
    assert stored.screening == {"medical": True, "wound_fracture": False}
    assert stored.screened_at == NOW
    assert stored.settings.mode == "text"
    assert stored.created_at.tzinfo is not None
    assert repo.ensure(1, 10, NOW).blocked_at is None  # writing again unblocks
    assert repo.change_settings(2, mode="text") is None


def test_sessions_in_progress_round_trip(factory: sessionmaker[Any]) -> None:
    repo = SessionRepository(factory)
    record = StoredSession(
        chat_id=5,
        user_id=5,
        session_id="0a1b2c3d",
        version=3,
        routine_id="neck-release",
        mode="voice",
        state={"version": 1, "state": "running"},
        plan={"countdown": True, "speak": {"Press now.": 1.1}},
        pain_before=6,
        started_at=NOW,
        updated_at=NOW,
    )
    repo.save(record)
    record.version = 4
    repo.save(record)
    (loaded,) = repo.all()
    assert loaded == record
    repo.delete(5)
    assert repo.get(5) is None
    repo.delete(5)  # twice is fine


def test_history_and_pain_after_only_for_the_owner(factory: sessionmaker[Any]) -> None:
    repo = HistoryRepository(factory)
    entry = HistoryEntry(
        user_id=7,
        routine_id="neck-release",
        started_at=NOW,
        ended_at=NOW + timedelta(minutes=4),
        active_s=240.0,
        completed=True,
        steps_done=3,
        steps_total=3,
        pain_before=6,
    )
    first = repo.add(entry)
    second = repo.add(replace(entry, started_at=NOW + timedelta(days=1), completed=False))
    assert not repo.set_pain_after(first, 8, 2)  # someone else's entry
    assert repo.set_pain_after(first, 7, 2)
    assert [e.id for e in repo.recent(7)] == [second, first]
    got = repo.get(first)
    assert got is not None
    assert (got.pain_before, got.pain_after) == (6, 2)
    assert repo.recent(8) == []


def test_media_file_ids(factory: sessionmaker[Any]) -> None:
    repo = MediaRepository(factory)
    assert repo.get("k") is None
    repo.put("k", "file-1")
    assert MediaRepository(factory).get("k") == "file-1"  # stored, not only remembered
    repo.forget("k")
    assert MediaRepository(factory).get("k") is None


def test_user_tables_are_walkable_for_export_and_forget() -> None:
    names = {t.name for t in user_tables()}
    assert {"users", "active_sessions", "session_history"} <= names
    assert "media_files" not in names  # not user data


def test_schema_migration_adds_new_columns(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with engine.begin() as db:  # an older users table, before settings existed
        db.execute(
            text(
                "CREATE TABLE users (user_id BIGINT PRIMARY KEY, chat_id BIGINT, "
                "created_at DATETIME)"
            )
        )
        db.execute(text("INSERT INTO users VALUES (1, 1, '2026-01-01 00:00:00')"))
    statements = create_or_migrate(engine)
    assert any('ADD COLUMN "countdown"' in s for s in statements)
    columns = {c["name"] for c in inspect(engine).get_columns("users")}
    assert {"mode", "slow", "countdown", "screening", "blocked_at"} <= columns
    user = UserRepository(make_sessionmaker(engine)).get(1)
    assert user is not None
    assert user.settings == UserSettings()  # defaults filled in for the old row
    assert create_or_migrate(engine) == []  # nothing left to do


def test_schema_migration_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'odd.sqlite3'}")
    with engine.begin() as db:  # a history table missing a NOT NULL column without default
        db.execute(text("CREATE TABLE session_history (id INTEGER PRIMARY KEY)"))
    with pytest.raises(MigrationError, match="NOT NULL without a default"):
        create_or_migrate(engine)
