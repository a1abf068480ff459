"""Bringing the database to the newest schema at start-up, with Alembic, on SQLite and PostgreSQL.

The revisions live in `guide_bot/storage/migrations/` (inside the package, so the wheel has them)
and run programmatically: users need no alembic.ini. A database made by versions before Alembic
has tables but no `alembic_version`; revision 0001 completes it to the baseline and the newer
revisions follow (see migrations/versions/r0001_baseline.py). On PostgreSQL the migration runs
under a transaction-level advisory lock, so two processes starting together (a leader and its
standby) migrate one after the other, and the second finds nothing left to do.

A database already at `HEAD` (every start but the first after an upgrade) is recognised with one
query, without loading Alembic and reading the revision files (about a tenth of a second of
start-up); tests/bot/test_migrations.py checks that `HEAD` is Alembic's head.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

HEAD = "0005"  # the newest revision in migrations/versions/

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
MIGRATION_LOCK_KEY = 0x6775_6964_655F_6D67  # "guide_mg": held while one process migrates


class MigrationError(RuntimeError):
    """The database needs a change that start-up does not make by itself."""


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration over the shipped revisions, without any .ini file."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision the code knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at; None before any (empty, or made by older versions)."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def create_or_migrate(engine: Engine) -> list[str]:
    """Run the revisions the database lacks; returns their ids, oldest first ([] if none)."""
    if _at_head(engine):
        return []
    from alembic.command import upgrade
    from alembic.script import ScriptDirectory

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


def _at_head(engine: Engine) -> bool:
    """Whether the database is at `HEAD` (one query; False when it has no version table yet)."""
    try:
        with engine.connect() as connection:
            query = text("SELECT version_num FROM alembic_version")
            found = list(connection.execute(query).scalars())
    except DBAPIError:
        return False  # no alembic_version table: a new database, or one made before Alembic
    return found == [HEAD]


def _signed(key: int) -> int:
    """A 64-bit key as PostgreSQL's signed bigint."""
    return key - (1 << 64) if key >= (1 << 63) else key
