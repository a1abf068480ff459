"""What the chat's step message of a session shows (active_sessions.step_view), so that after a
restart the bot keeps editing the same message instead of sending a new one.

A nullable JSON column: sessions stored before it have none and get a new step message at their
next refresh, as before.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # A database made with the models' `create_all` (before Alembic) may have it already.
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("active_sessions")}
    if "step_view" not in columns:
        op.add_column("active_sessions", sa.Column("step_view", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("active_sessions") as batch:  # SQLite rebuilds the table
        batch.drop_column("step_view")
