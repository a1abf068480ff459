"""The leader's heartbeat on PostgreSQL (storage/leadership.py): the time of its last successful
probe, so that a process that takes the lead waits only as long as the old leader could still
believe it leads, and not at all after a clean stop.

One row per leadership name (a bot's lock name). `beat_at` is the database's own `now()` at the
leader's last probe, NULL once it let go on purpose; `holder` says which process holds it
(host and pid, for operators: `SELECT * FROM leader_beats`). Not user data. SQLite has the table
too (the revisions are the same for both engines) but never writes it: one process per file.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from guide_bot.storage.base import Base


class LeaderBeatRow(Base):
    """A leadership name, its holder and the time of the holder's last probe."""

    __tablename__ = "leader_beats"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    beat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
