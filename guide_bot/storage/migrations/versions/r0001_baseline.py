"""Baseline: the schema when migrations began; also completes a database made by older versions.

On an empty database this creates every table of `baseline.py`. Older versions made their tables
with `create_all` and added new columns at start-up with `ALTER TABLE ... ADD COLUMN`, keeping no
revision; such a database has tables but no `alembic_version`, so this revision runs on it too and
adds what it lacks: missing tables, missing columns (with a server default from the model's
default, so old rows get it) and missing indexes. A missing NOT NULL column without a default
cannot be filled in and stops the migration with a clear message.

Revision ID: 0001
Revises:
Create Date: 2026-12-06
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from guide_bot.storage.migrations.baseline import baseline_metadata
from guide_bot.storage.schema import MigrationError

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def _server_default(table: str, column: sa.Column[Any]) -> sa.ColumnElement[Any] | None:
    default = column.default
    if isinstance(default, ScalarElementColumnDefault):
        value = default.arg
        if isinstance(value, bool):
            return sa.true() if value else sa.false()
        return sa.literal(value)
    if not column.nullable:
        raise MigrationError(
            f"column {table}.{column.name} is missing and NOT NULL without a default; "
            "migrate this database by hand"
        )
    return None


def upgrade() -> None:
    bind = op.get_bind()
    metadata = baseline_metadata()
    present = set(sa.inspect(bind).get_table_names())
    for table in metadata.sorted_tables:
        if table.name not in present:
            table.create(bind)
            continue
        inspector = sa.inspect(bind)
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in columns:
                default = _server_default(table.name, column)
                op.add_column(
                    table.name,
                    sa.Column(
                        column.name, column.type, nullable=column.nullable,
                        server_default=default,
                    ),
                )  # fmt: skip
        indexes = {i["name"] for i in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in indexes:
                index.create(bind)


def downgrade() -> None:
    baseline_metadata().drop_all(op.get_bind())
