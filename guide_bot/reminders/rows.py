"""The reminder tables and how a row maps to a rule and its state (see storage/reminders.py).

`reminders`: one row per reminder, with `due_utc` (the earlier of the next regular fire and a
pending snooze) indexed for the dispatcher. `reminder_prefs`: per user, the IANA time zone and
when the daily reminder was offered. Both have `user_id`, so /export and /forget cover them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import BigInteger, Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from guide_bot.reminders.rules import ReminderRule, ReminderState
from guide_bot.storage.base import Base
from guide_bot.storage.types import UtcDateTime


def days_to_mask(days: frozenset[int]) -> int:
    """Weekdays (Monday=0) as a 7-bit mask."""
    return sum(1 << d for d in days)


def mask_to_days(mask: int) -> frozenset[int]:
    """The weekdays of a 7-bit mask."""
    return frozenset(d for d in range(7) if mask & (1 << d))


class ReminderRow(Base):
    """One reminder of one user; `blocked` is set when Telegram says the user blocked the bot."""

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_active_due", "paused", "blocked", "due_utc"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    hour: Mapped[int] = mapped_column(Integer)
    minute: Mapped[int] = mapped_column(Integer)
    days_mask: Mapped[int] = mapped_column(Integer)
    zone: Mapped[str] = mapped_column(String(64))
    routine_id: Mapped[str | None] = mapped_column(String(64), default=None)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    next_fire_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    snooze_until_utc: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    due_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    last_sent_utc: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    created_utc: Mapped[datetime] = mapped_column(UtcDateTime)


class ReminderPrefsRow(Base):
    """Per user: the IANA time zone and when the daily offer was made."""

    __tablename__ = "reminder_prefs"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    zone: Mapped[str | None] = mapped_column(String(64), default=None)
    offered_utc: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    updated_utc: Mapped[datetime] = mapped_column(UtcDateTime)


@dataclass(frozen=True, kw_only=True, slots=True)
class StoredReminder:
    """A reminder as the rest of the bot sees it."""

    id: int
    user_id: int
    chat_id: int
    rule: ReminderRule
    state: ReminderState
    blocked: bool

    @property
    def active(self) -> bool:
        """Whether it will be sent when due."""
        return not (self.rule.paused or self.blocked)


def to_stored(row: ReminderRow) -> StoredReminder:
    rule = ReminderRule(
        at=time(row.hour, row.minute),
        days=mask_to_days(row.days_mask),
        zone=row.zone,
        routine_id=row.routine_id,
        paused=row.paused,
    )
    state = ReminderState(
        next_fire_utc=row.next_fire_utc,
        snooze_until_utc=row.snooze_until_utc,
        last_sent_utc=row.last_sent_utc,
    )
    return StoredReminder(
        id=row.id, user_id=row.user_id, chat_id=row.chat_id, rule=rule, state=state,
        blocked=row.blocked,
    )  # fmt: skip


def write(row: ReminderRow, rule: ReminderRule, state: ReminderState) -> None:
    row.hour, row.minute = rule.at.hour, rule.at.minute
    row.days_mask = days_to_mask(rule.days)
    row.zone = rule.zone
    row.routine_id = rule.routine_id
    row.paused = rule.paused
    row.next_fire_utc = state.next_fire_utc
    row.snooze_until_utc = state.snooze_until_utc
    row.last_sent_utc = state.last_sent_utc
    row.due_utc = state.due_utc
