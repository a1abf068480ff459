"""Building and running the real bot against the fake Bot API server, for end-to-end tests."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fakebot.server import Call, FakeBotServer
from telegram import Update

from guide_bot.bootstrap import build_bot as build_product_bot
from guide_bot.config import Settings
from guide_bot.domain.clock import Clock, FakeClock
from guide_bot.sessions.scheduling import ManualScheduler
from guide_bot.telegram.context import App, Services

QUICK_ROUTINE = """\
id: quick-test
title: Quick test routine
summary: A tiny routine with short holds, for tests.
areas: [neck]
complaints: [neck-pain]
tools: [ball]
cautions:
  - Stop if the pain turns sharp.
get_ready_s: 0
steps:
  - title: Ball press
    instruction: Press.
    technique: compress
    hold_s: 2
    pressure: 6
    tools: [ball]
  - title: Side stretch
    instruction: Lean.
    technique: stretch
    hold_s: 1
    sides: left-right
  - title: Breathe
    instruction: Breathe.
    technique: breathe
    hold_s: 1
"""

LONG_ROUTINE = """\
id: long-test
title: Long test routine
summary: Two long holds, for tests that move a fake clock.
areas: [lower-back]
complaints: [lower-back-pain]
tools: [ball]
get_ready_s: 5
steps:
  - title: Glute press
    instruction: Sit on the ball under one buttock.
    technique: compress
    hold_s: 30
    pressure: 6
    point: gluteus medius
    tools: [ball]
    cues:
      - at_s: 10
        text: Breathe out slowly.
  - title: Back stretch
    instruction: Hug your knees.
    technique: stretch
    hold_s: 20
"""


def write_library(folder: Path) -> Path:
    """A routine folder with the two test routines."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "quick-test.yaml").write_text(QUICK_ROUTINE, encoding="utf-8")
    (folder / "long-test.yaml").write_text(LONG_ROUTINE, encoding="utf-8")
    return folder


@dataclass
class Bot:
    """A built bot: the application, its services and (with a fake clock) its scheduler."""

    app: App
    services: Services
    server: FakeBotServer
    scheduler: ManualScheduler | None

    @property
    def clock(self) -> FakeClock:
        """The fake clock (manual bots only)."""
        assert isinstance(self.services.clock, FakeClock)
        return self.services.clock

    async def run_for(self, seconds: float) -> int:
        """Move the fake clock, running the session steps that fall due."""
        assert self.scheduler is not None
        return await self.scheduler.run_for(seconds)


def make_settings(
    server: FakeBotServer, data_dir: Path, library: Path, database_url: str | None = None
) -> Settings:
    """Settings pointing at the fake server, with the database in `data_dir` (or at the URL)."""
    return Settings(
        token=server.token,
        base_url=server.base_url,
        data_dir=data_dir,
        library=library,
        database_url=database_url,
        tts="espeak",  # offline; gTTS would need the internet
        audio_cache=data_dir / "audio",
    )


def build_bot(
    server: FakeBotServer,
    data_dir: Path,
    library: Path,
    *,
    clock: Clock | None = None,
    manual: bool = True,
    rate_limiter: bool = True,
    pace: bool = False,
    features: Sequence[str] = (),
    database_url: str | None = None,
    settings_update: dict[str, object] | None = None,
) -> Bot:
    """Build the bot as `guide-bot run` does, but with a fake clock and scheduler if `manual`.

    The core bot by default; `features` adds reminders and progress as `guide-bot run` has them.
    The rate limiter is on (429 answers are waited out as in production) but does not pace
    requests to 30 a second in real time unless `pace`: on a fake clock that pacing only made
    every test that sends more than 30 messages wait for the wall clock (1-2 s each).
    """
    settings = make_settings(server, data_dir, library, database_url)
    if settings_update:
        settings = settings.model_copy(update=settings_update)
    if manual and clock is None:
        clock = FakeClock(start=datetime(2026, 1, 5, 9, 0, tzinfo=UTC).timestamp())
    holder: dict[str, ManualScheduler] = {}

    def manual_scheduler(_app: App) -> ManualScheduler:
        assert isinstance(clock, FakeClock)
        holder["s"] = ManualScheduler(clock)
        return holder["s"]

    built = build_product_bot(
        settings,
        clock=clock,
        scheduler=manual_scheduler if manual else None,
        rate_limiter=rate_limiter,
        pace=pace,
        features=features,
    )
    return Bot(app=built.app, services=built.services, server=server, scheduler=holder.get("s"))


@contextlib.asynccontextmanager
async def running(bot: Bot, *, poll: bool = False, restored: bool = True) -> AsyncIterator[Bot]:
    """Run the bot as run_polling does (initialize, post_init, start), then stop it as it does
    (stop, post_stop, shutdown).

    Updates the test makes go straight into the application's update queue (no getUpdates
    round trip), and `server.wait_idle()` waits until every one was handled and nothing is in
    flight, instead of waiting for a quiet window. With `poll`, the bot long-polls the fake
    server as in production (for the tests of polling itself). The stored sessions are all
    taken in before the test goes on, unless `restored` is False (the restore then runs in the
    background while the test acts, as in production).
    """
    app = bot.app
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
        if restored:
            await bot.services.sessions.restored()
    await app.start()
    assert app.updater is not None
    if poll:
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
    else:
        bot.server.on_update = lambda data: app.update_queue.put_nowait(
            Update.de_json(data, app.bot)
        )
        bot.server.settle = lambda: settled(bot)
    try:
        yield bot
    finally:
        bot.server.on_update = bot.server.settle = None
        if app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        if app.post_stop is not None:
            await app.post_stop(app)
        await app.shutdown()


async def settled(bot: Bot) -> None:
    """Until every update fed in is handled, every session start is done and no API call is in
    flight (checked on a few consecutive turns of the event loop)."""
    app, quiet = bot.app, 0
    processor = app.update_processor
    while quiet < 3:
        await asyncio.sleep(0)
        busy = (
            not app.update_queue.empty()
            or processor.current_concurrent_updates > 0
            or bot.services.sessions.busy_starting
            or bot.server.in_flight > 0
        )
        quiet = 0 if busy else quiet + 1
        if busy:
            await asyncio.sleep(0.001)
    await bot.services.sessions.idle()


def texts_of(calls: Sequence[Call]) -> list[str]:
    """The texts/captions of calls."""
    return [c.text for c in calls]


def button_data(call: Call, label_part: str) -> str:
    """The callback data of the first button of a call whose label contains `label_part`."""
    for label, data in call.buttons():
        if label_part in label:
            return data
    raise AssertionError(f"no button {label_part!r} in {call.buttons()}")


def screen(services: Services, user_id: int, *conditions: str) -> None:
    """Store screening answers directly (tests of other flows skip the checklist): the names
    of the conditions ticked, none by default."""
    services.users.ensure(user_id, user_id, services.now_utc())
    services.users.set_screening(user_id, conditions, services.now_utc())


def set_mode(services: Services, user_id: int, mode: str) -> None:
    """Choose text/voice/both for a user."""
    services.users.change_settings(user_id, mode=mode)


def ready_user(services: Services, user_id: int, mode: str = "text") -> None:
    """A user past the screening, with steps delivered in `mode`: where most flow tests begin."""
    screen(services, user_id)
    set_mode(services, user_id, mode)


TINY_ROUTINE = """\
id: tiny-test
title: Tiny test routine
summary: One one-second hold, for a test in real time.
areas: [neck]
complaints: [neck-pain]
tools: [hands]
get_ready_s: 0
steps:
  - title: First
    instruction: Go.
    technique: compress
    hold_s: 1
"""


def event_at(bot: Bot, chat_id: int, kind: str, step: int | None = None, nth: int = 0) -> float:
    """Offset (s) of the nth event of this kind (and step) in the chat's session plan."""
    live = bot.services.sessions.get(chat_id)
    assert live is not None
    found = [
        e.at_s
        for e in live.session.timeline.events
        if e.kind.value == kind and (step is None or e.step == step)
    ]
    return found[nth]
