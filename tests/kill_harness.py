"""Kill the real `guide-bot run` process (kill -9) at chosen points and count, from the calls the
fake Bot API server saw, what a user lost or got twice: steps of a session, reminders of a minute.

Used by tests/test_kills.py (a few seeded kills, in CI) and bench/bench_kills.py (many, with the
figures in docs/bot.md and docs/reminders.md). The process is the real one (`guide-bot run`, its
own event loop, JobQueue and SQLite file), started with `--base-url` pointing at a fake Bot API
server in the calling process; its clock is the real one, so a due time here is a real instant a
few seconds ahead.

Two ways to kill: at an instant (`Bot.kill`), or exactly when the server records a chosen call
(`KillingServer.kill_on`): the bot dies while that request is being answered, the request counted
as delivered, as when a process dies with a send on the wire.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

from fakebot.api import Call
from fakebot.server import FakeBotServer
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

from guide_bot.config import Settings
from guide_bot.reminders.rules import EVERY_DAY, ReminderRule
from guide_bot.reminders.store import ReminderRepository
from guide_bot.storage.base import make_engine, make_sessionmaker
from guide_bot.storage.schema import create_or_migrate
from guide_bot.storage.user_data import load_all_tables
from guide_bot.storage.users import UserRepository, UserSettings

RUN = [sys.executable, "-c", "from guide_bot.cli import main; main()", "run"]
SESSION_CHAT = 4242
REMINDER_CHATS = tuple(range(5001, 5007))  # six reminders due at the same instant
ROUTINE_ID = "kill-test"
STEPS = 4
ROUTINE = f"""\
id: {ROUTINE_ID}
title: Kill test routine
summary: Four short steps, so that kills fall at every point of a session.
areas: [neck]
complaints: [neck-pain]
tools: [hands]
get_ready_s: 0
steps:
  - title: Press one
    instruction: Press.
    technique: compress
    hold_s: 2
    settle_s: 1
  - title: Press two
    instruction: Press.
    technique: compress
    hold_s: 2
    settle_s: 1
  - title: Press three
    instruction: Press.
    technique: compress
    hold_s: 2
    settle_s: 1
  - title: Press four
    instruction: Press.
    technique: compress
    hold_s: 2
    settle_s: 1
"""
_STEP = re.compile(r"<b>Step (\d+) of (\d+)")


class KillingServer(FakeBotServer):
    """The fake Bot API server, able to kill -9 the bot the moment it records a chosen call."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.victim: int | None = None
        self.kill_on: Callable[[Call], bool] | None = None
        self.killed_on: Call | None = None

    def _record(self, call: Call) -> None:
        super()._record(call)
        if self.victim is not None and self.kill_on is not None and self.kill_on(call):
            os.kill(self.victim, signal.SIGKILL)
            self.victim, self.kill_on, self.killed_on = None, None, call


@dataclass
class Bot:
    """One `guide-bot run` process after another on the same data folder."""

    server: KillingServer
    folder: Path
    library: Path
    proc: asyncio.subprocess.Process | None = None
    starts: int = 0
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.folder / "bot.log"

    @property
    def settings(self) -> Settings:
        return Settings(data_dir=self.folder / "data")

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GUIDE_BOT_", "TELEGRAM_"))}
        env.update(
            TELEGRAM_BOT_TOKEN=self.server.token,
            GUIDE_BOT_DATA_DIR=str(self.folder / "data"),
            GUIDE_BOT_LIBRARY=str(self.library),
            GUIDE_BOT_TTS="espeak",
            GUIDE_BOT_AUDIO_CACHE=str(self.folder / "audio"),
            PYTHONPATH=os.pathsep.join(sys.path),
        )
        return env

    async def start(self, within: float = 60.0) -> None:
        """Start the process and wait until it is up (its commands set, sessions restored and
        reminders armed right after)."""
        ready = len(self.server.calls_of("setMyCommands"))
        with self.log.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                *RUN,
                "--base-url",
                f"http://127.0.0.1:{self.server.port}",
                env=self.env(),
                cwd=self.folder,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=log,
            )
        self.starts += 1
        await self.server.wait_for("setMyCommands", count=ready + 1, within=within)

    def kill_on(self, when: Callable[[Call], bool]) -> None:
        """Kill -9 the process the moment the server records a call for which `when` is true."""
        assert self.proc is not None
        self.server.victim, self.server.kill_on = self.proc.pid, when

    async def kill(self) -> None:
        """Kill -9 now."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)
        await self.wait_dead()

    async def wait_dead(self, within: float = 30.0) -> None:
        if self.proc is not None:
            await asyncio.wait_for(self.proc.wait(), within)
        self.server.victim = self.server.kill_on = None

    async def stop(self) -> None:
        """A clean stop (SIGTERM), as a service manager does."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            await asyncio.wait_for(self.proc.wait(), 30)


def prepare(folder: Path) -> tuple[Path, sessionmaker[DbSession]]:
    """The routine folder and the bot's SQLite database in `folder` (see `prepare_database`)."""
    return prepare_database(folder, Settings(data_dir=folder / "data").resolved_database_url())


def prepare_database(folder: Path, url: str) -> tuple[Path, sessionmaker[DbSession]]:
    """The routine folder and the database at `url` (created as the bot creates it), with the
    session user past the screening (steps as text) and six reminder users."""
    library = folder / "library"
    library.mkdir(parents=True, exist_ok=True)
    (library / f"{ROUTINE_ID}.yaml").write_text(ROUTINE, encoding="utf-8")
    (folder / "data").mkdir(parents=True, exist_ok=True)
    load_all_tables()
    engine = make_engine(url)
    create_or_migrate(engine)
    database = make_sessionmaker(engine)
    users, now = UserRepository(database), datetime.now(UTC)
    for chat in (SESSION_CHAT, *REMINDER_CHATS):
        users.ensure(chat, chat, now)
        users.set_screening(chat, [], now)
        users.update_settings(chat, UserSettings(mode="text"))
    reminders = ReminderRepository(database)
    rule = ReminderRule(at=dtime(3, 0), days=EVERY_DAY, zone="UTC")
    for chat in REMINDER_CHATS:
        reminders.add(user_id=chat, chat_id=chat, rule=rule, now=now)
    return library, database


def due_at(database: sessionmaker[DbSession], when: datetime) -> None:
    """Make the six reminders due at `when` (while the bot is down: it arms at start-up). A snooze
    is a due time like any other to the dispatcher, which sends it as it sends a regular fire."""
    reminders = ReminderRepository(database)
    for chat in REMINDER_CHATS:
        (stored,) = reminders.for_user(chat)
        reminders.snooze(stored.id, when)


@dataclass
class Figures:
    """What users lost or got twice, over many kills."""

    kills: int = 0
    steps_expected: int = 0
    steps_lost: int = 0
    steps_repeated: int = 0
    sessions_paused: int = 0
    sessions_unfinished: int = 0
    reminders_expected: int = 0
    reminders_lost: int = 0
    reminders_twice: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, other: Figures) -> None:
        for name in (
            "kills",
            "steps_expected",
            "steps_lost",
            "steps_repeated",
            "sessions_paused",
            "sessions_unfinished",
            "reminders_expected",
            "reminders_lost",
            "reminders_twice",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.notes += other.notes


def _reminder_sends(server: FakeBotServer, since: int) -> Counter[int]:
    return Counter(
        c.chat_id
        for c in server.calls[since:]
        if c.method == "sendMessage" and c.status == 200 and c.chat_id in REMINDER_CHATS
    )


async def reminder_round(
    bot: Bot,
    database: sessionmaker[DbSession],
    *,
    lead_s: float,
    kill_s: float | None,
    down_s: float,
    settle_s: float = 4.0,
) -> Figures:
    """Six reminders due `lead_s` after the bot is up; kill -9 it `kill_s` after that due
    instant (negative: before it; None: as the first of the six reaches the server), start it
    again `down_s` later, and count the six's sends. The bot is stopped cleanly at the end."""
    due = datetime.now(UTC) + timedelta(seconds=lead_s + 0.5)
    due_at(database, due)
    since = len(bot.server.calls)
    await bot.start()
    due = max(due, datetime.now(UTC))
    if kill_s is None:
        bot.kill_on(lambda c: c.method == "sendMessage" and c.chat_id in REMINDER_CHATS)
        await bot.wait_dead(within=lead_s + 30)
    else:
        await asyncio.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds() + kill_s))
        await bot.kill()
    await asyncio.sleep(down_s)
    await bot.start()
    wait = (due - datetime.now(UTC)).total_seconds() + settle_s
    deadline = time.monotonic() + max(wait, settle_s)
    while time.monotonic() < deadline and len(_reminder_sends(bot.server, since)) < 6:  # noqa: ASYNC110
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)  # a second send of the same reminder would come right behind
    await bot.stop()
    sends = _reminder_sends(bot.server, since)
    figures = Figures(kills=1, reminders_expected=len(REMINDER_CHATS))
    figures.reminders_lost = sum(1 for chat in REMINDER_CHATS if sends[chat] == 0)
    figures.reminders_twice = sum(n - 1 for n in sends.values() if n > 1)
    if figures.reminders_lost or figures.reminders_twice:
        figures.notes.append(
            f"reminders kill_s={kill_s} down_s={down_s:.1f}: sends per chat {dict(sends)}"
        )
    return figures


def _steps(server: FakeBotServer, since: int) -> Counter[int]:
    found: Counter[int] = Counter()
    for c in server.calls[since:]:
        if c.method == "sendMessage" and c.status == 200 and c.chat_id == SESSION_CHAT:
            match = _STEP.search(c.text)
            if match:
                found[int(match.group(1))] += 1
    return found


async def start_session(bot: Bot) -> None:
    """/session, then the pain rating: step 1 comes next."""
    server = bot.server
    server.send_text(SESSION_CHAT, f"/session {ROUTINE_ID}")
    offer = (
        await server.wait_for("sendMessage", chat_id=SESSION_CHAT, text="hurt right now", within=30)
    )[-1]
    data = next(d for label, d in offer.buttons() if "4" in label)
    server.press(SESSION_CHAT, offer.message_id or 0, data)


async def session_round(bot: Bot, *, kill_s: float, down_s: float, within: float = 60.0) -> Figures:
    """A session of four steps (about 40 s from the pain rating to "Session complete"); kill -9
    the bot `kill_s` after the pain rating was pressed, start it again `down_s` later, and count
    the step messages until the session is done."""
    since = len(bot.server.calls)
    await bot.start()
    await start_session(bot)
    await asyncio.sleep(kill_s)
    await bot.kill()
    await asyncio.sleep(down_s)
    await bot.start()
    server = bot.server
    done = "Session complete"
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        texts = [c.text for c in server.calls[since:] if c.chat_id == SESSION_CHAT]
        if any(done in t for t in texts) or any("was paused" in t for t in texts):
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)
    await bot.stop()
    texts = [c.text for c in server.calls[since:] if c.chat_id == SESSION_CHAT and c.status == 200]
    steps = _steps(server, since)
    figures = Figures(kills=1, steps_expected=STEPS)
    figures.steps_lost = sum(1 for n in range(1, STEPS + 1) if steps[n] == 0)
    figures.steps_repeated = sum(n - 1 for n in steps.values() if n > 1)
    figures.sessions_paused = int(any("was paused" in t for t in texts))
    figures.sessions_unfinished = int(not any(done in t for t in texts))
    if figures.steps_lost or figures.steps_repeated or figures.sessions_unfinished:
        figures.notes.append(
            f"session kill_s={kill_s:.2f} down_s={down_s:.1f}: steps {dict(steps)}, "
            f"done={not figures.sessions_unfinished}"
        )
    return figures


def random_rounds(
    seed: int, kills: int, kinds: tuple[str, ...] = ("session", "reminders")
) -> list[tuple[str, dict[str, Any]]]:
    """`kills` rounds, taking turns among `kinds` (in a session, around a reminder due time), with
    seeded-random kill points (every point of the session; from 20 s before the due instant to
    just after it, and as the first of six sends reaches the server) and down times."""
    rng = random.Random(seed)
    rounds: list[tuple[str, dict[str, Any]]] = []
    for n in range(kills):
        if kinds[n % len(kinds)] == "session":
            rounds.append(
                ("session", {"kill_s": rng.uniform(0.0, 40.0), "down_s": rng.uniform(0.2, 5.0)})
            )
        else:
            kill = None if rng.random() < 0.3 else rng.uniform(-20.0, 1.0)
            lead = 0.5 if kill is None else max(0.5, -kill + rng.uniform(0.0, 1.0))
            rounds.append(
                ("reminders", {"lead_s": lead, "kill_s": kill, "down_s": rng.uniform(0.2, 5.0)})
            )
    return rounds
