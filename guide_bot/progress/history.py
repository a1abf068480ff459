"""The history of sessions: what was done, for how long, and pain before and after.

One row per session that was started, written when it ends (completed or stopped). The pain
rating after comes in later, when the user taps it, and is added to the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Float, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from guide_bot.storage.base import Base
from guide_bot.storage.types import UtcDateTime


class HistoryRow(Base):
    """One finished session."""

    __tablename__ = "session_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    routine_id: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime] = mapped_column(UtcDateTime)
    active_s: Mapped[float] = mapped_column(Float)
    completed: Mapped[bool] = mapped_column(Boolean)
    steps_done: Mapped[int] = mapped_column(Integer)
    steps_total: Mapped[int] = mapped_column(Integer)
    pain_before: Mapped[int | None] = mapped_column(Integer, default=None)
    pain_after: Mapped[int | None] = mapped_column(Integer, default=None)


@dataclass(frozen=True, kw_only=True, slots=True)
class HistoryEntry:
    """A finished session; `id` is None until stored."""

    user_id: int
    routine_id: str
    started_at: datetime
    ended_at: datetime
    active_s: float
    completed: bool
    steps_done: int
    steps_total: int
    pain_before: int | None = None
    pain_after: int | None = None
    id: int | None = None


_FIELDS = tuple(HistoryEntry.__dataclass_fields__)


def _to_entry(row: HistoryRow) -> HistoryEntry:
    return HistoryEntry(**{name: getattr(row, name) for name in _FIELDS})


class HistoryRepository:
    """Finished sessions per user."""

    def __init__(self, sessions: sessionmaker[Any]) -> None:
        self._sessions = sessions

    def add(self, entry: HistoryEntry) -> int:
        """Store a finished session; returns its id."""
        values = {name: getattr(entry, name) for name in _FIELDS if name != "id"}
        with self._sessions.begin() as db:
            row = HistoryRow(**values)
            db.add(row)
            db.flush()
            return row.id

    def set_pain_after(self, entry_id: int, user_id: int, pain: int) -> bool:
        """Add the pain rating after the session; False if the entry is not this user's."""
        with self._sessions.begin() as db:
            row = db.get(HistoryRow, entry_id)
            if row is None or row.user_id != user_id:
                return False
            row.pain_after = pain
            return True

    def get(self, entry_id: int) -> HistoryEntry | None:
        """One entry by id."""
        with self._sessions() as db:
            row = db.get(HistoryRow, entry_id)
            return _to_entry(row) if row else None

    def recent(self, user_id: int, limit: int = 20) -> list[HistoryEntry]:
        """The user's latest sessions, newest first."""
        with self._sessions() as db:
            rows = db.scalars(
                select(HistoryRow)
                .where(HistoryRow.user_id == user_id)
                .order_by(HistoryRow.started_at.desc(), HistoryRow.id.desc())
                .limit(limit)
            )
            return [_to_entry(row) for row in rows]
