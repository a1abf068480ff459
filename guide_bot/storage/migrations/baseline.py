"""The schema as it stood when Alembic took over (revision 0001), frozen here on purpose.

These definitions must not follow the models: a change to a model is a new revision, and
tests/bot/test_migrations.py checks that the models equal what the revisions build. Revision 0001
creates these tables, and brings a database made by older versions (which made their tables with
`create_all` and added new columns with `ALTER TABLE ... ADD COLUMN`) to the same schema.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)


def baseline_metadata() -> MetaData:
    """A new MetaData holding the baseline tables (new each call: Alembic may add to it)."""
    m = MetaData()
    Table(
        "active_sessions", m,
        Column("chat_id", BigInteger, primary_key=True, autoincrement=False),
        Column("user_id", BigInteger, nullable=False, index=True),
        Column("session_id", String(16), nullable=False),
        Column("version", Integer, nullable=False),
        Column("routine_id", String(80), nullable=False),
        Column("mode", String(8), nullable=False),
        Column("state", JSON, nullable=False),
        Column("plan", JSON, nullable=False),
        Column("controls_message_id", BigInteger, nullable=True),
        Column("pain_before", Integer, nullable=True),
        Column("speech_failed", Boolean, nullable=False, default=False),
        Column("started_at", DateTime, nullable=False),
        Column("updated_at", DateTime, nullable=False),
    )  # fmt: skip
    Table(
        "media_files", m,
        Column("audio_key", String(128), primary_key=True),
        Column("file_id", String(256), nullable=False),
    )  # fmt: skip
    Table(
        "pending_steps", m,
        Column("user_id", BigInteger, primary_key=True, autoincrement=False),
        Column("kind", String(32), primary_key=True),
        Column("data", JSON, nullable=False),
        Column("stored_utc", DateTime, nullable=False, index=True),
    )  # fmt: skip
    Table(
        "reminder_prefs", m,
        Column("user_id", BigInteger, primary_key=True, autoincrement=False),
        Column("zone", String(64), nullable=True),
        Column("offered_utc", DateTime, nullable=True),
        Column("updated_utc", DateTime, nullable=False),
    )  # fmt: skip
    Table(
        "reminders", m,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("user_id", BigInteger, nullable=False, index=True),
        Column("chat_id", BigInteger, nullable=False),
        Column("hour", Integer, nullable=False),
        Column("minute", Integer, nullable=False),
        Column("days_mask", Integer, nullable=False),
        Column("zone", String(64), nullable=False),
        Column("routine_id", String(64), nullable=True),
        Column("paused", Boolean, nullable=False, default=False),
        Column("blocked", Boolean, nullable=False, default=False),
        Column("next_fire_utc", DateTime, nullable=False),
        Column("snooze_until_utc", DateTime, nullable=True),
        Column("due_utc", DateTime, nullable=False),
        Column("last_sent_utc", DateTime, nullable=True),
        Column("created_utc", DateTime, nullable=False),
        Index("ix_reminders_active_due", "paused", "blocked", "due_utc"),
    )  # fmt: skip
    Table(
        "session_history", m,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("user_id", BigInteger, nullable=False, index=True),
        Column("routine_id", String(80), nullable=False),
        Column("started_at", DateTime, nullable=False),
        Column("ended_at", DateTime, nullable=False),
        Column("active_s", Float, nullable=False),
        Column("completed", Boolean, nullable=False),
        Column("steps_done", Integer, nullable=False),
        Column("steps_total", Integer, nullable=False),
        Column("pain_before", Integer, nullable=True),
        Column("pain_after", Integer, nullable=True),
    )  # fmt: skip
    Table(
        "user_routines", m,
        Column("user_id", BigInteger, primary_key=True),
        Column("routine_id", String(64), primary_key=True),
        Column("title", String(80), nullable=False),
        Column("yaml_text", Text, nullable=False),
        Column("created_at", DateTime, nullable=False),
        Column("updated_at", DateTime, nullable=False),
    )  # fmt: skip
    Table(
        "users", m,
        Column("user_id", BigInteger, primary_key=True, autoincrement=False),
        Column("chat_id", BigInteger, nullable=False),
        Column("created_at", DateTime, nullable=False),
        Column("blocked_at", DateTime, nullable=True),
        Column("mode", String(8), nullable=False, default="voice"),
        Column("language", String(16), nullable=True),
        Column("slow", Boolean, nullable=False, default=False),
        Column("countdown", Boolean, nullable=False, default=True),
        Column("screening", JSON, nullable=True),
        Column("screened_at", DateTime, nullable=True),
    )  # fmt: skip
    return m
