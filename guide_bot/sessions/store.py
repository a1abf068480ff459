"""Where the session service keeps its sessions: one transaction per use case.

A start, a user action and a restore are one write each; the progress of scheduled runs is
written in batches (`progress`, `update_progress`); ending a session writes its history entry
and removes the stored session in the same transaction, so a crash can never leave one without
the other.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, delete, insert
from sqlalchemy.orm import sessionmaker

from guide_bot.progress.history import HistoryEntry, HistoryRow
from guide_bot.storage.sessions import (
    Progress,
    SessionRepository,
    StoredSession,
    StoredSessionRow,
)

_SESSIONS = cast(Table, StoredSessionRow.__table__)
_HISTORY = cast(Table, HistoryRow.__table__)


class SessionStore:
    """The sessions in progress and, at their end, their history entries."""

    def __init__(self, factory: sessionmaker[Any]) -> None:
        self._factory = factory
        self.records = SessionRepository(factory)

    def on_a_server(self) -> bool:
        """Whether the database is a server (PostgreSQL), whose writes wait on the network."""
        return self.records.on_a_server()

    def save(self, record: StoredSession) -> None:
        """Store one session as it is now (a start, an action, a restore)."""
        self.records.save(record)

    def progress(self, record: StoredSession) -> Progress:
        """A session's progress as it is now, encoded for `update_progress`."""
        return self.records.progress(record)

    def update_progress(self, rows: list[Progress]) -> None:
        """Store encoded progress (`progress`) of many sessions in one transaction."""
        self.records.update_progress(rows)

    def all(self) -> list[StoredSession]:
        """Every stored session."""
        return self.records.all()

    def keys(self) -> list[tuple[int, int]]:
        """(chat, user) of every stored session (at start-up)."""
        return self.records.keys()

    def get(self, chat_id: int) -> StoredSession | None:
        """The chat's stored session."""
        return self.records.get(chat_id)

    def some(self, chat_ids: list[int]) -> list[StoredSession]:
        """The stored sessions of these chats (a restore batch)."""
        return self.records.some(chat_ids)

    def end(self, chat_id: int, entry: HistoryEntry, session_id: str | None = None) -> int:
        """Write the history entry and remove the stored session, in one transaction (only
        that session, when `session_id` is given: a retry must not remove a newer one)."""
        values = {name: getattr(entry, name) for name in HistoryEntry.__dataclass_fields__}
        values.pop("id")
        with self._factory.begin() as db:
            connection = db.connection()
            # a Core insert: the ORM's unit of work (an object, a flush) cost twice the write
            # at thousands of sessions ending a minute (bench/README.md, "Profile and fix 9")
            entry_id = connection.execute(insert(_HISTORY), values).inserted_primary_key[0]
            gone = delete(_SESSIONS).where(_SESSIONS.c.chat_id == chat_id)
            if session_id is not None:
                gone = gone.where(_SESSIONS.c.session_id == session_id)
            connection.execute(gone)
            return int(entry_id)
