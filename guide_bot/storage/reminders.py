"""The reminders table, the users' time zones, and the repository the scheduler and handlers use.

The database is the source of truth for reminders: jobs are rebuilt from it at start-up. Each
row keeps its rule (local time, days, zone, routine), its next regular fire, a pending snooze and
`due_utc` (the earlier of the two, indexed) so "what is due" is one indexed query.

`claim_due` decides and stores the new state of every due reminder in one transaction *before*
anything is sent: a crash after the commit loses at most that send, it never sends twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

from sqlalchemy import (
    BigInteger,
    Boolean,
    Index,
    Integer,
    String,
    func,
    select,
    update,
)
from sqlalchemy import delete as sql_delete
from sqlalchemy.orm import Mapped, Session, mapped_column

from guide_bot.domain.reminders import (
    DEFAULT_GRACE,
    Dispatch,
    ReminderRule,
    ReminderState,
    dispatch,
    next_fire,
    skip_today,
)
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


def _to_stored(row: ReminderRow) -> StoredReminder:
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


def _write(row: ReminderRow, rule: ReminderRule, state: ReminderState) -> None:
    row.hour, row.minute = rule.at.hour, rule.at.minute
    row.days_mask = days_to_mask(rule.days)
    row.zone = rule.zone
    row.routine_id = rule.routine_id
    row.paused = rule.paused
    row.next_fire_utc = state.next_fire_utc
    row.snooze_until_utc = state.snooze_until_utc
    row.last_sent_utc = state.last_sent_utc
    row.due_utc = state.due_utc


class ReminderRepository:
    """Reminders and time zones in the database; every method is one short transaction."""

    def __init__(self, sessions: Callable[[], Session]) -> None:
        self._sessions = sessions

    # time zones and the daily offer -----------------------------------------------------
    def get_timezone(self, user_id: int) -> str | None:
        """The user's zone, or None if never set."""
        with self._sessions() as s:
            row = s.get(ReminderPrefsRow, user_id)
            return None if row is None else row.zone

    def was_offered(self, user_id: int) -> bool:
        """Whether the daily reminder was already offered to this user."""
        with self._sessions() as s:
            row = s.get(ReminderPrefsRow, user_id)
            return row is not None and row.offered_utc is not None

    def mark_offered(self, user_id: int, now: datetime) -> None:
        """Remember that the daily reminder was offered (it is offered once)."""
        with self._sessions() as s, s.begin():
            row = s.get(ReminderPrefsRow, user_id)
            if row is None:
                s.add(ReminderPrefsRow(user_id=user_id, offered_utc=now, updated_utc=now))
            else:
                row.offered_utc, row.updated_utc = now, now

    def set_timezone(self, user_id: int, zone: str, now: datetime) -> None:
        """Keep the user's zone and move their reminders to it (same local times)."""
        with self._sessions() as s, s.begin():
            row = s.get(ReminderPrefsRow, user_id)
            if row is None:
                s.add(ReminderPrefsRow(user_id=user_id, zone=zone, updated_utc=now))
            else:
                row.zone, row.updated_utc = zone, now
            for r in s.scalars(select(ReminderRow).where(ReminderRow.user_id == user_id)):
                stored = _to_stored(r)
                rule = replace(stored.rule, zone=zone)
                state = replace(
                    stored.state, next_fire_utc=next_fire(rule, now), snooze_until_utc=None
                )
                _write(r, rule, state)

    # reminders --------------------------------------------------------------------------
    def add(
        self, *, user_id: int, chat_id: int, rule: ReminderRule, now: datetime
    ) -> StoredReminder:
        """A new reminder, first due at the rule's next fire after `now`."""
        with self._sessions() as s, s.begin():
            row = ReminderRow(user_id=user_id, chat_id=chat_id, created_utc=now, blocked=False)
            _write(row, rule, ReminderState(next_fire_utc=next_fire(rule, now)))
            s.add(row)
            s.flush()
            return _to_stored(row)

    def get(self, reminder_id: int) -> StoredReminder | None:
        """One reminder by id."""
        with self._sessions() as s:
            row = s.get(ReminderRow, reminder_id)
            return None if row is None else _to_stored(row)

    def for_user(self, user_id: int) -> list[StoredReminder]:
        """A user's reminders, oldest first."""
        with self._sessions() as s:
            rows = s.scalars(
                select(ReminderRow).where(ReminderRow.user_id == user_id).order_by(ReminderRow.id)
            )
            return [_to_stored(r) for r in rows]

    def count_for_user(self, user_id: int) -> int:
        """How many reminders a user has."""
        with self._sessions() as s:
            query = select(func.count()).where(ReminderRow.user_id == user_id)
            return int(s.scalar(query.select_from(ReminderRow)) or 0)

    def delete(self, reminder_id: int) -> bool:
        """Remove a reminder; False if it was not there."""
        with self._sessions() as s, s.begin():
            result = s.execute(sql_delete(ReminderRow).where(ReminderRow.id == reminder_id))
            return bool(getattr(result, "rowcount", 0))

    def _change(
        self,
        reminder_id: int,
        change: Callable[[StoredReminder], tuple[ReminderRule, ReminderState]],
    ) -> StoredReminder | None:
        with self._sessions() as s, s.begin():
            row = s.get(ReminderRow, reminder_id)
            if row is None:
                return None
            rule, state = change(_to_stored(row))
            _write(row, rule, state)
            return _to_stored(row)

    def update_rule(
        self, reminder_id: int, rule: ReminderRule, now: datetime
    ) -> StoredReminder | None:
        """A changed time, days or routine; the next fire follows the new rule."""
        return self._change(
            reminder_id,
            lambda r: (
                rule,
                replace(r.state, next_fire_utc=next_fire(rule, now), snooze_until_utc=None),
            ),
        )

    def set_paused(self, reminder_id: int, paused: bool, now: datetime) -> StoredReminder | None:
        """Pause or resume; resuming also lifts a block and starts again from `now`."""

        with self._sessions() as s, s.begin():
            row = s.get(ReminderRow, reminder_id)
            if row is None:
                return None
            stored = _to_stored(row)
            rule = replace(stored.rule, paused=paused)
            state = replace(stored.state, next_fire_utc=next_fire(rule, now), snooze_until_utc=None)
            _write(row, rule, state)
            if not paused:
                row.blocked = False
            return _to_stored(row)

    def snooze(self, reminder_id: int, until: datetime) -> StoredReminder | None:
        """Come back at `until` (the regular schedule is kept)."""
        return self._change(
            reminder_id, lambda r: (r.rule, replace(r.state, snooze_until_utc=until))
        )

    def skip_today(self, reminder_id: int, now: datetime) -> StoredReminder | None:
        """Nothing more today: drop a pending snooze and today's remaining fire."""
        return self._change(
            reminder_id,
            lambda r: (
                r.rule,
                replace(r.state, next_fire_utc=skip_today(r.rule, now), snooze_until_utc=None),
            ),
        )

    def mark_blocked(self, user_id: int) -> int:
        """The user blocked the bot: stop sending them reminders. Returns how many."""
        with self._sessions() as s, s.begin():
            result = s.execute(
                update(ReminderRow).where(ReminderRow.user_id == user_id).values(blocked=True)
            )
            return int(getattr(result, "rowcount", 0))

    def mark_chat_blocked(self, chat_id: int) -> int:
        """A send to this chat got 403 elsewhere in the bot: stop its reminders too."""
        with self._sessions() as s, s.begin():
            result = s.execute(
                update(ReminderRow).where(ReminderRow.chat_id == chat_id).values(blocked=True)
            )
            return int(getattr(result, "rowcount", 0))

    def next_due(self) -> datetime | None:
        """The earliest due time of any active reminder."""
        with self._sessions() as s:
            return s.scalar(
                select(func.min(ReminderRow.due_utc)).where(
                    ReminderRow.paused.is_(False), ReminderRow.blocked.is_(False)
                )
            )

    def claim_due(
        self, now: datetime, *, grace: timedelta = DEFAULT_GRACE, limit: int = 500
    ) -> list[tuple[StoredReminder, Dispatch]]:
        """Due reminders in the order they fell due, their new state already stored.

        Returns each with its decision; only those with `send` are to be sent. Rows too late
        (beyond `grace`) are advanced without sending.
        """
        claimed: list[tuple[StoredReminder, Dispatch]] = []
        with self._sessions() as s, s.begin():
            rows: Sequence[ReminderRow] = s.scalars(
                select(ReminderRow)
                .where(
                    ReminderRow.paused.is_(False),
                    ReminderRow.blocked.is_(False),
                    ReminderRow.due_utc <= now,
                )
                .order_by(ReminderRow.due_utc, ReminderRow.id)
                .limit(limit)
            ).all()
            for row in rows:
                stored = _to_stored(row)
                decision = dispatch(stored.rule, stored.state, now, grace=grace)
                _write(row, stored.rule, decision.state)
                claimed.append((stored, decision))
        return claimed
