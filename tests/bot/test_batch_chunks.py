"""The batch of progress is stored a few sessions per turn of the event loop, each chunk in one
transaction; a session stored whole meanwhile never has an older progress written over it.

A fake store and fake sessions: what is checked is what `Keeping` hands the store, turn by turn.
"""

from __future__ import annotations

import asyncio
import threading
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
        self.server = False  # PostgreSQL: chunks are written by Keeping's worker thread
        self.answer = threading.Event()  # a server answers a write when this is set
        self.answer.set()
        self.threads: set[str] = set()  # where chunks were written

    def on_a_server(self) -> bool:
        return self.server

    def save(self, record: StoredSession) -> None:
        self.saved.append((record.chat_id, record.state["cursor"]))

    def progress(self, record: StoredSession) -> Progress:
        return Progress(record.chat_id, record.state["cursor"])

    def update_progress(self, rows: list[Progress]) -> None:
        self.threads.add(threading.current_thread().name)
        assert self.answer.wait(10), "the test never let the server answer"
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


async def reported(keeping: Keeping) -> None:
    """Until the worker thread has written what it was handed and the loop heard of it."""
    waiting = [asyncio.wrap_future(write.done) for write in keeping._writing]
    if waiting:
        await asyncio.wait(waiting)
    for done in waiting:
        done.exception()  # seen here; Keeping reads it from the thread's own future
    await turns(1)  # the thread's report is a callback on the loop


async def test_on_a_server_the_worker_thread_writes_the_chunks_while_the_loop_goes_on(
    five: Five,
) -> None:
    store, keeping, _sessions = moved(five)
    store.server = True
    store.answer.clear()  # the server takes its time
    await turns(5)  # every chunk encoded and handed over, a turn each, none written yet
    assert store.chunks == []
    assert keeping.unsaved == 5  # not stored until the server answers
    store.answer.set()
    await reported(keeping)
    assert store.chunks == [[(1, 0), (2, 0)], [(3, 0), (4, 0)], [(5, 0)]]  # in their order
    assert keeping.unsaved == 0
    assert store.threads
    assert threading.current_thread().name not in store.threads


async def test_on_a_server_a_chunk_that_fails_is_kept_for_the_next_batch(five: Five) -> None:
    store, keeping, _sessions = moved(five)
    store.server = True
    store.fail = True
    await turns(5)
    await reported(keeping)
    assert store.chunks == []
    assert keeping.unsaved == 5
    assert keeping.health.trouble is not None
    store.fail = False
    await turns(3)  # the next batch (its delay is 0 here)
    await reported(keeping)
    await turns(3)
    await reported(keeping)
    assert sorted(chat for chunk in store.chunks for chat, _cursor in chunk) == [1, 2, 3, 4, 5]
    assert keeping.unsaved == 0
    assert keeping.health.trouble is None


async def test_on_a_server_flush_waits_for_the_chunks_in_the_worker_thread(five: Five) -> None:
    store, keeping, _sessions = moved(five)
    store.server = True
    store.answer.clear()
    await turns(3)  # two chunks handed over
    threading.Timer(0.05, store.answer.set).start()  # the server answers a moment later
    keeping.flush()  # stopping the bot
    assert store.chunks == [[(1, 0), (2, 0)], [(3, 0), (4, 0)], [(5, 0)]]
    assert keeping.unsaved == 0
