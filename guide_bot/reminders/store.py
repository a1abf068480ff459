"""The reminder repository: what the dispatcher and the handlers read and change.

The database is the source of truth for reminders: jobs are rebuilt from it at start-up. Each
row keeps its rule (local time, days, zone, routine), its next regular fire, a pending snooze and
`due_utc` (the earlier of the two, indexed) so "what is due" is one indexed query.

The dispatcher picks one due reminder at a time (`next_due_reminder`, nothing written) and stores
its new state with `store_claim` right before its message goes on the wire, only if the row is
still as it was picked (a compare-and-set): a crash before that line sends it after the restart, a
crash after it loses at most that send, and it is never sent twice (docs/reminders.md). `claim_due`
decides and stores every due reminder at once (kept for callers that send nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import (
    Select,
    func,
    select,
    update,
)
from sqlalchemy import delete as sql_delete
from sqlalchemy.orm import Session as DbSession

from guide_bot.reminders.rows import (
    ReminderPrefsRow,
    ReminderRow,
    StoredReminder,
    days_to_mask,
    mask_to_days,
    to_stored,
    write,
)
from guide_bot.reminders.rules import (
    DEFAULT_GRACE,
    Dispatch,
    ReminderRule,
    ReminderState,
    dispatch,
    next_fire,
    skip_today,
)

__all__ = ["ReminderRepository", "StoredReminder", "days_to_mask", "mask_to_days"]


def _due(now: datetime) -> Select[ReminderRow]:
    """The reminders due at `now` (not paused, not blocked), in the order they fell due."""
    return (
        select(ReminderRow)
        .where(
            ReminderRow.paused.is_(False),
            ReminderRow.blocked.is_(False),
            ReminderRow.due_utc <= now,
        )
        .order_by(ReminderRow.due_utc, ReminderRow.id)
    )


class ReminderRepository:
    """Reminders and time zones in the database; every method is one short transaction."""

    def __init__(self, sessions: Callable[[], DbSession]) -> None:
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
                stored = to_stored(r)
                rule = replace(stored.rule, zone=zone)
                state = replace(
                    stored.state, next_fire_utc=next_fire(rule, now), snooze_until_utc=None
                )
                write(r, rule, state)

    # reminders --------------------------------------------------------------------------
    def add(
        self, *, user_id: int, chat_id: int, rule: ReminderRule, now: datetime
    ) -> StoredReminder:
        """A new reminder, first due at the rule's next fire after `now`; idempotent: the same
        rule again for the same user and chat (a double tap, a repeated update) is the reminder
        already there, not a second one that would fire twice."""
        with self._sessions() as s, s.begin():
            same = s.scalars(
                select(ReminderRow).where(
                    ReminderRow.user_id == user_id, ReminderRow.chat_id == chat_id
                )
            )
            for existing in same:
                if to_stored(existing).rule == rule:
                    return to_stored(existing)
            row = ReminderRow(user_id=user_id, chat_id=chat_id, created_utc=now, blocked=False)
            write(row, rule, ReminderState(next_fire_utc=next_fire(rule, now)))
            s.add(row)
            s.flush()
            return to_stored(row)

    def get(self, reminder_id: int) -> StoredReminder | None:
        """One reminder by id."""
        with self._sessions() as s:
            row = s.get(ReminderRow, reminder_id)
            return None if row is None else to_stored(row)

    def for_user(self, user_id: int) -> list[StoredReminder]:
        """A user's reminders, oldest first."""
        with self._sessions() as s:
            rows = s.scalars(
                select(ReminderRow).where(ReminderRow.user_id == user_id).order_by(ReminderRow.id)
            )
            return [to_stored(r) for r in rows]

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
            rule, state = change(to_stored(row))
            write(row, rule, state)
            return to_stored(row)

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
            stored = to_stored(row)
            rule = replace(stored.rule, paused=paused)
            state = replace(stored.state, next_fire_utc=next_fire(rule, now), snooze_until_utc=None)
            write(row, rule, state)
            if not paused:
                row.blocked = False
            return to_stored(row)

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

    def next_due_reminder(
        self, now: datetime, *, grace: timedelta = DEFAULT_GRACE, skip: Collection[int] = ()
    ) -> tuple[StoredReminder, Dispatch] | None:
        """The oldest due reminder not in `skip` (those already on their way) and its decision;
        nothing is stored: `store_claim` does that, right before the send."""
        with self._sessions() as s:
            query = _due(now).limit(1)
            if skip:
                query = query.where(ReminderRow.id.not_in(list(skip)))
            row = s.scalars(query).first()
            if row is None:
                return None
            stored = to_stored(row)
            return stored, dispatch(stored.rule, stored.state, now, grace=grace)

    def store_claim(self, picked: StoredReminder, decision: Dispatch) -> bool:
        """Store a picked reminder's new state if its row is still exactly as it was picked (not
        paused, edited, snoozed, deleted or claimed by another process since); False otherwise,
        and then it must not be sent. One short transaction, a compare-and-set."""
        rule, state, new = picked.rule, picked.state, decision.state
        snooze = state.snooze_until_utc
        with self._sessions() as s, s.begin():
            result = s.execute(
                update(ReminderRow)
                .where(
                    ReminderRow.id == picked.id,
                    ReminderRow.paused.is_(False),
                    ReminderRow.blocked.is_(False),
                    ReminderRow.hour == rule.at.hour,
                    ReminderRow.minute == rule.at.minute,
                    ReminderRow.days_mask == days_to_mask(rule.days),
                    ReminderRow.zone == rule.zone,
                    ReminderRow.next_fire_utc == state.next_fire_utc,
                    ReminderRow.snooze_until_utc.is_(None)
                    if snooze is None
                    else ReminderRow.snooze_until_utc == snooze,
                )
                .values(
                    next_fire_utc=new.next_fire_utc,
                    snooze_until_utc=new.snooze_until_utc,
                    last_sent_utc=new.last_sent_utc,
                    due_utc=new.due_utc,
                )
            )
            return int(getattr(result, "rowcount", 0)) == 1

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
                _due(now)
                .limit(limit)
                # PostgreSQL: rows another process is claiming are left to it, never sent twice
                # (SQLite has one writer at a time and ignores this).
                .with_for_update(skip_locked=True)
            ).all()
            for row in rows:
                stored = to_stored(row)
                decision = dispatch(stored.rule, stored.state, now, grace=grace)
                write(row, stored.rule, decision.state)
                claimed.append((stored, decision))
        return claimed
