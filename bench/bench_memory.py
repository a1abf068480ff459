"""Memory per active session: RSS growth of the bot process divided by the sessions it holds.

Each run is a fresh process (so freed memory from an earlier run is not re-used): it builds the
real bot against the lean server, starts a warm-up batch of sessions (so code paths, caches and
pools are loaded), collects garbage, reads RSS, starts N more sessions of a routine with long
holds (all stay in progress: one pending step timer, one Live, one SessionMachine each), collects
garbage again and reads RSS. Per session = growth / N (tracemalloc is not used: its own
bookkeeping would be in the RSS). The figure is the median over the runs.

    python bench/bench_memory.py            # N = 1,000 and 5,000; 3 runs each
    python bench/bench_memory.py --quick    # N = 1,000; 1 run
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from common import (
    LONG_ROUTINE,
    add_text_users,
    build_bot,
    lean_server,
    machine,
    median,
    quiet_logs,
    rss_bytes,
    settings_for,
    start_app,
    stop_app,
    table,
    write_library,
)

WARM_UP = 200
FIRST_CHAT = 20_000_000


async def child(n: int, port: int, folder: Path) -> dict[str, float]:
    """Hold N sessions in this process; returns RSS and heap growth per session (bytes)."""
    from common import LeanServer

    server = LeanServer(port=port, process=None)  # type: ignore[arg-type]
    settings = settings_for(server, folder, write_library(folder / "lib", LONG_ROUTINE))
    app, services = build_bot(settings, rate_limiter=False)
    add_text_users(settings, range(FIRST_CHAT, FIRST_CHAT + WARM_UP + n))
    await start_app(app)
    sessions = services.sessions
    routine = services.catalog.find(FIRST_CHAT, "bench-long")
    assert routine is not None

    async def start(first: int, count: int) -> None:
        for batch in range(first, first + count, 100):
            chats = range(batch, min(batch + 100, first + count))
            await asyncio.gather(*(sessions.start(c, c, routine, None) for c in chats))

    await start(FIRST_CHAT, WARM_UP)
    gc.collect()
    rss0 = rss_bytes()
    await start(FIRST_CHAT + WARM_UP, n)
    gc.collect()
    rss1 = rss_bytes()
    held = len(sessions.live)
    pending = len(app.job_queue.jobs()) if app.job_queue else 0
    await stop_app(app)
    return {
        "rss_per_session": (rss1 - rss0) / n,
        "held": held,
        "pending_jobs": pending,
    }


def run_child(n: int, port: int) -> dict[str, float]:
    """One measurement in a fresh interpreter."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, __file__, "--child", str(n), "--port", str(port), "--dir", tmp]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    """Parse the arguments; either measure (as the child) or run the children and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 1,000; one run")
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=None)
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    quiet_logs()
    if args.child is not None:
        print(json.dumps(asyncio.run(child(args.child, args.port, args.dir))))
        return
    sizes = args.sizes or ([1000] if args.quick else [1000, 5000])
    runs = args.runs or (1 if args.quick else 3)
    results: dict[int, list[dict[str, float]]] = {}
    with lean_server() as server:
        for run in range(runs):
            for n in sizes:
                result = run_child(n, server.port)
                results.setdefault(n, []).append(result)
                print(
                    f"  run {run + 1}/{runs} N={n:5}:"
                    f" RSS {result['rss_per_session'] / 1024:.1f} KB/session,"
                    f" {int(result['held'])} held, {int(result['pending_jobs'])} jobs pending",
                    flush=True,
                )
    rows = [
        [
            f"{n:,}",
            f"{median(r['rss_per_session'] for r in results[n]) / 1024:.1f}",
        ]
        for n in sizes
    ]
    print()
    print(f"Memory per active session (median of {runs} runs) - {machine()}")
    print(table(["sessions held", "RSS growth KB/session"], rows))


if __name__ == "__main__":
    main()
