"""Which audio and media were made from a user's own routines, so that /forget deletes them.

A voice note, a cue clip or a hands-free track of an uploaded routine speaks what the user wrote;
its file sits in the audio cache and its Telegram file_id in `media_files`, both keyed by content,
not by user. While the session service works for a session of a user's routine it marks the work
with `made_for(user_id)`; the audio cache and the media table report every key they hand out or
store (`note`), and this table keeps (user, key). /forget reads the keys, deletes the cache
entries and the media rows, then the rows here go with every other row that has `user_id`.

A key is kept for every text of such a session, library words included ("Release."): deleting a
shared clip only costs making it again, while missing one would keep the user's words on disk.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, cast

from sqlalchemy import BigInteger, String, Table, select
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from guide_bot.storage.base import Base
from guide_bot.storage.media import MediaRepository

log = logging.getLogger(__name__)

_owner: ContextVar[int | None] = ContextVar("guide_bot_media_owner", default=None)


@contextmanager
def made_for(user_id: int | None) -> Iterator[None]:
    """Mark the audio and media made inside (this task and the tasks and threads it starts) as
    made from `user_id`'s own routine; None marks nothing."""
    token = _owner.set(user_id)
    try:
        yield
    finally:
        _owner.reset(token)


class UserMediaRow(Base):
    """One cache or media key made from one user's routine."""

    __tablename__ = "user_media"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    media_key: Mapped[str] = mapped_column(String(128), primary_key=True)


_TABLE = cast(Table, UserMediaRow.__table__)


class UserMediaRepository:
    """The keys made from users' own routines (written once per user and key)."""

    def __init__(self, sessions: sessionmaker[Any]) -> None:
        self._sessions = sessions
        self._known: set[tuple[int, str]] = set()
        self._unwritten: set[tuple[int, str]] = set()  # failed to write (a full disk)
        self._failing = False
        self._guard = threading.Lock()  # the audio cache reports from worker threads

    def note(self, key: str) -> None:
        """Keep `key` for the user the current work is marked for (nothing when unmarked).

        Never raises: when the write fails (a full disk) the key is kept in memory, still found
        by `keys`, and written with the next key that can be; logged once until then.
        """
        user_id = _owner.get()
        if user_id is None:
            return
        with self._guard:
            if (user_id, key) in self._known:
                return
            self._unwritten.add((user_id, key))
            todo = sorted(self._unwritten)
        try:
            with self._sessions.begin() as db:
                for owner, media_key in todo:
                    if db.get(UserMediaRow, (owner, media_key)) is None:
                        db.add(UserMediaRow(user_id=owner, media_key=media_key))
        except Exception as exc:  # IntegrityError (another writer) included: tried again later
            if not self._failing:
                self._failing = True
                log.warning("keeping user media keys failed, kept in memory: %s",
                            type(exc).__name__)  # fmt: skip
            return
        with self._guard:
            self._failing = False
            self._known.update(todo)
            self._unwritten.difference_update(todo)

    def keys(self, user_id: int) -> list[str]:
        """Every key made from this user's routines (stored, or kept while they could not be)."""
        with self._sessions() as db:
            rows = db.execute(select(_TABLE.c.media_key).where(_TABLE.c.user_id == user_id))
            stored = {str(key) for (key,) in rows}
        with self._guard:
            kept = {key for owner, key in self._unwritten if owner == user_id}
        return sorted(stored | kept)

    def forget(self, user_id: int) -> None:
        """Drop what is remembered in memory about this user (their rows go with /forget's)."""
        with self._guard:
            self._known = {known for known in self._known if known[0] != user_id}
            self._unwritten = {kept for kept in self._unwritten if kept[0] != user_id}


class UserMedia:
    """Deletes what the keys of a user name: cached audio (`remove_audio`) and media rows."""

    def __init__(
        self,
        keys: UserMediaRepository,
        media: MediaRepository,
        *,
        remove_audio: Callable[[str], None] | None,
        settle: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.keys = keys
        self._media = media
        self._remove_audio = remove_audio
        self._settle = settle  # waits for audio still being made (notes rendered ahead)

    async def delete(self, user_id: int) -> int:
        """Delete the audio files and media rows made from this user's routines (call after
        their sessions ended); returns how many keys. Their key rows go with /forget's delete."""
        if self._settle is not None:
            await self._settle()
        found = self.keys.keys(user_id)
        for key in found:
            if self._remove_audio is not None:
                self._remove_audio(key)
            self._media.forget(key)
        self.keys.forget(user_id)
        return len(found)
