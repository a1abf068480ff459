"""Export then forget then export: nothing is left about the user, other users are untouched."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from guide_bot.progress.history import HistoryEntry, HistoryRepository
from guide_bot.progress.routine_store import UserRoutineRepository
from guide_bot.progress.user_routines import UserRoutines
from guide_bot.storage.base import Base, user_tables
from guide_bot.storage.user_data import export_user, forget_user, load_all_tables, to_json_value
from guide_bot.storage.users import UserRepository

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
ROUTINE = b"""
id: my-one
title: Mine
summary: A short one.
areas: [neck]
complaints: [neck-pain]
tools: [hands]
steps:
  - title: Breathe
    instruction: Breathe slowly.
    technique: breathe
    hold_s: 30
"""


def seed(db: sessionmaker[Any], user_id: int) -> None:
    """Store something about the user through each feature's own repository."""
    users = UserRepository(db)
    users.ensure(user_id, user_id, NOW)
    users.set_screening(user_id, ["osteoporosis"], NOW)
    HistoryRepository(db).add(
        HistoryEntry(
            user_id=user_id,
            routine_id="my:my-one",
            started_at=NOW,
            ended_at=NOW,
            active_s=60.0,
            completed=True,
            steps_done=1,
            steps_total=1,
            pain_before=4,
            pain_after=2,
        )
    )
    store = UserRoutines(UserRoutineRepository(db), frozenset())
    assert store.upload(user_id, ROUTINE, file="a.yaml", now=NOW).stored


def rows_for(db: sessionmaker[Any], user_id: int) -> dict[str, int]:
    load_all_tables()
    with db() as s:
        return {
            t.name: int(s.scalar(select(func.count()).select_from(t).where(t.c.user_id == user_id)))
            for t in user_tables()
        }


def test_export_forget_export(db: sessionmaker[Any]) -> None:
    seed(db, 7)
    seed(db, 8)
    exported = export_user(db, 7, NOW)
    text = json.dumps(exported)  # JSON-able as it is
    assert exported["user_id"] == 7
    assert exported["exported_at"] == "2026-03-01T12:00:00+00:00"
    routines = exported["tables"]["user_routines"]
    assert len(routines) == 1
    assert routines[0]["created_at"] == "2026-03-01T12:00:00+00:00"
    assert "Breathe slowly." in routines[0]["yaml_text"]
    assert '"user_id": 8' not in text
    before_other = export_user(db, 8, NOW)["tables"]

    assert exported["tables"]["users"][0]["screening"] == ["osteoporosis"]
    assert exported["tables"]["session_history"][0]["pain_after"] == 2

    deleted = forget_user(db, 7)
    assert deleted["user_routines"] == 1
    assert deleted["users"] == 1
    assert deleted["session_history"] == 1

    after = export_user(db, 7, NOW)
    assert set(after["tables"]) == {t.name for t in user_tables()}
    assert all(rows == [] for rows in after["tables"].values())
    assert all(count == 0 for count in rows_for(db, 7).values())
    assert export_user(db, 8, NOW)["tables"] == before_other
    assert forget_user(db, 7) == dict.fromkeys(deleted, 0)


# Tables that hold nothing about a person. A new table must either have a user_id column (and so
# be exported and forgotten) or be named here, on purpose.
NOT_ABOUT_USERS = {
    "media_files",  # Telegram file_ids of cached voice cues, shared by everyone
    "leader_beats",  # which `guide-bot run` process leads, and when it last probed
}


def test_every_table_is_a_user_table_or_declared_otherwise() -> None:
    load_all_tables()
    names = {t.name for t in user_tables()}
    assert {"users", "session_history", "active_sessions", "user_routines"} <= names
    others = {t.name for t in Base.metadata.sorted_tables} - names
    assert others <= NOT_ABOUT_USERS, f"tables without user_id: {others - NOT_ABOUT_USERS}"


def test_json_values() -> None:
    naive = datetime(2026, 1, 1, 8, 30)  # noqa: DTZ001 - how SQLite hands datetimes back
    assert to_json_value(naive) == "2026-01-01T08:30:00+00:00"
    assert to_json_value(b"\x00\x01") == "AAE="
    assert to_json_value({"a": (1, naive.date())}) == {"a": [1, "2026-01-01"]}
