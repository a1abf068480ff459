"""Bringing the database to the newest schema at start-up, with Alembic, on SQLite and PostgreSQL.

The revisions live in `guide_bot/storage/migrations/` (inside the package, so the wheel has them)
and run programmatically: users need no alembic.ini. A database made by versions before Alembic
has tables but no `alembic_version`; revision 0001 completes it to the baseline and the newer
revisions follow (see migrations/versions/r0001_baseline.py). On PostgreSQL the migration runs
under a transaction-level advisory lock, so two processes starting together (a leader and its
standby) migrate one after the other, and the second finds nothing left to do.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic.command import upgrade
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
MIGRATION_LOCK_KEY = 0x6775_6964_655F_6D67  # "guide_mg": held while one process migrates


class MigrationError(RuntimeError):
    """The database needs a change that start-up does not make by itself."""


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration over the shipped revisions, without any .ini file."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision the code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at; None before any (empty, or made by older versions)."""
    return MigrationContext.configure(connection).get_current_revision()


def create_or_migrate(engine: Engine) -> list[str]:
    """Run the revisions the database lacks; returns their ids, oldest first ([] if none)."""
    script = ScriptDirectory.from_config(alembic_config())
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _signed(MIGRATION_LOCK_KEY)}
            )
        before = current_revision(connection)
        pending = [r.revision for r in script.iterate_revisions("heads", before or "base")][::-1]
        if not pending:
            return []
        log.info("migrating the database: %s -> %s", before or "(none)", pending[-1])
        upgrade(alembic_config(connection), "heads")
    return pending


def _signed(key: int) -> int:
    """A 64-bit key as PostgreSQL's signed bigint."""
    return key - (1 << 64) if key >= (1 << 63) else key
