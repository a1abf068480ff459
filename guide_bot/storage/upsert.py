"""Insert-or-update of one row by its key, in one statement, on SQLite and on PostgreSQL.

Both engines speak `INSERT ... ON CONFLICT (key) DO UPDATE`, through their own SQLAlchemy
dialect constructs (`sqlalchemy.dialects.sqlite.insert` and `...postgresql.insert`); the statement
is built once per table and dialect and then executed with plain parameters. One statement is
race-free where "update, then insert if nothing was updated" is not: two writers (a leader and a
standby taking over) cannot both insert. Other engines get that two-step fallback.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Executable, Table, and_, insert, update

_BUILT: dict[tuple[str, str, tuple[str, ...]], Executable] = {}


def _statement(dialect: str, table: Table, keys: tuple[str, ...]) -> Executable | None:
    cached = _BUILT.get((dialect, table.name, keys))
    if cached is not None:
        return cached
    # each dialect's module is imported when it is used: PostgreSQL's took 25 ms of every start
    # on SQLite
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        pg = postgresql.insert(table)
        changing = {c.name: pg.excluded[c.name] for c in table.columns if c.name not in keys}
        built: Executable = pg.on_conflict_do_update(index_elements=list(keys), set_=changing)
    elif dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        lite = sqlite.insert(table)
        changing = {c.name: lite.excluded[c.name] for c in table.columns if c.name not in keys}
        built = lite.on_conflict_do_update(index_elements=list(keys), set_=changing)
    else:
        return None
    _BUILT[(dialect, table.name, keys)] = built
    return built


def upsert(
    connection: Connection, table: Table, keys: Sequence[str], values: dict[str, Any]
) -> None:
    """Insert `values` as a row of `table`, or update the row with the same `keys`."""
    key_names = tuple(keys)
    statement = _statement(connection.dialect.name, table, key_names)
    if statement is not None:
        connection.execute(statement, values)
        return
    match = and_(*(table.c[k] == values[k] for k in key_names))
    rest = {k: v for k, v in values.items() if k not in key_names}
    if connection.execute(update(table).where(match).values(rest)).rowcount == 0:
        connection.execute(insert(table).values(values))
