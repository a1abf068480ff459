"""Cue timing: how late each step message reaches the Bot API server, against its planned time.

N sessions of a tiny routine (three holds of --hold seconds) run at once, text mode, rate limiter
off; their starts are spread evenly over one step's length (or --window seconds) so the load is
steady, as with sessions started at random times, and every session is in progress at once. For
each step message the lean server's arrival time (wall clock, same machine) minus the step's
planned time (session start + the announcement's offset in its plan) is its lateness. p50/p99/max
per run; the figures printed are medians over the runs.

Beside it, in the same run and against the same server, the baseline: python-telegram-bot's
timerbot pattern, one `job_queue.run_once` per cue scheduled when the session starts, whose
callback sends the message (no session machine, no storage, no retries). Product and baseline
alternate within each repeat.

    python bench/bench_timing.py --hold 30            # N = 100, 1,000, 5,000; 3 repeats
    python bench/bench_timing.py --hold 30 --quick    # N = 100, 1,000; 1 repeat
    python bench/bench_timing.py --hold 30 --window 6 # a burst: N sessions started in 6 s
"""

from __future__ import annotations

import argparse
import asyncio
import re
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from common import (
    TINY_ROUTINE,
    LeanServer,
    add_text_users,
    bench_speak,
    build_bot,
    lean_server,
    machine,
    median,
    percentile,
    quiet_logs,
    settings_for,
    start_app,
    stop_app,
    table,
    write_library,
)
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from guide_bot.domain.timeline import CueKind, plan
from guide_bot.library.loader import parse_routine
from guide_bot.sessions.plans import build_plan
from guide_bot.storage.users import UserSettings
from guide_bot.telegram import texts

STEP = re.compile(r"Step (\d+) of")
FIRST_CHAT = 10_000_000


@dataclass
class RunResult:
    """One run: lateness of every step message that arrived (ms), and how many never did."""

    lateness_ms: list[float] = field(default_factory=list)
    expected: int = 0
    missing: int = 0
    calls: int = 0
    seconds: float = 0.0

    def stats(self) -> tuple[float, float, float]:
        """(p50, p99, max) lateness in ms."""
        values = self.lateness_ms
        return percentile(values, 50), percentile(values, 99), max(values, default=float("nan"))


def measure(records: list[tuple[float, str, int, str, int, int]], planned: dict[int, list[float]]):  # type: ignore[no-untyped-def]
    """Match step messages to their planned times (first arrival of step k in each chat)."""
    result = RunResult(expected=sum(len(v) for v in planned.values()))
    seen: set[tuple[int, int]] = set()
    for at, method, chat, head, _upload, status in records:
        if status != 200 or method != "sendMessage" or chat not in planned:
            continue
        result.calls += 1
        found = STEP.search(head)
        if found is None:
            continue
        step = int(found.group(1))
        if (chat, step) in seen or step > len(planned[chat]):
            continue
        seen.add((chat, step))
        result.lateness_ms.append((at - planned[chat][step - 1]) * 1000)
    result.missing = result.expected - len(seen)
    return result


async def spread(n: int, window_s: float, begin: Callable[[int], Awaitable[None]]) -> None:
    """Call `begin(chat)` for n chats, evenly over `window_s`, each as its own task."""
    loop = asyncio.get_running_loop()
    t0 = loop.time() + 0.2
    tasks = []
    for i in range(n):
        delay = t0 + i * window_s / n - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(begin(FIRST_CHAT + i)))
    await asyncio.gather(*tasks, return_exceptions=True)


async def wait_until(done: Callable[[], bool], limit_s: float) -> None:
    """Poll until `done()` or the limit."""
    deadline = time.monotonic() + limit_s
    while not done() and time.monotonic() < deadline:  # noqa: ASYNC110 - state of another library
        await asyncio.sleep(0.2)


def routine_yaml(hold_s: int) -> str:
    """The tiny routine, with every hold `hold_s` long (2 s by default; 30 s is a real hold)."""
    return TINY_ROUTINE.replace("hold_s: 2", f"hold_s: {hold_s}")


def step_length_s(hold_s: int) -> float:
    """How long one step of the tiny routine lasts, announcement to announcement."""
    routine, issues = parse_routine(routine_yaml(hold_s), file="bench-tiny.yaml")
    assert routine is not None, issues
    starts = plan(routine, speak_s=bench_speak).step_starts
    return starts[1] - starts[0]


async def product_run(
    server: LeanServer, n: int, window_s: float, folder: Path, hold_s: int
) -> RunResult:
    """N sessions through the bot's own sessions (one JobQueue job per session)."""
    settings = settings_for(server, folder, write_library(folder / "lib", routine_yaml(hold_s)))
    app, services = build_bot(settings, rate_limiter=False)
    add_text_users(settings, range(FIRST_CHAT, FIRST_CHAT + n))
    await start_app(app)
    server.reset()
    sessions = services.sessions
    routine = services.catalog.find(FIRST_CHAT, "bench-tiny")
    assert routine is not None
    planned: dict[int, list[float]] = {}

    async def begin(chat: int) -> None:
        live = await sessions.start(chat, chat, routine, None)
        started = live.session.started_at or 0.0
        events = live.session.timeline.events
        planned[chat] = [started + e.at_s for e in events if e.kind is CueKind.ANNOUNCE]

    began = time.monotonic()
    await spread(n, window_s, begin)
    await wait_until(lambda: not sessions.live, 600)
    seconds = time.monotonic() - began
    await stop_app(app)
    result = measure(server.records(), planned)
    result.seconds = seconds
    return result


async def baseline_run(
    server: LeanServer, n: int, window_s: float, folder: Path, hold_s: int
) -> RunResult:
    """The timerbot pattern: at start, one run_once job per cue; the job sends the message."""
    settings = settings_for(server, folder, write_library(folder / "lib", routine_yaml(hold_s)))
    app, services = build_bot(settings, rate_limiter=False)
    await start_app(app)
    server.reset()
    queue = app.job_queue
    assert queue is not None
    routine = services.catalog.find(FIRST_CHAT, "bench-tiny")
    assert routine is not None
    planned: dict[int, list[float]] = {}

    async def cue(context: ContextTypes.DEFAULT_TYPE) -> None:
        job: Any = context.job
        await context.bot.send_message(job.chat_id, job.data, parse_mode=ParseMode.HTML)

    async def begin(chat: int) -> None:
        plan = await build_plan(
            routine,
            UserSettings(mode="text"),
            speech=None,
            defaults=services.settings,
            now=time.time(),
            text_speak=services.sessions.text_speak,
        )
        started = time.time()
        events = plan.timeline.events
        planned[chat] = [started + e.at_s for e in events if e.kind is CueKind.ANNOUNCE]
        first = plan.timeline.step_starts[0]
        await app.bot.send_message(
            chat, texts.prepare_message(routine.title, first), parse_mode=ParseMode.HTML
        )
        for event in events[1:]:
            if event.kind is CueKind.ANNOUNCE and event.step is not None:
                step = routine.steps[event.step - 1]
                text = texts.step_message(event.step, len(routine.steps), step)
            elif event.kind is CueKind.COMPLETE:
                text = texts.COMPLETE
            else:
                text = escape(event.text)
            when = max(0.0, started + event.at_s - time.time())
            queue.run_once(cue, when=when, chat_id=chat, name=str(chat), data=text)

    began = time.monotonic()
    await spread(n, window_s, begin)
    await wait_until(lambda: not queue.jobs(), 600)
    seconds = time.monotonic() - began
    await stop_app(app)
    result = measure(server.records(), planned)
    result.seconds = seconds
    return result


def fmt(value: float) -> str:
    """Milliseconds, one decimal."""
    return f"{value:.1f}"


async def main_async(
    sizes: list[int], repeats: int, window_s: float, kinds: list[str], hold_s: int
) -> None:
    """Run product and baseline side by side for each size, `repeats` times; print medians."""
    runs: dict[tuple[str, int], list[RunResult]] = {}
    with lean_server() as server, tempfile.TemporaryDirectory() as tmp:
        for rep in range(repeats):
            for n in sizes:
                order = kinds if rep % 2 == 0 else kinds[::-1]
                for kind in order:
                    folder = Path(tmp) / f"{kind}-{n}-{rep}"
                    run = product_run if kind == "product" else baseline_run
                    result = await run(server, n, window_s, folder, hold_s)
                    runs.setdefault((kind, n), []).append(result)
                    p50, p99, worst = result.stats()
                    print(
                        f"  run {rep + 1}/{repeats} {kind:8} N={n:5}: p50 {fmt(p50)} ms,"
                        f" p99 {fmt(p99)} ms, max {fmt(worst)} ms, step messages"
                        f" {len(result.lateness_ms)}/{result.expected}, {result.seconds:.0f} s",
                        flush=True,
                    )
    if len(kinds) < 2:
        return
    rows = []
    for n in sizes:
        product = [r.stats() for r in runs[("product", n)]]
        baseline = [r.stats() for r in runs[("baseline", n)]]
        p = [median(s[i] for s in product) for i in range(3)]
        b = [median(s[i] for s in baseline) for i in range(3)]
        ratios = [x[1] / y[1] for x, y in zip(product, baseline, strict=True) if y[1] > 0]
        missing_p = sum(r.missing for r in runs[("product", n)])
        missing_b = sum(r.missing for r in runs[("baseline", n)])
        rows.append(
            [
                f"{n:,}",
                fmt(p[0]),
                fmt(p[1]),
                fmt(p[2]),
                fmt(b[0]),
                fmt(b[1]),
                fmt(b[2]),
                f"{median(ratios):.2f}",
                f"{missing_p}/{missing_b}",
            ]
        )
    print()
    print(
        f"Cue timing, step message lateness in ms, holds of {hold_s} s, starts spread over"
        f" {window_s:.2f} s (median of {repeats} runs) - {machine()}"
    )
    headers = [
        "sessions",
        "p50",
        "p99",
        "max",
        "timerbot p50",
        "timerbot p99",
        "timerbot max",
        "p99 ratio",
        "lost (bot/timerbot)",
    ]
    print(table(headers, rows))


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 100, 1,000; one repeat")
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=None)
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument(
        "--window", type=float, default=None, help="seconds over which N start (one step's length)"
    )
    parser.add_argument(
        "--hold", type=int, default=2, help="hold of each of the 3 steps, s (30 = a real hold)"
    )
    parser.add_argument(
        "--only", choices=["product", "baseline"], default=None, help="one side (for profiling)"
    )
    args = parser.parse_args()
    quiet_logs()
    sizes = args.sizes or ([100, 1000] if args.quick else [100, 1000, 5000])
    repeats = args.repeats or (1 if args.quick else 3)
    kinds = [args.only] if args.only else ["product", "baseline"]
    window_s = args.window if args.window is not None else step_length_s(args.hold)
    print(f"{len(kinds)} kinds, holds of {args.hold} s, N sessions started over {window_s:.2f} s")
    asyncio.run(main_async(sizes, repeats, window_s, kinds, args.hold))


if __name__ == "__main__":
    main()
