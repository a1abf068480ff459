"""Reminder fan-out: N reminders due in the same minute, through the real bot, rate limiter on.

The database holds N reminders of N users, all due at the same moment a few seconds after the
bot starts; the bot is built as `guide-bot run` builds it (reminder handlers and start-up hook,
the rate limiter at Telegram's 30 messages a second). Measured on the lean server: how many users
got their reminder (exactly once), how many 429s the server answered, how long from the due time
to the last delivery, and that time against the floor Telegram's limit sets (N / 30 s).

Two server modes: `enforce` (the server answers 429 past 30 messages in any one second, as
Telegram does) and `open` (it accepts everything: delivery completeness on its own).

    python bench/bench_fanout.py                   # N = 10,000, both modes, 1 run each (~12 min)
    python bench/bench_fanout.py --quick           # N = 1,000, both modes, 3 runs each
    python bench/bench_fanout.py --count 3000 --modes enforce --runs 3
    python bench/bench_fanout.py --database postgres   # the same on PostgreSQL

With `--database postgres` the reminders live in a throwaway PostgreSQL cluster (tests/pg.py, as
bench_startup.py starts one), a fresh database per run: what changes is the dispatcher's picking
of each reminder and its claim, a transaction right before each send (docs/reminders.md).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import itertools
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from common import (
    TINY_ROUTINE,
    LeanServer,
    build_bot,
    database_cluster,
    fresh_database,
    lean_server,
    machine,
    median,
    quiet_logs,
    settings_for,
    start_app,
    stop_app,
    table,
    write_library,
)
from pg import PgCluster
from sqlalchemy import insert

from guide_bot.bootstrap import open_database
from guide_bot.reminders.rows import ReminderRow
from guide_bot.storage.base import make_engine
from guide_bot.telegram.context import App

TELEGRAM_PER_S = 30
FIRST_USER = 50_000_000
LEAD_S = 4.0  # the reminders fall due this long after the bot was built


def insert_reminders(settings: Any, count: int, due: datetime) -> None:
    """`count` daily reminders of `count` users, every one next due at `due` (UTC)."""
    engine = make_engine(settings.resolved_database_url())
    rows = [
        {
            "user_id": FIRST_USER + i,
            "chat_id": FIRST_USER + i,
            "hour": due.hour,
            "minute": due.minute,
            "days_mask": 0b1111111,
            "zone": "UTC",
            "routine_id": None,
            "paused": False,
            "blocked": False,
            "next_fire_utc": due,
            "due_utc": due,
            "created_utc": due - timedelta(days=1),
        }
        for i in range(count)
    ]
    with engine.begin() as db:
        db.execute(insert(ReminderRow), rows)
    engine.dispose()


def records_since(server: LeanServer, since: int) -> list[tuple[Any, ...]]:
    """The calls the server recorded after the first `since` (only the new ones, not all)."""
    answer = httpx.get(server._url("records"), params={"since": since}, timeout=60)
    return [tuple(row) for row in answer.json()["records"]]


def inversions(chats: list[int]) -> int:
    """Adjacent deliveries out of the order the reminders fell due (by reminder id)."""
    return sum(1 for a, b in itertools.pairwise(chats) if a > b)


async def one_run(
    server: LeanServer, count: int, folder: Path, cluster: PgCluster | None = None
) -> dict[str, float]:
    """Fill a fresh database, start the bot, wait for every reminder (or the limit); the
    figures."""
    with fresh_database(cluster) as url:
        settings = settings_for(server, folder, write_library(folder / "lib", TINY_ROUTINE), url)
        open_database(settings)  # the schema (Alembic on PostgreSQL), before the clock starts
        due = datetime.now(UTC) + timedelta(seconds=LEAD_S)
        insert_reminders(settings, count, due)
        app, _services = build_bot(settings, rate_limiter=True, features=("reminders",))
        server.reset()
        await start_app(app)
        if datetime.now(UTC) > due:
            print(f"  (the bot started {(datetime.now(UTC) - due).total_seconds():.1f} s late)")
        return await _measure(server, count, due, app)


async def _measure(server: LeanServer, count: int, due: datetime, app: App) -> dict[str, float]:
    """Wait for every reminder (or the limit), stop the bot; the figures."""
    floor_s = count / TELEGRAM_PER_S
    deadline = time.monotonic() + LEAD_S + 3 * floor_s + 60
    delivered: collections.Counter[int] = collections.Counter()
    order: list[int] = []
    too_many = 0
    seen = 0
    last_at = 0.0
    while time.monotonic() < deadline:
        await asyncio.sleep(1.0)
        # fetched in a thread, only the new ones: the bot shares this event loop, and fetching
        # every record each second blocked it for tens of milliseconds (slowing its pace)
        records = await asyncio.to_thread(records_since, server, seen)
        for at, method, chat, _head, _up, status in records:
            if method != "sendMessage" or chat < FIRST_USER:
                continue
            if status == 429:
                too_many += 1
            elif status == 200:
                delivered[chat] += 1
                order.append(chat)
                last_at = max(last_at, at)
        seen += len(records)
        if len(delivered) >= count:
            await asyncio.sleep(2.0)  # anything sent twice would show up now
            for _at, method, chat, _head, _up, status in records_since(server, seen):
                if method == "sendMessage" and status == 200 and chat >= FIRST_USER:
                    delivered[chat] += 1
            break
    await stop_app(app)
    took = last_at - due.timestamp() if last_at else float("nan")
    return {
        "delivered": len(delivered),
        "twice": sum(1 for n in delivered.values() if n > 1),
        "too_many": too_many,
        "seconds": took,
        "floor": floor_s,
        "inversions": inversions(order),
    }


async def main_async(count: int, modes: list[str], runs: int, database: str) -> None:
    """Run each mode `runs` times; print the medians."""
    results: dict[str, list[dict[str, float]]] = {}
    for mode in modes:
        with (
            lean_server(enforce=mode == "enforce") as server,
            tempfile.TemporaryDirectory() as tmp,
            database_cluster(database) as cluster,
        ):
            for run in range(runs):
                result = await one_run(server, count, Path(tmp) / f"run{run}", cluster)
                results.setdefault(mode, []).append(result)
                print(
                    f"  {mode:7} run {run + 1}/{runs}: delivered {int(result['delivered'])}/{count}"
                    f" (twice: {int(result['twice'])}), 429s {int(result['too_many'])},"
                    f" {result['seconds']:.1f} s vs floor {result['floor']:.1f} s,"
                    f" out of order {int(result['inversions'])}",
                    flush=True,
                )
    rows = []
    for mode in modes:
        rs = results[mode]
        seconds = median(r["seconds"] for r in rs)
        rows.append(
            [
                mode,
                f"{count:,}",
                f"{median(r['delivered'] for r in rs):,.0f}",
                f"{sum(r['twice'] for r in rs):.0f}",
                f"{median(r['too_many'] for r in rs):.0f}",
                f"{seconds:.1f}",
                f"{count / TELEGRAM_PER_S:.1f}",
                f"{seconds / (count / TELEGRAM_PER_S):.2f}",
                f"{count / seconds:.1f}",
            ]
        )
    print()
    print(f"Reminder fan-out on {database} (median of {runs} runs) - {machine()}")
    headers = [
        "server",
        "due",
        "delivered",
        "sent twice",
        "429s",
        "seconds",
        "floor s",
        "x floor",
        "msg/s",
    ]
    print(table(headers, rows))


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 reminders, 3 runs a mode")
    parser.add_argument("--count", type=int, default=None)
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument(
        "--modes", type=lambda s: s.split(","), default=["enforce", "open"], help="enforce,open"
    )
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="where the bot keeps the reminders (postgres: a throwaway local cluster)",
    )
    args = parser.parse_args()
    quiet_logs()
    count = args.count or (1_000 if args.quick else 10_000)
    runs = args.runs or (3 if args.quick else 1)
    asyncio.run(main_async(count, args.modes, runs, args.database))


if __name__ == "__main__":
    main()
