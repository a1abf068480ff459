"""How the session service stores sessions: now, in batches, and what it keeps when it cannot.

A start, a user action and a restore are stored at once (`save`); the progress of scheduled runs
is stored within `SAVE_DELAY_S`, every session that moved in one batch (`save_soon`, `flush`):
one commit per run was a fifth of the bot's CPU at a thousand sessions (bench/README.md).
Ending a session writes its history entry and removes the stored session in one transaction
(`end`).

The batch is stored `CHUNK` sessions per turn of the event loop, each chunk one transaction:
at 5,000 sessions a batch holds hundreds of sessions, and storing them in one callback held every
other session's cue for 15-30 ms (bench/README.md, "Profile and fix 9"). A chunk is encoded in
one turn; on SQLite it is written in the same turn (the work is this process's either way), on
PostgreSQL by one worker thread, in order, while the loop goes on: there most of a chunk's write
is waiting for the server, which held every cue behind it (bench/README.md, "Fix 12"). Each write
of a session has a later `updated_at` than the one before (`record_now`), and the batch's UPDATE
only goes over an older one, so a session stored at once meanwhile (`save`) is never overwritten
by an older progress; it just leaves the batch.

A full disk (or a database that stopped answering) fails none of these: what could not be
stored is kept in memory (a session whose store failed, whole, since a start may have no row
yet; the progress of runs; an ended session's history entry) and stored with the next batch,
each second, until it can be. `health` (storage/health.py) logs one line when the outage starts
and one when everything kept was stored, and says which chats to tell, once per outage.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta

from guide_bot.progress.history import HistoryEntry
from guide_bot.sessions.live import LiveSession
from guide_bot.sessions.store import SessionStore
from guide_bot.storage.health import StorageHealth
from guide_bot.storage.sessions import Progress

SAVE_DELAY_S = 1.0
CHUNK = 50  # sessions stored per turn of the event loop (about 1-2 ms each)
TICK = timedelta(microseconds=1)  # the least step of `updated_at` from one write to the next


@dataclass(eq=False)
class _Write:
    """A chunk of progress the worker thread is writing (PostgreSQL)."""

    lives: list[LiveSession]
    done: Future[None]


class Keeping:
    """The service's writes of sessions, and what waits to be stored."""

    def __init__(
        self,
        store: SessionStore,
        *,
        now_utc: Callable[[], datetime],
        is_live: Callable[[LiveSession], bool],
        on_kept: Callable[[LiveSession], None],
    ) -> None:
        self.store = store
        self.health = StorageHealth()
        self._now_utc = now_utc
        self._is_live = is_live  # still the chat's session in progress
        self._on_kept = on_kept  # a session's progress is kept: its user may need telling
        self._unsaved: dict[int, LiveSession] = {}  # progress of scheduled runs, see `flush`
        self._batch: dict[int, LiveSession] = {}  # the batch being stored, see `_store_some`
        self._resave: dict[int, LiveSession] = {}  # sessions whose store failed
        # ends whose history entry could not be stored: (chat, session id, entry)
        self._unended: list[tuple[int, str, HistoryEntry]] = []
        self._flush_at: asyncio.Handle | None = None  # the batch's timer, or its next chunk
        self._writer: ThreadPoolExecutor | None = None  # PostgreSQL: writes the batch's chunks
        self._writing: list[_Write] = []  # chunks handed to the writer, not reported back yet

    def record_now(self, live: LiveSession) -> None:
        """Copy the machine's state into the session's record, with an `updated_at` later than
        the one stored before (even if the clock stood still or went back): the batch's UPDATE
        goes only over an older one."""
        live.record.state = live.session.to_dict()
        now, before = self._now_utc(), live.record.updated_at
        live.record.updated_at = now if now > before else before + TICK

    def save(self, live: LiveSession) -> bool:
        """Store the session now; False (kept for the next batch) when storing failed."""
        self._forget_progress(live.chat_id)
        self.record_now(live)
        try:
            self.store.save(live.record)
        except Exception as exc:  # a full disk: keep it, store it with the next batch
            self.health.failed("storing a session", exc)
            self._resave[live.chat_id] = live
            self._arm()
            return False
        return True

    def save_soon(self, live: LiveSession) -> None:
        """Store the session's progress with the next batch (within SAVE_DELAY_S)."""
        self._unsaved[live.chat_id] = live
        self._arm()

    def end(self, live: LiveSession, entry: HistoryEntry, *, keep: bool) -> int | None:
        """Store the end of a session (its history entry in, the stored session out); its
        entry id, or None when storing failed (kept to store later if `keep`)."""
        self.drop(live.chat_id)
        try:
            return self.store.end(live.chat_id, entry)
        except Exception as exc:  # a full disk, the database gone: keep the entry, retry it
            self.health.failed("storing the end of a session", exc)
            if keep:
                self._unended.append((live.chat_id, live.record.session_id, entry))
                self._arm()
            return None

    def drop(self, chat_id: int) -> None:
        """Forget what waits to be stored of this chat's session (it ended)."""
        self._forget_progress(chat_id)
        self._resave.pop(chat_id, None)

    def _forget_progress(self, chat_id: int) -> None:
        """The chat's progress waiting for a batch is not needed (stored whole, or ended)."""
        self._unsaved.pop(chat_id, None)
        self._batch.pop(chat_id, None)

    def drop_user(self, user_id: int) -> None:
        """Forget the kept ends of this person (their data is being deleted)."""
        self._unended = [kept for kept in self._unended if kept[2].user_id != user_id]

    def _arm(self) -> None:
        if self._flush_at is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no loop: the next save, or stopping the bot, stores it
                return
            self._flush_at = loop.call_later(SAVE_DELAY_S, self._store_some)

    def _store_some(self) -> None:
        """The batch, by the loop's timer: store `CHUNK` sessions' progress in this turn of the
        event loop (one transaction) and come back for the next in the next turn."""
        self._flush_at = None
        if not self._batch:  # a new batch: what was kept first, then what moved
            wrote = self._store_unended() | self._store_kept()
            self._batch, self._unsaved = self._unsaved, {}
            self._stored(wrote)
        chunk = [self._batch.pop(chat_id) for chat_id in list(itertools.islice(self._batch, CHUNK))]
        if not self._store_progress(chunk):
            return
        if self._batch:
            if self._flush_at is not None:  # armed by a failure above: this turn comes first
                self._flush_at.cancel()
            self._flush_at = asyncio.get_running_loop().call_soon(self._store_some)
        elif self._unsaved:  # moved while this batch was stored: the next batch
            self._arm()

    @property
    def unsaved(self) -> int:
        """How many sessions have progress not stored yet."""
        writing = {live.chat_id for write in self._writing for live in write.lives}
        return len(self._unsaved.keys() | self._batch.keys() | self._resave.keys() | writing)

    @property
    def unended(self) -> int:
        """How many ended sessions wait for their history entry to be stored."""
        return len(self._unended)

    def flush(self) -> None:
        """Store what was kept, then the progress of every session that moved since the last
        batch, in one go (stopping the bot; tests)."""
        if self._flush_at is not None:
            self._flush_at.cancel()
            self._flush_at = None
        for write in list(self._writing):  # the worker thread's chunks first, in their order
            wait([write.done])
            self._written(write)
        self._stored(self._store_unended() | self._store_kept())
        batch = [*self._batch.values(), *self._unsaved.values()]
        self._batch, self._unsaved = {}, {}
        self._store_progress(batch, off_loop=False)

    def _store_progress(self, lives: list[LiveSession], *, off_loop: bool = True) -> bool:
        """Store the progress of these sessions (those still in progress) in one transaction,
        by the worker thread on PostgreSQL if `off_loop`; on failure keep them, and the rest of
        the batch, for the next batch (False)."""
        moved = [live for live in lives if self._is_live(live)]
        try:
            rows = []
            for live in moved:
                self.record_now(live)
                rows.append(self.store.progress(live.record))
            writer = self._worker() if off_loop and rows else None
            if writer is not None:
                self._write_off_loop(writer, moved, rows)
                return True
            self.store.update_progress(rows)
        except Exception as exc:
            self._keep_progress([*moved, *self._batch.values()], exc)
            self._batch = {}
            return False
        self._stored(bool(moved))
        return True

    def _keep_progress(self, lives: list[LiveSession], exc: Exception) -> None:
        """Storing these sessions' progress failed: keep it for the next batch."""
        self.health.failed(f"storing {len(lives)} sessions", exc)
        for live in lives:
            if self._is_live(live):
                self._unsaved.setdefault(live.chat_id, live)
                self._on_kept(live)
        self._arm()

    def _worker(self) -> ThreadPoolExecutor | None:
        """The thread that writes the batch's chunks on PostgreSQL (made with the first); None
        on SQLite."""
        if self._writer is None and self.store.on_a_server():
            self._writer = ThreadPoolExecutor(1, thread_name_prefix="guide-bot-progress")
        return self._writer

    def _write_off_loop(
        self, writer: ThreadPoolExecutor, lives: list[LiveSession], rows: list[Progress]
    ) -> None:
        """Hand a chunk to the worker thread; how it went comes back to the loop (`_written`)."""
        loop = asyncio.get_running_loop()
        write = _Write(lives, writer.submit(self.store.update_progress, rows))
        self._writing.append(write)

        def report(_done: Future[None]) -> None:
            with contextlib.suppress(RuntimeError):  # a closed loop: `flush` took it in
                loop.call_soon_threadsafe(self._written, write)

        write.done.add_done_callback(report)

    def _written(self, write: _Write) -> None:
        """A chunk the worker thread wrote, or failed to: the same as a write on the loop."""
        if write not in self._writing:  # already taken in (by `flush`)
            return
        self._writing.remove(write)
        error = write.done.exception()
        if error is None:
            self._stored(True)
        elif isinstance(error, Exception):
            self._keep_progress(write.lives, error)

    def _stored(self, wrote: bool) -> None:
        if wrote and not (self._unended or self._resave):  # all kept is stored: the outage is over
            self.health.worked()

    def _store_kept(self) -> bool:
        """Store the sessions whose own store failed (upserted: a start may have no row yet);
        whether any was written."""
        wrote = False
        for chat_id, live in list(self._resave.items()):
            if not self._is_live(live):
                self._resave.pop(chat_id, None)  # ended meanwhile: its end stores it
                continue
            self.record_now(live)
            try:
                self.store.save(live.record)
            except Exception as exc:
                self.health.failed(f"storing {len(self._resave)} kept sessions", exc)
                self._arm()
                return wrote
            self._resave.pop(chat_id, None)
            self._forget_progress(chat_id)
            wrote = True
        return wrote

    def _store_unended(self) -> bool:
        """Store the ends kept after a storage failure (their history entries), oldest first;
        whether any was written."""
        wrote = False
        while self._unended:
            chat_id, session_id, entry = self._unended[0]
            try:
                self.store.end(chat_id, entry, session_id)
            except Exception as exc:
                self.health.failed(f"storing {len(self._unended)} kept session ends", exc)
                self._arm()
                return wrote
            self._unended.pop(0)
            wrote = True
        return wrote
