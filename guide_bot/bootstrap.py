"""The composition root: settings -> storage, library, speech, clock -> the Telegram application.

Nothing else builds adapters. Other features plug in through `build_application(extra=...)`
(handler modules' `register(app, services)`) and `hooks=...` (coroutines run at start-up after
the sessions in progress were picked up, e.g. to schedule reminders again), and add what they
need to `Services`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from typing import Any

from telegram import BotCommand
from telegram.ext import AIORateLimiter, ApplicationBuilder

from guide_bot.config import Settings
from guide_bot.domain.clock import Clock, SystemClock
from guide_bot.library.catalog import Catalog
from guide_bot.library.loader import load_routines
from guide_bot.progress.history import HistoryRepository
from guide_bot.progress.routine_store import UserRoutineRepository
from guide_bot.progress.user_routines import UserRoutines
from guide_bot.reminders.store import ReminderRepository
from guide_bot.sessions.scheduling import JobQueueScheduler, StepScheduler
from guide_bot.sessions.service import SessionDriver
from guide_bot.storage.base import make_engine, make_sessionmaker
from guide_bot.storage.media import MediaRepository
from guide_bot.storage.pending import PendingRepository
from guide_bot.storage.schema import create_or_migrate
from guide_bot.storage.sessions import SessionRepository
from guide_bot.storage.user_data import load_all_tables
from guide_bot.storage.users import UserRepository
from guide_bot.telegram.handlers import CORE, LAST
from guide_bot.telegram.http import AiohttpRequest
from guide_bot.telegram.presenter import Presenter, StepVoice
from guide_bot.telegram.sender import Sender
from guide_bot.telegram.services import App, Hook, Register, Services
from guide_bot.telegram.texts import COMMANDS
from guide_bot.telegram.updates import ChatOrderedProcessor

log = logging.getLogger(__name__)

RATE_LIMIT_RETRIES = 3


class MissingToken(RuntimeError):
    """No bot token was configured."""


def api_urls(base_url: str) -> tuple[str, str]:
    """(base_url, base_file_url) for PTB from a server address like http://host:8081[/bot].

    PTB appends the token to these; a bare server address gets the Bot API's /bot path.
    """
    url = base_url.rstrip("/")
    if "{token}" in url:
        return url, url.replace("/bot{token}", "/file/bot{token}")
    if not url.endswith("/bot"):
        url += "/bot"
    return url, url.removesuffix("/bot") + "/file/bot"


def build_services(settings: Settings, *, clock: Clock | None = None) -> Services:
    """Storage (schema created or migrated), the routine library, speech and the clock."""
    engine = make_engine(settings.resolved_database_url())
    load_all_tables()  # every feature's tables, so that /export and /forget see them all
    create_or_migrate(engine)
    factory = make_sessionmaker(engine)
    loaded = load_routines([settings.library])
    for issue in loaded.errors:
        log.warning("routine file skipped: %s: %s", issue.file, issue.message)
    catalog = Catalog.from_routines(loaded.routines.values())
    user_routines = UserRoutines(UserRoutineRepository(factory), frozenset(catalog.library))
    catalog.user_sources.append(user_routines.routines)
    return Services(
        settings=settings,
        clock=clock or SystemClock(),
        catalog=catalog,
        users=UserRepository(factory),
        sessions=SessionRepository(factory),
        history=HistoryRepository(factory),
        media=MediaRepository(factory),
        reminders=ReminderRepository(factory),
        pending=PendingRepository(factory),
        speech=None,
        database=factory,
        user_routines=user_routines,
    )


def _session_speech(services: Services, sender: Callable[[], Sender]) -> StepVoice | None:
    """Voice notes for sessions; None (sessions in text) if speech cannot even be set up."""
    try:
        from guide_bot.telegram.voice import SessionSpeech

        return SessionSpeech(services.settings, services.media, services.clock, sender)
    except Exception as exc:
        log.warning("speech unavailable, sessions run in text: %s", type(exc).__name__)
        return None


def build_application(
    services: Services,
    *,
    extra: Sequence[Register] = (),
    hooks: Sequence[Hook] = (),
    scheduler: Callable[[App], StepScheduler] | None = None,
    speech: bool = True,
    rate_limiter: bool = True,
) -> App:
    """The PTB application with every handler registered and the start-up hooks set."""
    settings = services.settings
    if settings.token is None or not settings.token.get_secret_value().strip():
        raise MissingToken("no bot token")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # PTB 22 warns on every 429 unless RetryAfter.retry_after is a timedelta (the coming default);
    # opt in, as it asks. The sender reads both forms.
    os.environ.setdefault("PTB_TIMEDELTA", "1")

    async def post_init(app: App) -> None:
        await app.bot.set_my_commands([BotCommand(name, about) for name, about in COMMANDS])
        services.require_driver().restore()
        services.require_pending().sweep(services.now_utc())  # steps left waiting over a day
        for hook in hooks:
            await hook(app, services)

    async def post_stop(_app: App) -> None:
        services.require_driver().flush()  # the progress not stored yet (scheduling/driver.py)

    builder: Any = ApplicationBuilder().token(settings.token.get_secret_value())
    builder = builder.request(AiohttpRequest())  # aiohttp, bounded calls in flight: bot/http.py
    # chats concurrently, each chat's updates in order (guide_bot/bot/updates.py)
    builder = builder.concurrent_updates(ChatOrderedProcessor())
    if settings.base_url:
        base, files = api_urls(settings.base_url)
        builder = builder.base_url(base).base_file_url(files)
    if rate_limiter:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
    app: App = builder.post_init(post_init).post_stop(post_stop).build()

    sender = Sender(app.bot)
    if speech and services.speech is None:
        services.speech = _session_speech(services, lambda: sender)
    if scheduler is not None:
        step_scheduler = scheduler(app)
    else:
        assert app.job_queue is not None  # the job-queue extra is a dependency
        step_scheduler = JobQueueScheduler(app.job_queue, services.clock)
    driver = SessionDriver(services, Presenter(sender, services.speech), step_scheduler)
    sender.on_blocked = driver.on_blocked
    services.sender, services.driver = sender, driver
    app.bot_data["services"] = services
    for register in (*CORE, *extra, *LAST):
        register(app, services)
    return app
