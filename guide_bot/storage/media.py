"""Telegram file ids of uploaded voice notes, per audio cache key: upload once, re-send by id.

Not user data: the audio of library cues is the same for everyone. A key stored while working
for a user's own routine is reported to `on_put` (storage/user_media.py), so /forget deletes it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import String, Table
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from guide_bot.storage.base import Base
from guide_bot.storage.upsert import upsert

log = logging.getLogger(__name__)


class MediaFileRow(Base):
    """An audio key and the file_id Telegram gave its upload."""

    __tablename__ = "media_files"

    audio_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    file_id: Mapped[str] = mapped_column(String(256))


_TABLE = cast(Table, MediaFileRow.__table__)


class MediaRepository:
    """file_id per audio key, with an in-memory copy so that a hit costs no query."""

    def __init__(self, sessions: sessionmaker[Any]) -> None:
        self._sessions = sessions
        self._memo: dict[str, str] = {}
        self.on_put: Callable[[str], None] | None = None
        self._failing = False

    def get(self, audio_key: str) -> str | None:
        """The file_id of an earlier upload of this audio, if any."""
        if audio_key in self._memo:
            return self._memo[audio_key]
        with self._sessions() as db:
            row = db.get(MediaFileRow, audio_key)
        if row is not None:
            file_id: str = row.file_id
            self._memo[audio_key] = file_id
            return file_id
        return None

    def put(self, audio_key: str, file_id: str) -> None:
        """Remember the file_id of an upload."""
        if self.on_put is not None:
            self.on_put(audio_key)
        self._memo[audio_key] = file_id
        try:
            with self._sessions.begin() as db:
                values = {"audio_key": audio_key, "file_id": file_id}
                upsert(db.connection(), _TABLE, ("audio_key",), values)
        except Exception as exc:  # a full disk: kept in memory; at worst uploaded once more
            if not self._failing:
                self._failing = True
                log.info("storing a media file_id failed, kept in memory: %s",
                            type(exc).__name__)  # fmt: skip
            return
        self._failing = False

    def forget(self, audio_key: str) -> None:
        """Drop a file_id Telegram no longer accepts (or one made from a forgotten user's
        routine)."""
        self._memo.pop(audio_key, None)
        with self._sessions.begin() as db:
            row = db.get(MediaFileRow, audio_key)
            if row is not None:
                db.delete(row)
