"""Alembic's environment: run the revisions on the connection start-up hands in, or on a URL.

At start-up `guide_bot.storage.schema.create_or_migrate` passes its open connection in
`config.attributes["connection"]`. A developer's `alembic` command (for `revision
--autogenerate`) gets the URL from `-x url=...`, `sqlalchemy.url` or GUIDE_BOT_DATABASE_URL.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

from guide_bot.storage.base import Base, make_engine
from guide_bot.storage.user_data import load_all_tables

load_all_tables()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copying them; Alembic's batch mode does it
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url")
    url = url or context.config.get_main_option("sqlalchemy.url")
    url = url or os.environ.get("GUIDE_BOT_DATABASE_URL")
    if not url:
        raise SystemExit("no database: give -x url=... or set GUIDE_BOT_DATABASE_URL")
    return url


given = context.config.attributes.get("connection")
if given is not None:
    _run(given)
else:
    engine = make_engine(_url())
    with engine.begin() as connection:
        _run(connection)
    engine.dispose()
