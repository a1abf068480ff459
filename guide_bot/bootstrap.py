"""The composition root: settings in, the whole Telegram bot out, every part built once.

`build_bot` makes, in order: storage (schema migrated), the routine catalog, the PTB application,
the step scheduler, speech, the session service, the send policy, the chat front end (attached to
the service), the reminder dispatcher and the `Services` every handler reads; then it registers
the handlers of the one ordered list (telegram/handlers/__init__.py). Nothing is filled in later.
This module and guide_bot/telegram/ are the only ones that import `telegram`.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import sessionmaker
from telegram.constants import ParseMode
from telegram.error import InvalidToken, TelegramError
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults
from telegram.request import HTTPXRequest

from guide_bot.config import Settings
from guide_bot.domain.clock import Clock, SystemClock
from guide_bot.i18n import EN
from guide_bot.library.catalog import Catalog
from guide_bot.library.loader import load_routines
from guide_bot.progress.history import HistoryRepository
from guide_bot.progress.routine_store import UserRoutineRepository
from guide_bot.progress.user_routines import UserRoutines
from guide_bot.reminders.store import ReminderRepository
from guide_bot.sessions.ports import StepScheduler
from guide_bot.sessions.service import SessionService
from guide_bot.sessions.store import SessionStore
from guide_bot.sessions.timers import LoopScheduler
from guide_bot.speakers.sessions import SpeakerSessions
from guide_bot.speech.service import SpeechService
from guide_bot.speech.session_tracks import SessionTracks
from guide_bot.storage.base import make_engine, make_sessionmaker
from guide_bot.storage.leadership import Leadership
from guide_bot.storage.media import MediaRepository
from guide_bot.storage.pending import PendingRepository
from guide_bot.storage.schema import create_or_migrate
from guide_bot.storage.user_data import load_all_tables
from guide_bot.storage.user_media import UserMedia, UserMediaRepository
from guide_bot.storage.users import UserRepository
from guide_bot.telegram.context import App, BotContext, Services
from guide_bot.telegram.handlers import FEATURES, PRE_HANDLERS, handlers_for
from guide_bot.telegram.handlers.fallback import on_error
from guide_bot.telegram.handlers.language import live_view_button, set_command_menus
from guide_bot.telegram.http import AiohttpRequest
from guide_bot.telegram.pictures import pictures_for
from guide_bot.telegram.presenter import ChatPresenter
from guide_bot.telegram.ratelimit import ChatRateLimiter
from guide_bot.telegram.reminders.delivery import JobQueueTimer, build_dispatcher
from guide_bot.telegram.reminders.flow import after_session as offer_reminders_after
from guide_bot.telegram.sender import Sender
from guide_bot.telegram.speakers.follower import SpeakerChat
from guide_bot.telegram.unreadable_updates import SkipUnreadableUpdatesBot
from guide_bot.telegram.updates import ChatOrderedProcessor
from guide_bot.telegram.voice import VoiceNoteSender

if TYPE_CHECKING:
    from aiohttp import web

    from guide_bot.web.server import WebFeature

# The bot's own HTTP server (live view, speakers, webhook) and aiohttp's server side are imported
# when one of them is on: most bots poll and serve nothing, and every start paid for them.

log = logging.getLogger(__name__)

RATE_LIMIT_RETRIES = 3


class MissingToken(RuntimeError):
    """No bot token was configured."""


class TokenRefused(RuntimeError):
    """Telegram refused the bot token."""


class LeadershipLost(RuntimeError):
    """The process lost the lead (its database connection): it stopped, a standby takes over."""


@dataclass(frozen=True)
class Bot:
    """The built bot: the PTB application and the services its handlers use."""

    app: App
    services: Services


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


def _speech(settings: Settings) -> SpeechService | None:
    """Speech for voice sessions; None (sessions in text) if it cannot even be set up."""
    try:
        return SpeechService(settings)
    except Exception as exc:
        log.warning("speech unavailable, sessions run in text: %s", type(exc).__name__)
        return None


def open_database(settings: Settings) -> sessionmaker[Any]:
    """The database with every feature's table in it (created or migrated)."""
    engine = make_engine(settings.resolved_database_url())
    load_all_tables()  # every feature's tables, so that /export and /forget see them all
    create_or_migrate(engine)
    return make_sessionmaker(engine)


@dataclass
class WebPlan:
    """The bot's own HTTP server: what it serves, and what is off and why."""

    features: list[WebFeature]
    live_view_url: str | None  # the Mini App's address, when the live view is on
    live_view_off: str | None  # why it is off, for /help
    speakers: SpeakerSessions | None
    notes: list[str]


def _web(
    settings: Settings,
    catalog: Catalog,
    clock: Clock,
    sessions: SessionService,
    speech: SpeechService | None,
) -> WebPlan | None:
    """The live view (GUIDE_BOT_PUBLIC_URL, HTTPS) and the speakers (GUIDE_BOT_HA_URL), served
    by the bot's own HTTP server; None (no server) when neither is set."""
    if not settings.public_url and not settings.ha_url:
        return None
    from guide_bot.speakers.setup import build_web_parts
    from guide_bot.web.liveview.routes import liveview_feature
    from guide_bot.web.liveview.service_sessions import ServiceLiveSessions
    from guide_bot.web.liveview.urls import app_url

    tracks = SessionTracks(
        settings,
        cache=speech.cache if speech else None,
        selector=speech.selector if speech else None,
    )
    parts = build_web_parts(
        settings, lambda: catalog.library, clock, tracks=tracks, localize=catalog.localized
    )
    features = list(parts.features)
    live_view_url = live_view_off = None
    token = settings.token.get_secret_value() if settings.token else ""
    if settings.public_url and settings.public_url.startswith("https://"):
        live_view_url = app_url(settings.public_url)
        features.append(
            liveview_feature(
                ServiceLiveSessions(sessions),
                bot_token=token,
                clock=clock,
                clips=speech.cache if speech else None,
                max_age_s=settings.webapp_max_age_s,
            )
        )
    else:
        live_view_off = "GUIDE_BOT_PUBLIC_URL is not an https:// address"
    return WebPlan(features, live_view_url, live_view_off, parts.sessions, parts.notes)


async def _post_init(app: App) -> None:
    services: Services = app.bot_data["services"]
    leadership: Leadership | None = app.bot_data.get("leadership")
    if leadership is not None:
        # A standby waits here, before it polls, restores sessions or sends reminders.
        await leadership.wait_until_leader()

        async def lost() -> None:
            app.bot_data["leadership_lost"] = True
            app.stop_running()  # stop leading at once; the process exits for a restart

        watch = asyncio.get_running_loop().create_task(leadership.watch(lost))
        app.bot_data["leadership_watch"] = watch
    # The command menus are cosmetic and take one call per language: set in the background, so
    # that polling (and the first answer after a restart) does not wait for them.
    app.bot_data["menus"] = asyncio.get_running_loop().create_task(_set_menus(app))
    web: WebPlan | None = app.bot_data.get("web")
    if web is not None:
        from guide_bot.web.server import build_web_app, start_web

        for note in web.notes:
            log.info("web: %s", note)
        runner = await start_web(
            build_web_app(web.features), services.settings.http_listen, services.settings.http_port
        )
        app.bot_data["web_runner"] = runner
    if services.live_view_url:
        button = live_view_button(services.live_view_url, EN)
        await app.bot.set_chat_menu_button(menu_button=button)  # everyone's; chats: /language
    services.sessions.restore()
    services.pending.sweep(services.now_utc())  # steps left waiting over a day
    if "reminders" in services.features:
        services.reminder_dispatcher.arm()
    # Everything loaded so far (modules, the library, the application) lives as long as the
    # process: out of the garbage collector's full passes, which otherwise walk it all and
    # held the event loop for 0.3-0.6 s at a time with thousands of sessions (bench/README.md,
    # "Profile and fix 6"). Objects made from here on are collected as usual.
    gc.freeze()


async def _set_menus(app: App) -> None:
    """The command menus in every language; a failure is logged, the bot goes on without them
    (/help lists every command)."""
    try:
        await set_command_menus(app.bot)
    except TelegramError as error:
        log.warning("command menus not set (%s); /help still lists them", type(error).__name__)


async def _post_stop(app: App) -> None:
    services: Services = app.bot_data["services"]
    timers: LoopScheduler | None = app.bot_data.get("step_timers")
    if timers is not None:
        await timers.stop()  # no run after this one; those in progress finish first
    services.sessions.flush()  # the progress not stored yet (sessions/service.py)


async def _post_shutdown(app: App) -> None:
    runner = app.bot_data.get("web_runner")
    if runner is not None:
        from guide_bot.web.server import stop_web

        await stop_web(runner)
    web: WebPlan | None = app.bot_data.get("web")
    if web is not None and web.speakers is not None:
        await web.speakers.close()
    menus = app.bot_data.get("menus")
    if menus is not None:
        menus.cancel()
    leadership: Leadership | None = app.bot_data.get("leadership")
    watch = app.bot_data.get("leadership_watch")
    if watch is not None:
        watch.cancel()
    if leadership is not None:
        await leadership.release()


def _rate_limiter(pace: bool) -> ChatRateLimiter:
    """Telegram's limits, 429 waits kept per chat; unpaced: only the waiting out of 429 answers."""
    if pace:
        return ChatRateLimiter(max_retries=RATE_LIMIT_RETRIES)
    return ChatRateLimiter(max_retries=RATE_LIMIT_RETRIES, overall_max_rate=0, group_max_rate=0)


def build_bot(
    settings: Settings,
    *,
    clock: Clock | None = None,
    scheduler: Callable[[App], StepScheduler] | None = None,
    features: Collection[str] = FEATURES,
    speech: bool = True,
    rate_limiter: bool = True,
    pace: bool = True,
    leadership: Leadership | None = None,
) -> Bot:
    """The Telegram bot, ready for `run_polling`/`run_webhook` (or a test harness).

    `pace=False` keeps the rate limiter's waiting out of 429 answers but not its pacing of
    every request to Telegram's 30 per second in real time (tests on a fake clock, whose sessions
    would otherwise wait for the wall clock).

    With `leadership` (guide-bot run), the bot waits to lead before it does anything, and stops
    when it loses the lead (docs/deploying.md).
    """
    if settings.token is None or not settings.token.get_secret_value().strip():
        raise MissingToken("no bot token")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # PTB 22 warns on every 429 unless RetryAfter.retry_after is a timedelta (the coming default);
    # opt in, as it asks. The sender reads both forms.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    clock = clock or SystemClock()

    # storage and routines
    database = open_database(settings)
    loaded = load_routines([settings.library])
    for issue in loaded.errors:
        # a refused translation leaves its routine in English for that language
        kind = "translation refused" if "/translations/" in issue.file else "routine file skipped"
        log.warning("%s: %s: %s", kind, issue.where(), issue.message)
    user_routines = UserRoutines(UserRoutineRepository(database), frozenset(loaded.routines))
    catalog = Catalog.from_routines(
        loaded.routines.values(), [user_routines.routines], loaded.translations
    )
    users = UserRepository(database)
    reminders = ReminderRepository(database)

    # the application
    # The bot: sends through aiohttp (calls in flight bounded, telegram/http.py), long polling
    # on PTB's default client, and a getUpdates that moves past an update it cannot read.
    extra: dict[str, Any] = {}
    if settings.base_url:
        extra["base_url"], extra["base_file_url"] = api_urls(settings.base_url)
    telegram_bot = SkipUnreadableUpdatesBot(
        settings.token.get_secret_value(),
        request=AiohttpRequest(),
        get_updates_request=HTTPXRequest(connection_pool_size=1),
        defaults=Defaults(parse_mode=ParseMode.HTML),
        rate_limiter=_rate_limiter(pace) if rate_limiter else None,
        **extra,
    )
    builder: Any = ApplicationBuilder().bot(telegram_bot)
    builder = builder.concurrent_updates(ChatOrderedProcessor())  # chats at once, each in order
    builder = builder.context_types(ContextTypes(context=BotContext))
    builder = builder.post_init(_post_init).post_stop(_post_stop).post_shutdown(_post_shutdown)
    app: App = builder.build()
    assert app.job_queue is not None  # the job-queue extra is a dependency

    # sessions and the chat that shows them
    voices = _speech(settings) if speech else None
    steps: StepScheduler
    if scheduler is not None:
        steps = scheduler(app)
    else:
        steps = app.bot_data["step_timers"] = LoopScheduler(clock)  # asyncio's own timers
    sessions = SessionService(
        clock=clock,
        store=SessionStore(database),
        users=users,
        catalog=catalog,
        scheduler=steps,
        speech=voices,
        settings=settings,
    )

    async def blocked(chat_id: int) -> None:
        await sessions.on_blocked(chat_id)
        reminders.mark_chat_blocked(chat_id)  # a chat that blocked the bot gets no reminders

    sender = Sender(app.bot, on_blocked=blocked)
    media = MediaRepository(database)
    notes = VoiceNoteSender(voices, settings, media, clock, sender) if voices else None
    media_keys = UserMediaRepository(database)
    media.on_put = media_keys.note  # what is made for a user's own routine, /forget deletes
    if voices is not None:
        voices.cache.on_use = media_keys.note
    user_media = UserMedia(
        media_keys,
        media,
        remove_audio=voices.cache.remove if voices else None,
        settle=notes.settle if notes else None,
    )
    web = _web(settings, catalog, clock, sessions, voices)
    public_url = settings.public_url if web and web.live_view_url else None
    presenter = ChatPresenter(sender, notes, pictures_for(sender, media), public_url=public_url)
    sessions.attach(presenter)
    speaker_chat = SpeakerChat(sender) if web and web.speakers else None
    if web and web.speakers and speaker_chat:
        web.speakers.on_change(speaker_chat.changed)  # the chat message follows the speaker
    services = Services(
        settings=settings,
        clock=clock,
        catalog=catalog,
        users=users,
        history=HistoryRepository(database),
        media=media,
        user_media=user_media,
        pending=PendingRepository(database),
        reminders=reminders,
        user_routines=user_routines,
        database=database,
        sessions=sessions,
        sender=sender,
        reminder_dispatcher=build_dispatcher(
            repo=reminders,
            users=users,
            catalog=catalog,
            sender=sender,
            now_utc=lambda: sessions.now_utc(),
        ),
        after_session=(offer_reminders_after,) if "reminders" in features else (),
        features=frozenset(features),
        live_view_url=web.live_view_url if web else None,
        live_view_off=(web.live_view_off if web else "GUIDE_BOT_PUBLIC_URL is not set"),
        speakers=web.speakers if web else None,
        speaker_chat=speaker_chat,
    )
    services.reminder_dispatcher.attach(JobQueueTimer(app.job_queue))
    app.bot_data["services"] = services
    if web is not None:
        app.bot_data["web"] = web
    if leadership is not None:
        app.bot_data["leadership"] = leadership
    app.add_handlers(PRE_HANDLERS, group=-1)
    app.add_handlers(handlers_for(features))
    app.add_error_handler(on_error)
    return Bot(app=app, services=services)


async def start_webhook(
    app: App, *, listen: str, port: int, url_path: str, webhook_url: str, secret_token: str
) -> web.AppRunner:
    """Receive updates by webhook: our own receiver (the secret token checked before any byte of
    the body is read, the body capped; guide_bot/web/webhook.py), then `setWebhook`."""
    from aiohttp import web

    from guide_bot.telegram.webhook_updates import ptb_update_sink
    from guide_bot.web.server import start_web
    from guide_bot.web.webhook import webhook_feature

    receiver = web.Application()
    webhook_feature(
        receiver, path=url_path, secret_token=secret_token, on_update=ptb_update_sink(app)
    )
    runner = await start_web(receiver, listen, port)
    await app.bot.set_webhook(webhook_url, secret_token=secret_token)
    return runner


def _run_webhook(app: App, webhook: dict[str, Any]) -> None:
    """Run until SIGINT/SIGTERM (or `app.stop_running()`), as `run_polling` does, with updates
    from our webhook receiver instead of PTB's."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    runner: web.AppRunner | None = None

    async def start() -> None:
        nonlocal runner
        await app.initialize()
        if app.post_init is not None:
            await app.post_init(app)  # a standby waits here, before it receives anything
        await app.start()
        runner = await start_webhook(app, **webhook)

    async def stop() -> None:
        if runner is not None:
            from guide_bot.web.server import stop_web

            await stop_web(runner)
        if app.running:
            await app.stop()
        if app.post_stop is not None:
            await app.post_stop(app)
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)

    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, loop.stop)
    try:
        loop.run_until_complete(start())
        loop.run_forever()  # app.stop_running() stops this loop too
    finally:
        for stop_signal in (signal.SIGINT, signal.SIGTERM):  # a second signal must not cut
            loop.remove_signal_handler(stop_signal)  # the shutdown short
        loop.run_until_complete(stop())
        loop.close()


def run_bot(bot: Bot, *, webhook: dict[str, Any] | None = None) -> None:
    """Run until stopped: long polling, or the webhook with `webhook_params(...)` arguments."""
    try:
        if webhook is None:
            bot.app.run_polling(drop_pending_updates=False)
        else:
            _run_webhook(bot.app, webhook)
    except InvalidToken as exc:
        raise TokenRefused("Telegram refused the bot token") from exc
    if bot.app.bot_data.get("leadership_lost"):
        raise LeadershipLost("lost the database connection that holds the lead")
