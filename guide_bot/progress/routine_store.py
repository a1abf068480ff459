"""Routines that users uploaded: one row per (user, routine id), the YAML text as sent.

The text is stored, not a parsed form, so that a routine is checked again with today's rules each
time it is loaded (see guide_bot/progress/user_routines.py) and /export gives back what was sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, String, Text, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from guide_bot.storage.base import Base
from guide_bot.storage.types import UtcDateTime


class UserRoutineRow(Base):
    """A user's own routine; the id is unique per user only."""

    __tablename__ = "user_routines"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    routine_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(80))
    yaml_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


@dataclass(frozen=True, kw_only=True, slots=True)
class StoredRoutine:
    """One stored user routine, detached from the database session."""

    user_id: int
    routine_id: str
    title: str
    yaml_text: str
    created_at: datetime
    updated_at: datetime


def _stored(row: UserRoutineRow) -> StoredRoutine:
    return StoredRoutine(
        user_id=row.user_id,
        routine_id=row.routine_id,
        title=row.title,
        yaml_text=row.yaml_text,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class UserRoutineRepository:
    """Reads and writes users' routines; every call is scoped to one user."""

    def __init__(self, sessions: sessionmaker[Any]) -> None:
        self._sessions = sessions

    def save(
        self, user_id: int, routine_id: str, title: str, yaml_text: str, now: datetime
    ) -> bool:
        """Store or replace the user's routine; True when it was new."""
        with self._sessions.begin() as db:
            row = db.get(UserRoutineRow, (user_id, routine_id))
            if row is None:
                db.add(
                    UserRoutineRow(
                        user_id=user_id,
                        routine_id=routine_id,
                        title=title,
                        yaml_text=yaml_text,
                        created_at=now,
                        updated_at=now,
                    )
                )
                return True
            row.title = title
            row.yaml_text = yaml_text
            row.updated_at = now
            return False

    def get(self, user_id: int, routine_id: str) -> StoredRoutine | None:
        """The user's routine with this id, or None (another user's never shows)."""
        with self._sessions() as db:
            row = db.get(UserRoutineRow, (user_id, routine_id))
            return _stored(row) if row is not None else None

    def list(self, user_id: int) -> list[StoredRoutine]:
        """The user's routines by title."""
        with self._sessions() as db:
            rows = db.scalars(
                select(UserRoutineRow)
                .where(UserRoutineRow.user_id == user_id)
                .order_by(UserRoutineRow.title, UserRoutineRow.routine_id)
            )
            return [_stored(row) for row in rows]

    def count(self, user_id: int) -> int:
        """How many routines the user has stored."""
        with self._sessions() as db:
            return int(
                db.scalar(
                    select(func.count())
                    .select_from(UserRoutineRow)
                    .where(UserRoutineRow.user_id == user_id)
                )
                or 0
            )

    def delete(self, user_id: int, routine_id: str) -> bool:
        """Delete the user's routine; True when there was one."""
        with self._sessions.begin() as db:
            result = db.execute(
                delete(UserRoutineRow).where(
                    UserRoutineRow.user_id == user_id, UserRoutineRow.routine_id == routine_id
                )
            )
            return bool(getattr(result, "rowcount", 0))
