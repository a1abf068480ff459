"""The batch of progress is stored a few sessions per turn of the event loop, each chunk in one
transaction; a session stored whole meanwhile never has an older progress written over it.

A fake store and fake sessions: what is checked is what `Keeping` hands the store, turn by turn.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any, cast

import pytest

from guide_bot.sessions import keeping as keeping_module
from guide_bot.sessions.keeping import Keeping
from guide_bot.sessions.live import LiveSession
from guide_bot.sessions.store import SessionStore
from guide_bot.storage.sessions import Progress, StoredSession

NOW = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)


class FakeMachine:
    """The part of a SessionMachine that storing reads: its state as a dict."""

    def __init__(self) -> None:
        self.cursor = 0

    def to_dict(self) -> dict[str, object]:
        return {"cursor": self.cursor}


class FakeStore:
    """Keeps every whole save and every chunk written, as (chat, cursor) pairs."""

    def __init__(self) -> None:
        self.saved: list[tuple[int, object]] = []
        self.chunks: list[list[tuple[int, object]]] = []
        self.fail = False

    def save(self, record: StoredSession) -> None:
        self.saved.append((record.chat_id, record.state["cursor"]))

    def progress(self, record: StoredSession) -> Progress:
        return Progress(record.chat_id, record.state["cursor"])

    def update_progress(self, rows: list[Progress]) -> None:
        if self.fail:
            raise OSError("disk I/O error")
        if rows:
            self.chunks.append([(row.chat_id, row.params) for row in rows])


def live_session(chat_id: int) -> LiveSession:
    record = StoredSession(
        chat_id=chat_id,
        user_id=chat_id,
        session_id="s",
        version=0,
        routine_id="r",
        mode="text",
        started_at=NOW,
        updated_at=NOW,
    )
    return LiveSession(record=record, session=cast(Any, FakeMachine()), routine=cast(Any, None))


def machine(live: LiveSession) -> FakeMachine:
    return cast(FakeMachine, live.session)


def keeping_for(store: FakeStore, sessions: list[LiveSession]) -> Keeping:
    live = {s.chat_id: s for s in sessions}
    return Keeping(
        cast(SessionStore, store),
        now_utc=lambda: NOW,
        is_live=lambda s: live.get(s.chat_id) is s,
        on_kept=lambda s: None,
    )


async def turns(n: int) -> None:
    for _ in range(n):
        await asyncio.sleep(0)


@pytest.fixture
def five(monkeypatch: pytest.MonkeyPatch) -> tuple[FakeStore, Keeping, list[LiveSession]]:
    """Five sessions, stored 2 a turn, a batch due at once (`moved` says they moved)."""
    monkeypatch.setattr(keeping_module, "SAVE_DELAY_S", 0.0)
    monkeypatch.setattr(keeping_module, "CHUNK", 2)
    sessions = [live_session(chat) for chat in range(1, 6)]
    store = FakeStore()
    return store, keeping_for(store, sessions), sessions


Five = tuple[FakeStore, Keeping, list[LiveSession]]


def moved(five: Five) -> tuple[FakeStore, Keeping, list[LiveSession]]:
    """Each of the five had a scheduled run: its progress waits for the batch."""
    _store, keeping, sessions = five
    for live in sessions:
        keeping.save_soon(live)
    return five


async def test_a_batch_is_stored_a_chunk_a_turn(five: Five) -> None:
    store, keeping, _sessions = moved(five)
    await turns(2)  # the timer's turn
    assert store.chunks == [[(1, 0), (2, 0)]]
    assert keeping.unsaved == 3
    await turns(1)
    assert store.chunks == [[(1, 0), (2, 0)], [(3, 0), (4, 0)]]
    await turns(5)
    assert store.chunks == [[(1, 0), (2, 0)], [(3, 0), (4, 0)], [(5, 0)]]
    assert keeping.unsaved == 0


async def test_a_session_stored_whole_meanwhile_leaves_the_batch(five: Five) -> None:
    store, keeping, sessions = moved(five)
    await turns(2)
    machine(sessions[3]).cursor = 7  # a user's action moves it...
    keeping.save(sessions[3])  # ...and stores it whole at once
    await turns(5)
    assert store.saved == [(4, 7)]
    assert store.chunks == [[(1, 0), (2, 0)], [(3, 0), (5, 0)]]  # never its older progress
    assert keeping.unsaved == 0


async def test_a_session_that_moves_after_its_chunk_goes_with_the_next_batch(five: Five) -> None:
    store, keeping, sessions = moved(five)
    await turns(2)  # 1 and 2 stored
    machine(sessions[0]).cursor = 3  # its next run
    keeping.save_soon(sessions[0])
    await turns(2)
    assert store.chunks[-1] == [(5, 0)]
    assert keeping.unsaved == 1
    await turns(3)  # the next batch (its delay is 0 here)
    assert store.chunks[-1] == [(1, 3)]
    assert keeping.unsaved == 0


async def test_flush_stores_the_rest_of_a_batch_at_once(five: Five) -> None:
    store, keeping, _sessions = moved(five)
    await turns(2)
    keeping.flush()  # stopping the bot
    assert store.chunks == [[(1, 0), (2, 0)], [(3, 0), (4, 0), (5, 0)]]
    assert keeping.unsaved == 0
    await turns(5)
    assert len(store.chunks) == 2  # no chunk left behind


async def test_a_chunk_that_fails_keeps_it_and_the_rest_for_the_next_batch(five: Five) -> None:
    store, keeping, _sessions = moved(five)
    await turns(2)
    store.fail = True
    await turns(1)
    assert keeping.unsaved == 3
    store.fail = False
    await turns(5)
    assert store.chunks == [[(1, 0), (2, 0)], [(3, 0), (4, 0)], [(5, 0)]]
    assert keeping.unsaved == 0
