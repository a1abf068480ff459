"""Everything stored about one user: export it as JSON-able data, or forget it all at once.

Both walk `user_tables()` (every table with a `user_id` column), so a table added by any feature
is covered without a change here, provided its module is imported: `load_all_tables()` imports
every module of guide_bot.storage and the stores of the feature folders (`TABLE_MODULES`) so
that their tables are registered before the walk.
"""

from __future__ import annotations

import base64
import enum
import importlib
import logging
import pkgutil
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, delete, select, text
from sqlalchemy.orm import sessionmaker

import guide_bot.storage
from guide_bot.storage.base import USER_COLUMN, user_tables

EXPORT_FORMAT = 1
log = logging.getLogger(__name__)


# The feature folders keep their tables beside their rules (reminders/, progress/).
TABLE_MODULES = (
    "guide_bot.reminders.store",
    "guide_bot.progress.history",
    "guide_bot.progress.routine_store",
)


def load_all_tables() -> None:
    """Import every storage module and feature store, so every table is in the metadata."""
    for module in pkgutil.iter_modules(guide_bot.storage.__path__):
        importlib.import_module(f"{guide_bot.storage.__name__}.{module.name}")
    for name in TABLE_MODULES:
        importlib.import_module(name)


def to_json_value(value: Any) -> Any:
    """A column value as JSON: datetimes in ISO 8601 (naive ones are UTC by convention)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return moment.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, enum.Enum):
        return to_json_value(value.value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json_value(v) for v in value]
    return str(value)


def _tables() -> list[Table]:
    load_all_tables()
    return list(user_tables())


def export_user(sessions: sessionmaker[Any], user_id: int, now: datetime) -> dict[str, Any]:
    """Every row of every user table that belongs to `user_id`, by table name.

    Shape: {"format": 1, "user_id": ..., "exported_at": ISO 8601, "tables": {name: [row, ...]}}
    with every table listed, empty ones as [].
    """
    tables: dict[str, list[dict[str, Any]]] = {}
    with sessions() as db:
        for table in _tables():
            primary = list(table.primary_key.columns) or list(table.columns)
            rows = db.execute(
                select(table).where(table.c[USER_COLUMN] == user_id).order_by(*primary)
            ).mappings()
            tables[table.name] = [
                {key: to_json_value(value) for key, value in row.items()} for row in rows
            ]
    return {
        "format": EXPORT_FORMAT,
        "user_id": user_id,
        "exported_at": to_json_value(now),
        "tables": tables,
    }


def forget_user(sessions: sessionmaker[Any], user_id: int) -> dict[str, int]:
    """Delete every row about `user_id` in one transaction; rows deleted by table name."""
    deleted: dict[str, int] = {}
    with sessions.begin() as db:
        # Children before parents, so foreign keys between user tables hold at every step.
        for table in reversed(_tables()):
            result = db.execute(delete(table).where(table.c[USER_COLUMN] == user_id))
            deleted[table.name] = int(getattr(result, "rowcount", 0) or 0)
    scrub(sessions)
    return deleted


def scrub(sessions: sessionmaker[Any]) -> None:
    """Leave no deleted text readable in the database files.

    SQLite: `secure_delete` (set on every connection, storage/base.py) zeroes the freed space in
    the pages it writes, but the old pages stay in the write-ahead log until a checkpoint; a
    TRUNCATE checkpoint copies the log into the database and empties the -wal file. (PostgreSQL
    keeps dead tuples until VACUUM; the operator's autovacuum reclaims them.)
    """
    with sessions() as db:
        if db.get_bind().dialect.name != "sqlite":
            return
        busy = db.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).first()
        if busy is not None and busy[0]:
            log.warning("the database was busy: the checkpoint after /forget is incomplete")
