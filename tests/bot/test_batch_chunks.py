"""The batch of progress is made ready a few sessions per turn of the event loop, then written
in one go; a session stored whole meanwhile never has an older progress written over it.

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
    """Keeps every whole save and every batch written, as (chat, cursor) pairs."""

    def __init__(self) -> None:
        self.saved: list[tuple[int, object]] = []
        self.batches: list[list[tuple[int, object]]] = []

    def save(self, record: StoredSession) -> None:
        self.saved.append((record.chat_id, record.state["cursor"]))

    def progress(self, record: StoredSession) -> Progress:
        return Progress(record.chat_id, record.state["cursor"])

    def update_progress(self, rows: list[Progress]) -> None:
        self.batches.append([(row.chat_id, row.params) for row in rows])


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


@pytest.fixture
def chunked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keeping_module, "SAVE_DELAY_S", 0.0)
    monkeypatch.setattr(keeping_module, "CHUNK", 2)


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


@pytest.mark.usefixtures("chunked")
async def test_a_batch_is_made_ready_a_chunk_a_turn_and_written_at_once() -> None:
    sessions = [live_session(chat) for chat in range(1, 6)]
    store = FakeStore()
    keeping = keeping_for(store, sessions)
    for live in sessions:
        keeping.save_soon(live)
    await turns(2)  # the timer's turn: 2 ready
    assert store.batches == []
    assert keeping.unsaved == 5
    await turns(5)
    assert store.batches == [[(1, 0), (2, 0), (3, 0), (4, 0), (5, 0)]]
    assert keeping.unsaved == 0


@pytest.mark.usefixtures("chunked")
async def test_a_session_stored_whole_meanwhile_is_left_out_of_the_batch() -> None:
    sessions = [live_session(chat) for chat in range(1, 6)]
    store = FakeStore()
    keeping = keeping_for(store, sessions)
    for live in sessions:
        keeping.save_soon(live)
    await turns(2)  # 1 and 2 are ready, encoded as they were
    first, fourth = sessions[0], sessions[3]
    machine(first).cursor = machine(fourth).cursor = 7  # a user's action moves them...
    keeping.save(first)  # ...and stores them whole at once
    keeping.save(fourth)
    await turns(5)
    assert store.saved == [(1, 7), (4, 7)]
    assert store.batches == [[(2, 0), (3, 0), (5, 0)]]  # never the older progress of 1 or 4
    assert keeping.unsaved == 0


@pytest.mark.usefixtures("chunked")
async def test_a_session_that_moves_while_the_batch_is_made_ready_is_stored_as_it_is_now() -> None:
    sessions = [live_session(chat) for chat in range(1, 4)]
    store = FakeStore()
    keeping = keeping_for(store, sessions)
    for live in sessions:
        keeping.save_soon(live)
    await turns(2)  # 1 and 2 ready
    machine(sessions[0]).cursor = 3  # its next run
    keeping.save_soon(sessions[0])
    await turns(10)
    assert store.batches == [[(1, 3), (2, 0), (3, 0)]]  # encoded again, before the write
    assert keeping.unsaved == 0


@pytest.mark.usefixtures("chunked")
async def test_flush_writes_a_batch_still_being_made_ready_at_once() -> None:
    sessions = [live_session(chat) for chat in range(1, 6)]
    store = FakeStore()
    keeping = keeping_for(store, sessions)
    for live in sessions:
        keeping.save_soon(live)
    await turns(2)
    keeping.flush()  # stopping the bot
    assert store.batches == [[(1, 0), (2, 0), (3, 0), (4, 0), (5, 0)]]
    assert keeping.unsaved == 0
    await turns(5)
    assert len(store.batches) == 1  # no chunk left behind
