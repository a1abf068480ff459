"""Creating and migrating the schema at start-up.

`create_all` makes the tables that are missing. For tables that exist, columns added to a model
since are added with `ALTER TABLE ... ADD COLUMN` (the additive changes a bot like this makes:
new settings, new fields). A change that cannot be made that way (a renamed or retyped column, a
new NOT NULL column without a default) stops the start with a clear message instead of guessing;
that is the point to bring in Alembic.
"""

from __future__ import annotations

import logging

from sqlalchemy import Column, Engine, inspect, text
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from guide_bot.storage.base import Base

log = logging.getLogger(__name__)


class MigrationError(RuntimeError):
    """The database needs a change that start-up does not make by itself."""


def _add_column_sql(engine: Engine, table: str, column: Column[object]) -> str:
    kind = column.type.compile(dialect=engine.dialect)
    sql = f'ALTER TABLE "{table}" ADD COLUMN "{column.name}" {kind}'
    default = column.default
    if isinstance(default, ScalarElementColumnDefault):
        value = default.arg
        literal = int(value) if isinstance(value, bool) else value
        sql += f" DEFAULT {literal!r}" if not isinstance(literal, int) else f" DEFAULT {literal}"
        if not column.nullable:
            sql += " NOT NULL"
    elif not column.nullable:
        raise MigrationError(
            f"column {table}.{column.name} is new and NOT NULL without a default; "
            "migrate this database by hand"
        )
    return sql


def create_or_migrate(engine: Engine) -> list[str]:
    """Create missing tables, add missing columns; returns the statements run."""
    Base.metadata.create_all(engine)
    inspector = inspect(engine)
    statements: list[str] = []
    for table in Base.metadata.sorted_tables:
        existing = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in existing:
                statements.append(_add_column_sql(engine, table.name, column))
    if statements:
        with engine.begin() as connection:
            for sql in statements:
                log.info("migrating: %s", sql)
                connection.execute(text(sql))
    return statements
