"""Each user's language (users.locale), apart from the English voice accent of /settings.

`users.language` keeps what it always held: the accent of the English voice chosen in /settings
(`en`, `en-gb`, ...). The language the bot speaks to a user is a new column, `users.locale`
(`en`, `de`, `es`, `ru`, `pt-br`), NULL until the user's first contact after this revision sets it
from Telegram's `language_code` (or /language does).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # A database made with the models' `create_all` (before Alembic) may have it already.
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("users")}
    if "locale" not in columns:
        op.add_column("users", sa.Column("locale", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:  # SQLite drops a column through a copy
        batch.drop_column("locale")
