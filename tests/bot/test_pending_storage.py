"""Steps waiting for a user (storage/pending.py): kept, replaced, taken once, expired after a day,
dropped when they no longer validate; shown by /export and deleted by /forget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from guide_bot.storage.base import user_tables
from guide_bot.storage.pending import MAX_AGE, PendingRepository, PendingRow
from guide_bot.storage.user_data import export_user, forget_user

NOW = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


class Wait(BaseModel):
    model_config = ConfigDict(extra="forbid")
    hhmm: str
    mask: int = 127


class Other(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answers: dict[str, bool]


def rows(factory: sessionmaker[Any]) -> int:
    with factory() as db:
        return int(db.scalar(select(func.count()).select_from(PendingRow)) or 0)


def test_put_get_replace_take(factory: sessionmaker[Any]) -> None:
    repo = PendingRepository(factory)
    assert repo.get(1, "remind", Wait, NOW) is None
    repo.put(1, "remind", Wait(hhmm="0730", mask=31), NOW)
    repo.put(2, "remind", Wait(hhmm="0800"), NOW)
    repo.put(1, "screening", Other(answers={"medical": True}), NOW)
    assert repo.get(1, "remind", Wait, NOW) == Wait(hhmm="0730", mask=31)
    assert repo.get(1, "remind", Wait, NOW) is not None  # get leaves it
    repo.put(1, "remind", Wait(hhmm="0645"), NOW + timedelta(minutes=1))  # a later one replaces
    assert repo.take(1, "remind", Wait, NOW) == Wait(hhmm="0645")
    assert repo.take(1, "remind", Wait, NOW) is None  # taken once
    assert repo.get(2, "remind", Wait, NOW) == Wait(hhmm="0800")  # other users untouched
    assert repo.get(1, "screening", Other, NOW) == Other(answers={"medical": True})
    repo.drop(1, "screening")
    assert repo.get(1, "screening", Other, NOW) is None
    assert rows(factory) == 1


def test_a_day_old_step_expires(factory: sessionmaker[Any]) -> None:
    repo = PendingRepository(factory)
    repo.put(1, "remind", Wait(hhmm="0730"), NOW)
    repo.put(2, "remind", Wait(hhmm="0730"), NOW)
    repo.put(3, "remind", Wait(hhmm="0730"), NOW)
    assert repo.get(1, "remind", Wait, NOW + MAX_AGE) is not None  # a day exactly: still kept
    assert repo.get(1, "remind", Wait, NOW + MAX_AGE + timedelta(seconds=1)) is None
    assert repo.take(2, "remind", Wait, NOW + MAX_AGE + timedelta(seconds=1)) is None
    assert rows(factory) == 1  # both read rows were deleted, user 3's waits for a sweep
    # storing anything sweeps every expired row, of every user
    repo.put(4, "daily_offer", Wait(hhmm="0900"), NOW + timedelta(days=2))
    assert rows(factory) == 1
    assert repo.sweep(NOW + timedelta(days=4)) == 1
    assert rows(factory) == 0


def test_storing_again_restarts_the_day(factory: sessionmaker[Any]) -> None:
    repo = PendingRepository(factory)
    repo.put(1, "screening", Other(answers={}), NOW)
    repo.put(1, "screening", Other(answers={"a": False}), NOW + timedelta(hours=20))
    later = NOW + timedelta(hours=30)
    assert repo.get(1, "screening", Other, later) == Other(answers={"a": False})


def test_a_row_that_no_longer_validates_is_dropped(factory: sessionmaker[Any]) -> None:
    repo = PendingRepository(factory)
    repo.put(1, "remind", Other(answers={}), NOW)  # e.g. written by an older version
    assert repo.get(1, "remind", Wait, NOW) is None
    assert rows(factory) == 0
    repo.put(1, "remind", Other(answers={}), NOW)
    assert repo.take(1, "remind", Wait, NOW) is None
    assert rows(factory) == 0


def test_export_shows_and_forget_deletes_the_waiting_steps(factory: sessionmaker[Any]) -> None:
    repo = PendingRepository(factory)
    repo.put(7, "remind", Wait(hhmm="0730", mask=31), NOW)
    repo.put(8, "remind", Wait(hhmm="0800"), NOW)
    assert "pending_steps" in {t.name for t in user_tables()}
    exported = export_user(factory, 7, NOW)["tables"]["pending_steps"]
    assert exported == [
        {
            "user_id": 7,
            "kind": "remind",
            "data": {"hhmm": "0730", "mask": 31},
            "stored_utc": NOW.isoformat(),
        }
    ]
    assert forget_user(factory, 7)["pending_steps"] == 1
    assert repo.get(7, "remind", Wait, NOW) is None
    assert repo.get(8, "remind", Wait, NOW) == Wait(hhmm="0800")
