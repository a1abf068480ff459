"""Whether storing works: one log line when writes start failing, one when they work again.

A full disk (SQLite's SQLITE_FULL "database or disk is full", or ENOSPC from a file write) or a
database that stopped answering must not stop the bot: each writer keeps what it could not store
and tries again later (sessions/service.py keeps session progress and history entries). Without
this a failing write logged an error on every retry, once a second; now the operator gets one
line saying what is wrong when the trouble starts and one when it is over, and the users are
told once per outage (`first_for`).
"""

from __future__ import annotations

import errno
import logging
from typing import Literal

from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)

Trouble = Literal["full", "failing"]


def trouble_of(error: BaseException) -> Trouble:
    """'full' for a full disk (SQLITE_FULL or ENOSPC, however wrapped), else 'failing'."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno == errno.ENOSPC:
            return "full"
        if "database or disk is full" in str(seen):  # SQLite's own words, never user text
            return "full"
        seen = seen.__cause__ or getattr(seen, "orig", None)
    return "failing"


def is_storage_error(error: BaseException | None) -> bool:
    """Whether an error is a write to storage failing: the database (any SQLAlchemy DBAPI
    error: SQLITE_FULL, a database gone) or a full disk under a file write."""
    if isinstance(error, OSError):
        return error.errno == errno.ENOSPC
    return isinstance(error, DBAPIError)


class StorageHealth:
    """The state of storing for the whole process (one per bot)."""

    def __init__(self) -> None:
        self.trouble: Trouble | None = None
        self.failures = 0  # failed writes in the current outage
        self._told: set[int] = set()

    @property
    def failing(self) -> bool:
        """Whether the last write failed."""
        return self.trouble is not None

    def failed(self, what: str, error: BaseException) -> Trouble:
        """A write failed; the first failure of an outage is logged (once), with what to do."""
        self.failures += 1
        if self.trouble is None:
            self.trouble = trouble_of(error)
            log.error(
                "storage: %s failed (%s); the bot keeps running, keeps what it could not store "
                "in memory and stores it once writes work again. %s",
                what,
                "disk full" if self.trouble == "full" else type(error).__name__,
                "Free disk space." if self.trouble == "full" else "Check the database.",
            )
        return self.trouble

    def worked(self) -> None:
        """Everything kept was stored: the outage, if any, is over (logged once). One write
        that worked is not enough: with a full disk some tables may still have room."""
        if self.trouble is not None:
            log.warning("storage: writes work again after %d failed; kept data stored",
                        self.failures)  # fmt: skip
            self.trouble = None
            self.failures = 0
            self._told.clear()

    def first_for(self, chat_id: int) -> bool:
        """True once per chat and outage: whether to tell this chat about it now."""
        if chat_id in self._told:
            return False
        self._told.add(chat_id)
        return True
