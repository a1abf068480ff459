"""The shared declarative base, the engine factory and the schema set-up.

Every table that holds something about a user has an integer `user_id` column (the Telegram user
id). /export and /forget rely on that convention: they walk every such table, so a new table is
covered the day it is added.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, sessionmaker

USER_COLUMN = "user_id"


class Base(DeclarativeBase):
    """The base of every table of guide-bot."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL, far fewer fsyncs
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")  # deleted rows are zeroed, not left readable
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for the URL; for SQLite, creates the folder and sets WAL mode.

    A bare `postgresql://` URL gets the psycopg 3 driver (SQLAlchemy would pick psycopg2,
    which guide-bot does not install).
    """
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    engine = create_engine(parsed)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Any]:
    """The session factory every repository takes."""
    return sessionmaker(engine, expire_on_commit=False)


def user_tables() -> list[Any]:
    """Every table with a `user_id` column: what /export shows and /forget deletes."""
    return [t for t in Base.metadata.sorted_tables if USER_COLUMN in t.columns]
