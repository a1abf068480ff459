"""The reminder repository: round trips, claiming due rows once, snooze, skip, block, zones."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from guide_bot.reminders.rows import ReminderRow
from guide_bot.reminders.rules import EVERY_DAY, WEEKDAYS, ReminderRule
from guide_bot.reminders.store import ReminderRepository
from guide_bot.storage.base import make_engine, make_sessionmaker, user_tables
from guide_bot.storage.schema import create_or_migrate

NOW = datetime(2026, 6, 4, 4, 0, tzinfo=UTC)  # Thursday 06:00 in Berlin
BERLIN_0730 = ReminderRule(at=time(7, 30), days=WEEKDAYS, zone="Europe/Berlin", routine_id="neck")


def test_round_trip(repo: ReminderRepository) -> None:
    stored = repo.add(user_id=1, chat_id=10, rule=BERLIN_0730, now=NOW)
    assert stored.state.next_fire_utc == datetime(2026, 6, 4, 5, 30, tzinfo=UTC)
    again = repo.get(stored.id)
    assert again == stored
    assert again is not None
    assert again.rule == BERLIN_0730
    assert repo.for_user(1) == [stored]
    assert repo.count_for_user(1) == 1
    assert repo.count_for_user(2) == 0
    assert {"reminders", "reminder_prefs"} <= {t.name for t in user_tables()}


def test_claim_due_once_in_order(repo: ReminderRepository) -> None:
    late = ReminderRule(at=time(7, 31), days=EVERY_DAY, zone="Europe/Berlin")
    b = repo.add(user_id=2, chat_id=20, rule=late, now=NOW)
    a = repo.add(user_id=1, chat_id=10, rule=BERLIN_0730, now=NOW)
    assert repo.next_due() == a.state.next_fire_utc
    assert repo.claim_due(NOW) == []
    at = NOW + timedelta(hours=2)
    claimed = repo.claim_due(at)
    assert [(r.id, d.send) for r, d in claimed] == [(a.id, True), (b.id, True)]
    assert repo.claim_due(at) == []  # stored before anything is sent: never twice
    assert repo.next_due() == datetime(2026, 6, 5, 5, 30, tzinfo=UTC)


def test_claim_beyond_grace_is_advanced_not_sent(repo: ReminderRepository) -> None:
    stored = repo.add(user_id=1, chat_id=10, rule=BERLIN_0730, now=NOW)
    claimed = repo.claim_due(stored.state.next_fire_utc + timedelta(hours=3))
    assert [d.send for _r, d in claimed] == [False]
    after = repo.get(stored.id)
    assert after is not None
    assert after.state.next_fire_utc == datetime(2026, 6, 5, 5, 30, tzinfo=UTC)
    assert after.state.last_sent_utc is None


def test_snooze_skip_pause(repo: ReminderRepository) -> None:
    stored = repo.add(user_id=1, chat_id=10, rule=BERLIN_0730, now=NOW)
    fire = stored.state.next_fire_utc
    repo.claim_due(fire)
    snoozed = repo.snooze(stored.id, fire + timedelta(minutes=10))
    assert snoozed is not None
    assert snoozed.state.due_utc == fire + timedelta(minutes=10)
    assert repo.next_due() == fire + timedelta(minutes=10)
    skipped = repo.skip_today(stored.id, fire + timedelta(minutes=1))
    assert skipped is not None
    assert skipped.state.snooze_until_utc is None
    assert skipped.state.due_utc == datetime(2026, 6, 5, 5, 30, tzinfo=UTC)
    paused = repo.set_paused(stored.id, True, NOW)
    assert paused is not None
    assert paused.rule.paused
    assert repo.next_due() is None
    assert repo.claim_due(NOW + timedelta(days=5)) == []
    resumed = repo.set_paused(stored.id, False, NOW + timedelta(days=5))
    assert resumed is not None
    assert resumed.active
    assert repo.next_due() == resumed.state.next_fire_utc


def test_blocked_user_is_not_claimed_until_resumed(repo: ReminderRepository) -> None:
    one = repo.add(user_id=1, chat_id=10, rule=BERLIN_0730, now=NOW)
    repo.add(user_id=1, chat_id=10, rule=replace(BERLIN_0730, at=time(7, 45)), now=NOW)
    assert repo.add(user_id=1, chat_id=10, rule=BERLIN_0730, now=NOW) == one  # idempotent
    other = repo.add(user_id=2, chat_id=20, rule=BERLIN_0730, now=NOW)
    assert repo.mark_blocked(1) == 2
    claimed = repo.claim_due(NOW + timedelta(hours=2))
    assert [r.id for r, _d in claimed] == [other.id]
    resumed = repo.set_paused(one.id, False, NOW)
    assert resumed is not None
    assert not resumed.blocked


def test_timezone_change_keeps_local_time(repo: ReminderRepository) -> None:
    assert repo.get_timezone(1) is None
    repo.set_timezone(1, "Europe/Berlin", NOW)
    stored = repo.add(user_id=1, chat_id=10, rule=BERLIN_0730, now=NOW)
    repo.set_timezone(1, "America/New_York", NOW)
    assert repo.get_timezone(1) == "America/New_York"
    moved = repo.get(stored.id)
    assert moved is not None
    assert moved.rule.zone == "America/New_York"
    assert moved.state.next_fire_utc == datetime(2026, 6, 4, 11, 30, tzinfo=UTC)


def test_update_and_delete(repo: ReminderRepository) -> None:
    stored = repo.add(user_id=1, chat_id=10, rule=BERLIN_0730, now=NOW)
    evening = ReminderRule(at=time(21, 0), days=EVERY_DAY, zone="Europe/Berlin")
    changed = repo.update_rule(stored.id, evening, NOW)
    assert changed is not None
    assert changed.state.next_fire_utc == datetime(2026, 6, 4, 19, 0, tzinfo=UTC)
    assert repo.delete(stored.id)
    assert not repo.delete(stored.id)
    assert repo.get(stored.id) is None
    assert repo.update_rule(stored.id, evening, NOW) is None


def test_on_postgresql_a_row_another_process_is_claiming_is_left_to_it(pg_url: str) -> None:
    """Two dispatchers (an old leader and its successor) never claim the same reminder."""
    engine = make_engine(
        pg_url + "?options=-c%20lock_timeout%3D3000"
    )  # a regression fails, not hangs
    create_or_migrate(engine)
    repo = ReminderRepository(make_sessionmaker(engine))
    a = repo.add(user_id=1, chat_id=10, rule=BERLIN_0730, now=NOW)
    b = repo.add(user_id=2, chat_id=20, rule=BERLIN_0730, now=NOW)
    at = NOW + timedelta(hours=2)
    with engine.connect() as other:  # the other process, in the middle of claiming `a`
        other.execute(select(ReminderRow).where(ReminderRow.id == a.id).with_for_update())
        assert [r.id for r, _ in repo.claim_due(at)] == [b.id]
        other.rollback()  # it died before committing: `a` is still due
    assert [r.id for r, _ in repo.claim_due(at)] == [a.id]
    assert repo.claim_due(at) == []
    engine.dispose()
