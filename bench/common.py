"""What every benchmark script shares: the lean server process, building the real bot, statistics.

The bot is built exactly as `guide-bot run` builds it (bootstrap.build_bot, PTB's real HTTP
stack and step timers), pointed at the lean fake Bot API server (bench/leanbot.py) in a separate
process.
"""

from __future__ import annotations

import contextlib
import logging
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from pg import PgCluster, find_bindir
from sqlalchemy import insert

from guide_bot.bootstrap import build_bot as build_product_bot
from guide_bot.config import Settings
from guide_bot.domain.reading import speaking_time_s
from guide_bot.storage.base import make_engine
from guide_bot.storage.users import UserRow
from guide_bot.telegram.context import App, Services

BENCH_DIR = Path(__file__).resolve().parent
TOKEN = "123456:BENCH-token-of-the-benchmarks-0123456789ab"

# Short holds so that many steps fall due. Every event is spoken for at least MIN_SPEAK_S (see
# `bench_speak`), which keeps cues of one chat more than the sessions's 1 s gap apart: lateness
# measured is then the bot's, not a deliberate spacing.
TINY_ROUTINE = """\
id: bench-tiny
title: Bench tiny routine
summary: Short holds so that many steps fall due, for benchmarks.
areas: [neck]
complaints: [neck-pain]
tools: [hands]
get_ready_s: 1
steps:
  - title: First
    instruction: Press.
    technique: compress
    hold_s: 2
  - title: Second
    instruction: Lean.
    technique: stretch
    hold_s: 2
  - title: Third
    instruction: Breathe.
    technique: breathe
    hold_s: 2
"""

# One step held for ten minutes: sessions that stay in progress while memory is measured.
LONG_ROUTINE = """\
id: bench-long
title: Bench long routine
summary: One long hold, so that sessions stay in progress.
areas: [neck]
complaints: [neck-pain]
tools: [hands]
get_ready_s: 60
steps:
  - title: Long press
    instruction: Press and keep pressing.
    technique: compress
    hold_s: 600
  - title: Long stretch
    instruction: Lean and stay there.
    technique: stretch
    hold_s: 600
"""

MIN_SPEAK_S = 1.5


def bench_speak(text: str) -> float:
    """The reading-time estimate, but at least MIN_SPEAK_S (see TINY_ROUTINE)."""
    return max(MIN_SPEAK_S, speaking_time_s(text))


def machine() -> str:
    """One line naming the machine: cores, CPU model, Python."""
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    cores = len(os.sched_getaffinity(0))
    return f"{cores} cores, {model}, Python {platform.python_version()}"


def quiet_logs() -> None:
    """Warnings only: a log line per step would cost more than the step."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for name in ("httpx", "telegram", "aiohttp"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # misses show as lost messages


def write_library(folder: Path, *texts: str) -> Path:
    """A routine folder holding the given YAML texts (named by their id line)."""
    folder.mkdir(parents=True, exist_ok=True)
    for text in texts:
        routine_id = text.split("\n", 1)[0].removeprefix("id: ").strip()
        (folder / f"{routine_id}.yaml").write_text(text, encoding="utf-8")
    return folder


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LeanServer:
    """A running bench/leanbot.py process and a client for its control routes."""

    port: int
    process: subprocess.Popen[bytes]

    @property
    def base_url(self) -> str:
        """The Bot API address to give the bot."""
        return f"http://127.0.0.1:{self.port}/bot"

    def _url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/_bench/{path}"

    def records(self) -> list[tuple[float, str, int, str, int, int]]:
        """Every call recorded since the last reset: (at, method, chat, head, upload, status)."""
        rows = httpx.get(self._url("records"), timeout=60).json()["records"]
        return [tuple(row) for row in rows]  # type: ignore[misc]

    def reset(self) -> None:
        """Forget the recorded calls and the rate window."""
        httpx.post(self._url("reset"), timeout=10).raise_for_status()

    async def inject(self, chat_id: int, text: str) -> float:
        """A user sends `text`; returns the server's wall time of the update."""
        async with httpx.AsyncClient() as client:
            answer = await client.post(self._url("inject"), json={"chat_id": chat_id, "text": text})
            return float(answer.json()["at"])


@contextlib.contextmanager
def lean_server(*, enforce: bool = False, per_second: int = 30) -> Iterator[LeanServer]:
    """Start bench/leanbot.py in its own process; stop it on exit."""
    port = free_port()
    command = [sys.executable, str(BENCH_DIR / "leanbot.py"), "--port", str(port)]
    if enforce:
        command += ["--enforce", "--per-second", str(per_second)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    server = LeanServer(port=port, process=process)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                httpx.get(server._url("ping"), timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the lean server did not start") from None
                time.sleep(0.05)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextlib.contextmanager
def database_cluster(kind: str) -> Iterator[PgCluster | None]:
    """None for SQLite (a file per run), or a running throwaway PostgreSQL cluster (Debian's
    server binaries, started as the tests start theirs: tests/pg.py; fsync off)."""
    if kind == "sqlite":
        yield None
        return
    cluster = PgCluster(find_bindir())
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@contextlib.contextmanager
def fresh_database(cluster: PgCluster | None) -> Iterator[str | None]:
    """The URL of a fresh database of the cluster for one run, dropped afterwards; None without a
    cluster (the bot's SQLite file in its data folder)."""
    if cluster is None:
        yield None
        return
    name = cluster.new_database()
    try:
        yield cluster.url(name)
    finally:
        cluster.drop_database(name)


def settings_for(
    server: LeanServer, data_dir: Path, library: Path, database_url: str | None = None
) -> Settings:
    """Settings as `guide-bot run --base-url` would have them, with the database in data_dir
    (SQLite) or at `database_url`."""
    return Settings(
        token=TOKEN,
        base_url=server.base_url,
        data_dir=data_dir,
        library=library,
        database_url=database_url,
    )


def build_bot(
    settings: Settings,
    *,
    rate_limiter: bool,
    features: Sequence[str] = (),
    services_hook: Callable[[Services], None] | None = None,
) -> tuple[App, Services]:
    """The real application and services, as the run command builds them."""
    bot = build_product_bot(settings, rate_limiter=rate_limiter, features=features)
    bot.services.sessions.text_speak = bench_speak
    if services_hook is not None:
        services_hook(bot.services)
    return bot.app, bot.services


def add_text_users(settings: Settings, user_ids: Iterable[int]) -> None:
    """Screened users who chose text mode, inserted in one statement (chat id = user id)."""
    engine = make_engine(settings.resolved_database_url())
    now = datetime.now(UTC)
    screening = {"wound_fracture": False, "medical": False, "pregnancy_bones_blood": False}
    rows: list[dict[str, Any]] = [
        {
            "user_id": uid,
            "chat_id": uid,
            "created_at": now,
            "mode": "text",
            "screening": screening,
            "screened_at": now,
        }
        for uid in user_ids
    ]
    with engine.begin() as db:
        db.execute(insert(UserRow), rows)
    engine.dispose()


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), nearest-rank; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def median(values: Iterable[float]) -> float:
    """The median (NaN for none)."""
    items = [v for v in values if v == v]
    return statistics.median(items) if items else float("nan")


def rss_bytes() -> int:
    """This process's resident set size now."""
    fields = Path("/proc/self/statm").read_text().split()
    return int(fields[1]) * os.sysconf("SC_PAGE_SIZE")


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table (what the README quotes)."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in cells
    ]
    return "\n".join([line, rule, *body])


async def start_app(app: App, *, polling: bool = False) -> None:
    """Start the application as run_polling does (initialize, post_init, start[, poll])."""
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    await app.start()
    if polling:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=10)


async def stop_app(app: App) -> None:
    """Stop what start_app started."""
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    if app.post_stop is not None:
        await app.post_stop(app)
    await app.shutdown()
