"""What every handler gets: the bot's services, reached through PTB's callback context.

`Services` is built once, complete, by the composition root (guide_bot/bootstrap.py) before any
handler runs: no field is filled in later. Handlers are plain module-level functions that take
`(update, context: BotContext)` and read `context.services`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy.orm import sessionmaker
from telegram.ext import Application, BaseHandler, CallbackContext, ExtBot

from guide_bot.config import Settings
from guide_bot.domain.clock import Clock
from guide_bot.library.catalog import Catalog
from guide_bot.progress.history import HistoryEntry, HistoryRepository
from guide_bot.progress.user_routines import UserRoutines
from guide_bot.reminders.dispatcher import ReminderScheduler
from guide_bot.reminders.store import ReminderRepository
from guide_bot.sessions.service import SessionService
from guide_bot.speakers.sessions import SpeakerSessions
from guide_bot.storage.media import MediaRepository
from guide_bot.storage.pending import PendingRepository
from guide_bot.storage.user_media import UserMedia
from guide_bot.storage.users import UserRepository
from guide_bot.telegram.sender import Sender
from guide_bot.telegram.speakers.follower import SpeakerChat

App = Application[Any, Any, Any, Any, Any, Any]
AnyHandler = BaseHandler[Any, Any, Any]
# After a session's closing pain rating: (services, chat_id, user_id, its history entry).
AfterSession = Callable[["Services", int, int, HistoryEntry], Awaitable[None]]


@dataclass(frozen=True, kw_only=True)
class Services:
    """Everything handlers use, built once by the composition root."""

    settings: Settings
    clock: Clock
    catalog: Catalog
    users: UserRepository
    history: HistoryRepository
    media: MediaRepository
    user_media: UserMedia  # audio and media made from users' own routines (/forget)
    pending: PendingRepository
    reminders: ReminderRepository
    user_routines: UserRoutines
    database: sessionmaker[Any]  # for /export and /forget, which walk every table
    sessions: SessionService
    sender: Sender
    reminder_dispatcher: ReminderScheduler
    after_session: tuple[AfterSession, ...]  # e.g. the reminder offer after a first session
    features: frozenset[str]  # the optional features this bot has: reminders, progress
    live_view_url: str | None  # the live view Mini App's address (GUIDE_BOT_PUBLIC_URL, https)
    live_view_off: str | None  # why the live view is off, for /help
    speakers: SpeakerSessions | None  # speakers through Home Assistant (GUIDE_BOT_HA_URL)
    speaker_chat: SpeakerChat | None  # the chat messages that follow speaker sessions

    def now_utc(self) -> datetime:
        """The clock's time as an aware UTC datetime, for storage."""
        return datetime.fromtimestamp(self.clock.now(), UTC)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's callback context, with the bot's services."""

    @property
    def services(self) -> Services:
        """The services the composition root put in `bot_data`."""
        return cast(Services, self.bot_data["services"])
