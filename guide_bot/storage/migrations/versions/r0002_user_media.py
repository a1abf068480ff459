"""The keys of audio and media made from users' own routines (storage/user_media.py), so that
/forget can delete the cached audio and Telegram file ids that speak what a user wrote.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    if "user_media" in sa.inspect(op.get_bind()).get_table_names():
        return  # made by create_all from the models before the revisions were run (tests)
    op.create_table(
        "user_media",
        sa.Column("user_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("media_key", sa.String(128), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("user_media")
