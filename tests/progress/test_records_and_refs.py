"""Glue between stored data and the figures, and how own routines are referred to on buttons."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import sessionmaker

from guide_bot.library.catalog import Catalog, routine_ref
from guide_bot.progress.history import HistoryEntry
from guide_bot.progress.records import to_records, zone_or_utc
from guide_bot.progress.routine_store import UserRoutineRepository
from guide_bot.progress.user_routines import UserRoutines
from guide_bot.telegram.callbacks import Go, parse
from progress.test_uploads import as_bytes, routine

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_own_routine_buttons_carry_a_hashed_reference(db: sessionmaker[Any]) -> None:
    store = UserRoutines(UserRoutineRepository(db), frozenset())
    store.upload(7, as_bytes(routine()), file="a.yaml", now=NOW)
    catalog = Catalog(library={}, user_sources=[store.routines])
    ref = routine_ref("my:my-evening")
    assert ref.startswith("~")
    assert routine_ref("neck-release") == "neck-release"
    packed = Go(routine=ref).pack()
    parsed = parse(packed)
    assert isinstance(parsed, Go)
    mine = catalog.find(7, parsed.routine)
    assert mine is not None
    assert mine.id == "my:my-evening"
    assert catalog.find(7, "my:my-evening") == mine  # /session my:<id> works too
    assert catalog.find(8, parsed.routine) is None


def test_a_stored_routine_that_no_longer_passes_is_listed_but_not_usable(
    db: sessionmaker[Any],
) -> None:
    repo = UserRoutineRepository(db)
    repo.save(7, "old-one", "Old one", "id: old-one\ntitle: Old one\n", NOW)
    store = UserRoutines(repo, frozenset())
    (entry,) = store.entries(7)
    assert entry.ref == "my:old-one"
    assert entry.routine is None
    assert store.get(7, "my:old-one") is None
    assert store.routines(7) == []
    assert store.delete(7, "my:old-one")


def test_records_take_areas_from_the_routine_and_survive_a_deleted_one() -> None:
    entry = HistoryEntry(
        user_id=7,
        routine_id="my:gone",
        started_at=NOW,
        ended_at=NOW,
        active_s=90.0,
        completed=False,
        steps_done=1,
        steps_total=2,
        pain_before=3,
    )
    (record,) = to_records([entry], lambda _rid: None)
    assert record.areas == ()
    assert record.duration_s == 90.0
    assert not record.completed
    assert record.pain_before == 3


def test_zone_or_utc() -> None:
    assert zone_or_utc("Europe/Berlin") == (ZoneInfo("Europe/Berlin"), True)
    assert zone_or_utc(None) == (ZoneInfo("UTC"), False)
    assert zone_or_utc("Mars/Olympus") == (ZoneInfo("UTC"), False)
    assert zone_or_utc("../etc/passwd") == (ZoneInfo("UTC"), False)
