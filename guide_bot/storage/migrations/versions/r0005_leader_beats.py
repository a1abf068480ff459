"""The leader's heartbeat (storage/leader_beats.py): a new leader on PostgreSQL waits only until
the old one's last probe plus its check interval and timeout, and not at all after a clean stop.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    if "leader_beats" in sa.inspect(op.get_bind()).get_table_names():
        return  # made by create_all from the models before the revisions were run (tests)
    op.create_table(
        "leader_beats",
        sa.Column("name", sa.String(80), primary_key=True),
        sa.Column("holder", sa.String(200), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("leader_beats")
