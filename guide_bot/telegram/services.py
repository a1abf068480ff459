"""The services container handed to every handler module: storage, library, speech, clock.

One dataclass, built once in bootstrap. A feature that needs something more (reminders,
progress) adds a field here and builds it in bootstrap, so that no handler builds its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import sessionmaker
from telegram.ext import Application

from guide_bot.config import Settings
from guide_bot.domain.clock import Clock
from guide_bot.domain.reading import speaking_time_s
from guide_bot.domain.timeline import SpeakTime
from guide_bot.library.catalog import Catalog
from guide_bot.progress.history import HistoryEntry, HistoryRepository
from guide_bot.progress.user_routines import UserRoutines
from guide_bot.reminders.store import ReminderRepository
from guide_bot.storage.media import MediaRepository
from guide_bot.storage.pending import PendingRepository
from guide_bot.storage.sessions import SessionRepository
from guide_bot.storage.users import UserRepository

if TYPE_CHECKING:
    from guide_bot.reminders.dispatcher import ReminderScheduler
    from guide_bot.sessions.service import SessionDriver
    from guide_bot.telegram.sender import Sender

App = Application[Any, Any, Any, Any, Any, Any]
Register = Callable[[App, "Services"], None]
Hook = Callable[[App, "Services"], Awaitable[None]]
# After a session's closing pain rating: (chat_id, user_id, its history entry); e.g. reminders.
AfterSession = Callable[[int, int, HistoryEntry], Awaitable[None]]


@dataclass(kw_only=True)
class Services:
    """Everything handlers use; built by bootstrap."""

    settings: Settings
    clock: Clock
    catalog: Catalog
    users: UserRepository
    sessions: SessionRepository
    history: HistoryRepository
    media: MediaRepository
    text_speak: SpeakTime = speaking_time_s  # how long a text takes, when no engine measures it
    speech: Any = None  # guide_bot.speech's voice-note renderer, or None for text only
    sender: Sender | None = None  # set by bootstrap once the application exists
    driver: SessionDriver | None = None  # set by bootstrap once the application exists
    database: sessionmaker[Any] | None = None  # for /export and /forget, which walk every table
    user_routines: UserRoutines | None = None  # "My routines"; also a source of the catalog
    reminders: ReminderRepository | None = None  # set by bootstrap
    pending: PendingRepository | None = None  # steps waiting for the user; set by bootstrap
    reminder_scheduler: ReminderScheduler | None = None  # set when reminders are registered
    after_session: list[AfterSession] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)

    def now_utc(self) -> datetime:
        """The clock's time as an aware UTC datetime, for storage."""
        return datetime.fromtimestamp(self.clock.now(), UTC)

    def require_sender(self) -> Sender:
        """The sender (bootstrap sets it before any handler runs)."""
        if self.sender is None:
            raise RuntimeError("services.sender is not set; build the bot with bootstrap")
        return self.sender

    def require_driver(self) -> SessionDriver:
        """The session driver (bootstrap sets it before any handler runs)."""
        if self.driver is None:
            raise RuntimeError("services.driver is not set; build the bot with bootstrap")
        return self.driver

    def require_database(self) -> sessionmaker[Any]:
        """The session factory of the database (bootstrap sets it)."""
        if self.database is None:
            raise RuntimeError("services.database is not set; build the bot with bootstrap")
        return self.database

    def require_user_routines(self) -> UserRoutines:
        """The users' own routines (bootstrap sets them)."""
        if self.user_routines is None:
            raise RuntimeError("services.user_routines is not set; build the bot with bootstrap")
        return self.user_routines

    def require_pending(self) -> PendingRepository:
        """The steps waiting for a user's next update (bootstrap sets it)."""
        if self.pending is None:
            raise RuntimeError("services.pending is not set; build the bot with bootstrap")
        return self.pending

    def require_reminders(self) -> ReminderRepository:
        """The reminder repository (bootstrap sets it)."""
        if self.reminders is None:
            raise RuntimeError("services.reminders is not set; build the bot with bootstrap")
        return self.reminders

    def require_reminder_scheduler(self) -> ReminderScheduler:
        """The reminder dispatcher (set when the reminder handlers are registered)."""
        if self.reminder_scheduler is None:
            raise RuntimeError("services.reminder_scheduler is not set; register reminders")
        return self.reminder_scheduler
