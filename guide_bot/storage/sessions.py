"""Sessions in progress, one per chat, stored so that a restart of the bot loses nothing.

The session's own state is the engine's `SessionMachine.to_dict()` JSON; beside it the bot keeps
what it needs to talk about the session: who owns it, the id and version its buttons carry, how it
is delivered, the message that carries the controls, what the chat's step message shows (so a
restart keeps editing the same message), and the pain rating given before it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Integer,
    Row,
    String,
    Table,
    Text,
    bindparam,
    delete,
    select,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from guide_bot.storage.base import Base
from guide_bot.storage.types import UtcDateTime
from guide_bot.storage.upsert import upsert


class StoredSessionRow(Base):
    """The one session in progress of a chat."""

    __tablename__ = "active_sessions"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    session_id: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    routine_id: Mapped[str] = mapped_column(String(80))
    mode: Mapped[str] = mapped_column(String(8))
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    controls_message_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    step_view: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    pain_before: Mapped[int | None] = mapped_column(Integer, default=None)
    speech_failed: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


@dataclass(kw_only=True, slots=True)
class StoredSession:
    """A session in progress as the bot keeps it (in memory and in the database)."""

    chat_id: int
    user_id: int
    session_id: str
    version: int
    routine_id: str
    mode: str
    state: dict[str, Any] = field(default_factory=dict)
    plan: dict[str, Any] = field(default_factory=dict)  # what rebuilds the same timeline
    controls_message_id: int | None = None
    step_view: dict[str, Any] | None = None  # the chat's step message (telegram/step_view.py)
    pain_before: int | None = None
    speech_failed: bool = False
    started_at: datetime
    updated_at: datetime


_FIELDS = tuple(StoredSession.__dataclass_fields__)


_TABLE = cast(Table, StoredSessionRow.__table__)
# What a session's scheduled runs can change; the rest (owner, plan, start, ...) is written by
# `save` at a start, an action or a restore, and never changes while the session runs.
_PROGRESS = ("version", "state", "controls_message_id", "step_view", "speech_failed", "updated_at")
# Only over an older state: on PostgreSQL the batch is written by a worker thread while the event
# loop goes on (sessions/keeping.py), so a session stored whole meanwhile (`save`, a newer
# `updated_at`: each write of a session has a later one) must not get this progress over it.
_UPDATE = (
    update(_TABLE)
    .where(_TABLE.c.chat_id == bindparam("key"))
    .where(_TABLE.c.updated_at < bindparam("v_updated_at"))
    .values({name: bindparam(f"v_{name}") for name in _PROGRESS})
)


@dataclass(frozen=True, slots=True)
class _DriverUpdate:
    """The batch UPDATE compiled once for a dialect, and how each row's parameters are made.

    The batch of progress is one executemany of hundreds of rows inside one event-loop turn;
    SQLAlchemy's per-row parameter handling (building and processing a dict per row, all
    columns' JSON encoded) was most of its time (bench/README.md, "Profile and fix 9"). Here the
    statement is compiled once, and each row is a tuple (or a dict for named paramstyles) made
    with the columns' own bind processors, handed to the driver as it is.
    """

    dialect: str  # its name: "sqlite", "postgresql"
    sql: str
    names: tuple[str, ...]  # parameter names, in the statement's order when positional
    positional: bool
    steps: tuple[tuple[str, Callable[[Any], Any]], ...]  # (record attribute, bind processor)

    @classmethod
    def of(cls, dialect: Dialect) -> _DriverUpdate:
        compiled = _UPDATE.compile(dialect=dialect)
        order = compiled.positiontup
        names = tuple(order) if order is not None else (*(f"v_{n}" for n in _PROGRESS), "key")
        steps = []
        for name in names:
            attribute = "chat_id" if name == "key" else name.removeprefix("v_")
            column_type = _TABLE.c[attribute].type.dialect_impl(dialect)
            steps.append((attribute, column_type.bind_processor(dialect) or _same))
        return cls(dialect.name, compiled.string, names, order is not None, tuple(steps))

    def row(self, record: StoredSession) -> Any:
        """The record's parameters, ready for the driver."""
        values = [process(getattr(record, attribute)) for attribute, process in self.steps]
        return tuple(values) if self.positional else dict(zip(self.names, values, strict=True))


@dataclass(frozen=True, slots=True)
class Progress:
    """One session's progress, encoded for the batch UPDATE (`SessionRepository.progress`)."""

    chat_id: int
    params: Any  # a tuple or a dict, as the driver's paramstyle wants


def _same(value: Any) -> Any:
    return value


def _to_record(row: Row[Any]) -> StoredSession:
    """A stored row as the bot keeps it (plain rows: loading ORM objects cost more)."""
    return StoredSession(**{name: row._mapping[name] for name in _FIELDS})


# The restore's read (`some`): the plan as its JSON text, decoded once per distinct text.
# Thousands of stored sessions run on a few plans of about 2 KB each (every cue's spoken length),
# and decoding each row's copy was a third of reading a session at start-up. Sessions with the
# same text share the decoded plan, which nothing changes (a new plan is a new dict).
_SOME = select(*(sql_cast(c, Text).label(c.name) if c.name == "plan" else c for c in _TABLE.c))
PLANS_KEPT = 256  # distinct plan texts remembered (a few per routine and language)


def _to_record_sharing(row: Row[Any], plans: dict[str, dict[str, Any]]) -> StoredSession:
    values = row._mapping
    text = values["plan"]
    plan = plans.get(text)
    if plan is None:
        if len(plans) >= PLANS_KEPT:
            plans.clear()
        plan = plans[text] = json.loads(text)
    fields = {name: values[name] for name in _FIELDS}
    fields["plan"] = plan
    return StoredSession(**fields)


class SessionRepository:
    """The sessions in progress, keyed by chat."""

    def __init__(self, sessions: sessionmaker[Any]) -> None:
        self._sessions = sessions
        self._driver: _DriverUpdate | None = None  # the batch UPDATE, for this database
        self._plans: dict[str, dict[str, Any]] = {}  # plan text -> decoded, for `some`

    def get(self, chat_id: int) -> StoredSession | None:
        """The chat's session in progress, if any."""
        with self._sessions() as db:
            row = db.connection().execute(select(_TABLE).where(_TABLE.c.chat_id == chat_id)).first()
            return _to_record(row) if row else None

    def save(self, record: StoredSession) -> None:
        """Insert or update the chat's session.

        One prebuilt INSERT ... ON CONFLICT DO UPDATE (storage/upsert.py) on a start and after
        every button; batched updates (`update_progress`) after the scheduled runs. Building an ORM
        statement per call cost more than the write itself (bench/bench_timing.py profile).
        """
        with self._sessions.begin() as db:
            values = {name: getattr(record, name) for name in _FIELDS}
            upsert(db.connection(), _TABLE, ("chat_id",), values)

    def progress(self, record: StoredSession) -> Progress:
        """The record's progress as it is now, made ready for `update_progress` (its JSON
        encoded): the session service makes these a few at a time between other work."""
        return Progress(record.chat_id, self._driver_update().row(record))

    def update_progress(self, rows: list[Progress]) -> None:
        """Store the progress of stored sessions in one transaction (one executemany of the
        columns a run changes: `_PROGRESS`); absent chats are skipped, and so are rows stored
        since with a later `updated_at`.

        The session service stores the progress of running sessions in batches with this
        (sessions/keeping.py); a session that ended meanwhile has no row and stays deleted.
        """
        if not rows:
            return
        driver = self._driver_update()
        with self._sessions.begin() as db:
            db.connection().exec_driver_sql(driver.sql, [row.params for row in rows])

    def _driver_update(self) -> _DriverUpdate:
        if self._driver is None:
            bind = self._sessions.kw.get("bind")
            if bind is None:
                with self._sessions() as db:
                    self._driver = _DriverUpdate.of(db.connection().dialect)
            else:
                self._driver = _DriverUpdate.of(bind.dialect)
        return self._driver

    def on_a_server(self) -> bool:
        """Whether the database is a server (PostgreSQL), not a file in this process (SQLite)."""
        return self._driver_update().dialect != "sqlite"

    def delete(self, chat_id: int) -> None:
        """Forget the chat's session (finished, stopped or abandoned)."""
        with self._sessions.begin() as db:
            db.connection().execute(delete(_TABLE).where(_TABLE.c.chat_id == chat_id))

    def keys(self) -> list[tuple[int, int]]:
        """(chat, user) of every session in progress, in chat order (the restore's batches go
        in this order): what start-up reads before answering."""
        query = select(_TABLE.c.chat_id, _TABLE.c.user_id).order_by(_TABLE.c.chat_id)
        with self._sessions() as db:
            rows = db.connection().execute(query)
            return [(row[0], row[1]) for row in rows]

    def some(self, chat_ids: list[int]) -> list[StoredSession]:
        """The stored sessions of these chats (those that have one)."""
        if not chat_ids:
            return []
        query = _SOME.where(_TABLE.c.chat_id.in_(chat_ids))
        with self._sessions() as db:
            rows = db.connection().execute(query)
            return [_to_record_sharing(row, self._plans) for row in rows]

    def all(self) -> list[StoredSession]:
        """Every session in progress (read at start-up to pick them up again)."""
        with self._sessions() as db:
            return [_to_record(row) for row in db.connection().execute(select(_TABLE))]
