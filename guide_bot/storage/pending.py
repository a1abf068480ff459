"""Conversation steps waiting for the user's next update, kept in the database across restarts.

A few flows must remember something between two updates: a /remind (or a "yes" to the daily
reminder offer) waiting for the user's time zone, the daily reminder offer still open (only an
offer made can be accepted, once), the routine to offer once the safety screening
is done, and the screening answers given so far. PTB's `user_data` lives in memory, so a restart
in between would silently drop what the user asked for; these rows keep it.

One row per user and kind, holding the minimum (parsed values: a time, days, a routine id, yes/no
answers; never text the user wrote), validated with the caller's pydantic model when read back.
A row expires `MAX_AGE` after it was last stored: it is ignored (and deleted) when read, and
expired rows of all users are swept whenever a row is stored. The table has `user_id`, so
/export shows these rows and /forget deletes them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal, TypeVar, cast

from pydantic import BaseModel, ValidationError
from sqlalchemy import JSON, BigInteger, String, Table, delete
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker
from sqlalchemy.orm import Session as DbSession

from guide_bot.storage.base import Base
from guide_bot.storage.types import UtcDateTime
from guide_bot.storage.upsert import upsert

MAX_AGE = timedelta(days=1)

PendingKind = Literal["remind", "daily_offer", "open_offer", "screening", "after_screening"]
M = TypeVar("M", bound=BaseModel)


class PendingRow(Base):
    """What one flow of one user is waiting with, and when it was stored."""

    __tablename__ = "pending_steps"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    stored_utc: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


_TABLE = cast(Table, PendingRow.__table__)


class PendingRepository:
    """Store, read and take waiting steps; every method is one short transaction."""

    def __init__(self, sessions: sessionmaker[Any], max_age: timedelta = MAX_AGE) -> None:
        self._sessions = sessions
        self._max_age = max_age

    def put(self, user_id: int, kind: PendingKind, value: BaseModel, now: datetime) -> None:
        """Keep `value` for this user and kind (replacing an earlier one), stored at `now`."""
        data = value.model_dump(mode="json")
        values = {"user_id": user_id, "kind": kind, "data": data, "stored_utc": now}
        with self._sessions.begin() as db:
            self._sweep(db, now)
            upsert(db.connection(), _TABLE, ("user_id", "kind"), values)

    def get(self, user_id: int, kind: PendingKind, model: type[M], now: datetime) -> M | None:
        """The waiting value, or None if there is none, it expired or it no longer validates."""
        return self._read(user_id, kind, model, now, take=False)

    def take(self, user_id: int, kind: PendingKind, model: type[M], now: datetime) -> M | None:
        """Like `get`, and the row is gone afterwards (the step is being finished)."""
        return self._read(user_id, kind, model, now, take=True)

    def drop(self, user_id: int, kind: PendingKind) -> None:
        """Forget the waiting value, if any."""
        with self._sessions.begin() as db:
            db.execute(
                delete(PendingRow).where(PendingRow.user_id == user_id, PendingRow.kind == kind)
            )

    def sweep(self, now: datetime) -> int:
        """Delete every expired row; how many were deleted."""
        with self._sessions.begin() as db:
            return self._sweep(db, now)

    def _sweep(self, db: DbSession, now: datetime) -> int:
        result = db.execute(delete(PendingRow).where(PendingRow.stored_utc < now - self._max_age))
        return int(getattr(result, "rowcount", 0) or 0)

    def _read(
        self, user_id: int, kind: PendingKind, model: type[M], now: datetime, *, take: bool
    ) -> M | None:
        with self._sessions.begin() as db:
            row = db.get(PendingRow, (user_id, kind))
            if row is None:
                return None
            data, fresh = row.data, now - row.stored_utc <= self._max_age
            if take or not fresh:
                db.delete(row)
        if not fresh:
            return None
        try:
            return model.model_validate(data)
        except ValidationError:
            if not take:
                self.drop(user_id, kind)
            return None
