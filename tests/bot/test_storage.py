"""Repositories of users, sessions in progress, history and voice file ids, on SQLite and
PostgreSQL (the `factory` fixture of tests/conftest.py runs each test on both)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import sessionmaker

from guide_bot.progress.history import HistoryEntry, HistoryRepository
from guide_bot.sessions.store import SessionStore
from guide_bot.storage.base import user_tables
from guide_bot.storage.media import MediaRepository
from guide_bot.storage.sessions import SessionRepository, StoredSession
from guide_bot.storage.user_data import load_all_tables
from guide_bot.storage.users import UserRepository, UserRow, UserSettings

load_all_tables()  # every table in the metadata

NOW = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_users_settings_screening_and_blocking(factory: sessionmaker[Any]) -> None:
    repo = UserRepository(factory)
    assert repo.get(1) is None
    user = repo.ensure(1, 10, NOW)
    assert user.settings == UserSettings()
    assert not user.screened
    repo.set_screening(1, ["varicose_veins", "osteoporosis"], NOW)
    assert repo.change_settings(1, mode="text", countdown=False) == UserSettings(
        mode="text", countdown=False
    )
    repo.mark_blocked(1, NOW)
    assert repo.blocked_user_ids() == {1}
    stored = repo.get(1)
    assert stored is not None
    assert stored.screening == ("osteoporosis", "varicose_veins")  # only the names, sorted
    assert not stored.screening_outdated
    assert stored.screened_at == NOW
    assert stored.settings.mode == "text"
    assert stored.created_at.tzinfo is not None
    assert repo.ensure(1, 10, NOW).blocked_at is None  # writing again unblocks
    assert repo.change_settings(2, mode="text") is None


def test_a_users_language_is_set_once_at_first_contact_and_changed_on_request(
    factory: sessionmaker[Any],
) -> None:
    repo = UserRepository(factory)
    assert repo.locale_of(7) == "en"  # unknown: English
    assert repo.first_locale(7, 70, "de", NOW)  # created, and its language stored
    assert not repo.first_locale(7, 70, "es", NOW)  # a second (racing) first contact: kept
    user = repo.get(7)
    assert user is not None
    assert (user.locale, user.language_code, user.settings.language) == ("de", "de", None)
    repo.set_locale(7, "pt-br")  # /language
    assert repo.locale_of(7) == "pt-br"
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        repo.first_locale(8, 80, "fr", NOW)
    with factory.begin() as db:  # a value no version wrote reads as not chosen
        row = db.get(UserRow, 7)
        assert row is not None
        row.locale = "xx"
    assert repo.locale_of(7) == "en"
    assert repo.get(7).locale is None  # type: ignore[union-attr]


def test_sessions_in_progress_round_trip(factory: sessionmaker[Any]) -> None:
    repo = SessionRepository(factory)
    record = StoredSession(
        chat_id=5,
        user_id=5,
        session_id="0a1b2c3d",
        version=3,
        routine_id="neck-release",
        mode="voice",
        state={"version": 1, "state": "running"},
        plan={"countdown": True, "speak": {"Press now.": 1.1}},
        pain_before=6,
        started_at=NOW,
        updated_at=NOW,
    )
    repo.save(record)
    record.version = 4
    repo.save(record)
    (loaded,) = repo.all()
    assert loaded == record
    repo.delete(5)
    assert repo.get(5) is None
    repo.delete(5)  # twice is fine


def test_the_restores_read_shares_one_decoded_plan_among_sessions_on_it(
    factory: sessionmaker[Any],
) -> None:
    """`some` (the restore's batches) decodes each distinct plan text once (start-up cost)."""
    repo = SessionRepository(factory)
    plans = [
        {"countdown": True, "speak": {"Press now.": 1.1, "Ünïcode ✓": 2.0}},
        {"length": "short"},
    ]
    for chat in range(1, 7):
        repo.save(
            StoredSession(
                chat_id=chat,
                user_id=chat,
                session_id=f"{chat:08x}",
                version=1,
                routine_id="neck-release",
                mode="text",
                state={"version": 1, "state": "running"},
                plan=dict(plans[chat % 2]),
                step_view={"message_id": chat} if chat % 3 else None,
                started_at=NOW,
                updated_at=NOW,
            )
        )
    read = sorted(repo.some([1, 2, 3, 4, 5, 6, 99]), key=lambda r: r.chat_id)
    assert read == [repo.get(chat) for chat in range(1, 7)]  # the same as each row read alone
    assert [r.plan for r in read] == [plans[chat % 2] for chat in range(1, 7)]
    assert len({id(r.plan) for r in read}) == 2


def running_session() -> StoredSession:
    """A text session of neck-release in chat 5, stored at NOW."""
    return StoredSession(
        chat_id=5,
        user_id=5,
        session_id="0a1b2c3d",
        version=3,
        routine_id="neck-release",
        mode="text",
        state={"version": 1, "state": "running", "anchor_wall": 1.5},
        plan={"countdown": True, "speak": {"Press now.": 1.1}},
        pain_before=6,
        started_at=NOW,
        updated_at=NOW,
    )


def store_progress(repo: SessionRepository, records: list[StoredSession]) -> None:
    """A batch of progress, as the session service stores it: encoded, then written."""
    repo.update_progress([repo.progress(record) for record in records])


def test_a_batch_stores_the_progress_of_stored_sessions_and_skips_ended_ones(
    factory: sessionmaker[Any],
) -> None:
    repo = SessionRepository(factory)
    first = running_session()
    second = replace(first, chat_id=6, user_id=6, step_view={"message_id": 9, "said": [2]})
    repo.save(first)
    repo.save(second)
    later = NOW + timedelta(seconds=7, microseconds=250)
    moved = replace(
        first,
        version=4,
        state={"version": 1, "state": "paused", "shifts": [[2, 5.0]]},
        controls_message_id=77,
        step_view={"message_id": 8, "step": 2, "latest": "Halfway <b>"},
        speech_failed=True,
        updated_at=later,
    )
    cleared = replace(second, step_view=None, updated_at=later)
    ended = replace(first, chat_id=99, user_id=99)  # no row: stays absent
    store_progress(repo, [moved, cleared, ended])
    assert repo.get(5) == moved
    assert repo.get(6) == cleared
    assert repo.get(99) is None
    store_progress(repo, [])  # nothing to store is fine
    # only the progress is written by a batch: what a run never changes stays as saved
    again = later + timedelta(seconds=1)
    store_progress(repo, [replace(moved, plan={"other": 1}, pain_before=None, updated_at=again)])
    assert repo.get(5) == replace(moved, updated_at=again)


def test_a_batch_never_writes_an_older_progress_over_a_session_stored_since(
    factory: sessionmaker[Any],
) -> None:
    """On PostgreSQL the batch is written by a worker thread while the loop goes on: a session
    stored whole after its progress was encoded (a later `updated_at`) keeps what was stored."""
    repo = SessionRepository(factory)
    first = running_session()
    repo.save(first)
    encoded = repo.progress(
        replace(
            first,
            state={"state": "running", "cursor": 4},
            updated_at=NOW + timedelta(microseconds=1),
        )
    )
    paused = replace(first, state={"state": "paused"}, updated_at=NOW + timedelta(microseconds=2))
    repo.save(paused)  # a user's Pause, stored at once, before the batch's write
    repo.update_progress([encoded])
    assert repo.get(5) == paused
    same_time = repo.progress(replace(paused, state={"state": "running"}))
    repo.update_progress([same_time])  # not older, not newer: not written either
    assert repo.get(5) == paused


def finished(*, user_id: int, minutes: int, active_s: float, steps: int) -> HistoryEntry:
    """A completed session of neck-release that started at NOW, rated 6 before."""
    return HistoryEntry(
        user_id=user_id,
        routine_id="neck-release",
        started_at=NOW,
        ended_at=NOW + timedelta(minutes=minutes),
        active_s=active_s,
        completed=True,
        steps_done=steps,
        steps_total=steps,
        pain_before=6,
    )


def test_the_end_of_a_session_stores_its_entry_and_removes_only_that_session(
    factory: sessionmaker[Any],
) -> None:
    store = SessionStore(factory)
    history = HistoryRepository(factory)
    record = running_session()
    entry = finished(user_id=5, minutes=5, active_s=290.5, steps=4)
    store.save(record)
    first = store.end(5, entry)
    assert history.get(first) == replace(entry, id=first)
    assert store.get(5) is None
    store.save(replace(record, session_id="newer000"))
    second = store.end(5, entry, "0a1b2c3d")  # a kept end stored late: the newer one stays
    assert second != first
    assert history.get(second) == replace(entry, id=second)
    assert store.get(5) is not None


def test_history_and_pain_after_only_for_the_owner(factory: sessionmaker[Any]) -> None:
    repo = HistoryRepository(factory)
    entry = finished(user_id=7, minutes=4, active_s=240.0, steps=3)
    first = repo.add(entry)
    second = repo.add(replace(entry, started_at=NOW + timedelta(days=1), completed=False))
    assert not repo.set_pain_after(first, 8, 2)  # someone else's entry
    assert repo.set_pain_after(first, 7, 2)
    assert [e.id for e in repo.recent(7)] == [second, first]
    got = repo.get(first)
    assert got is not None
    assert (got.pain_before, got.pain_after) == (6, 2)
    assert repo.recent(8) == []


def test_media_file_ids(factory: sessionmaker[Any]) -> None:
    repo = MediaRepository(factory)
    assert repo.get("k") is None
    repo.put("k", "file-1")
    assert MediaRepository(factory).get("k") == "file-1"  # stored, not only remembered
    repo.forget("k")
    assert MediaRepository(factory).get("k") is None


def test_user_tables_are_walkable_for_export_and_forget() -> None:
    names = {t.name for t in user_tables()}
    assert {"users", "active_sessions", "session_history"} <= names
    assert "media_files" not in names  # not user data


def test_screening_stores_only_known_names_and_old_answers_ask_again(
    factory: sessionmaker[Any],
) -> None:
    repo = UserRepository(factory)
    repo.ensure(1, 1, NOW)
    with pytest.raises(ValueError, match="unknown condition 'medical'; allowed: red_flags"):
        repo.set_screening(1, ["medical"], NOW)
    repo.set_screening(1, [], NOW)
    none = repo.get(1)
    assert none is not None
    assert none.screening == ()
    assert none.screened
    with factory.begin() as db:  # answers of the old yes/no questions
        row = db.get(UserRow, 1)
        assert row is not None
        assert row.screening == []
        row.screening = {"wound_fracture": False, "medical": True, "pregnancy_bones_blood": False}
    old = repo.get(1)
    assert old is not None
    assert old.screening is None
    assert not old.screened
    assert old.screening_outdated
