"""Cue timing: how late each step message reaches the Bot API server, against its planned time.

N sessions of a tiny routine (three holds of --hold seconds) run at once, text mode (the quiet
step messages: telegram/quiet.py), rate limiter off; their starts are spread evenly over one
step's length (or --window seconds) so the load is steady, as with sessions started at random
times, and every session is in progress at once. For each step message the lean server's arrival
time (wall clock, same machine) minus its planned time is its lateness. The planned time is that
of the cue whose run sends it: in quiet text mode step 1's message goes with the get-ready and
step k's with the release that ends step k-1 (`carriers`). p50/p99/max per run; the figures
printed are medians over the runs.

Beside it, in the same run and against the same server, the baseline: python-telegram-bot's
timerbot pattern, one `job_queue.run_once` per message scheduled when the session starts, whose
callback sends it: the same calls at the same planned times as the quiet text mode makes
(`quiet_calls`: new messages for the moves and the steps, edits at the refresh points, the
closing), with no session machine, no storage, no retries. Product and baseline alternate within
each repeat.

    python bench/bench_timing.py --hold 30            # N = 100, 1,000, 5,000; 3 repeats
    python bench/bench_timing.py --hold 30 --quick    # N = 100, 1,000; 1 repeat
    python bench/bench_timing.py --hold 30 --window 6 # a burst: N sessions started in 6 s
    python bench/bench_timing.py --hold 30 --sizes 5000 --database postgres

With `--database postgres` the bot keeps its sessions (and the 1 s batches of their progress) in
a throwaway PostgreSQL cluster (bench/common.py `database_cluster`), a fresh database per run;
the baseline stores nothing either way.
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
    database_cluster,
    fresh_database,
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

from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import CueKind, Timeline, plan
from guide_bot.library.loader import parse_routine
from guide_bot.sessions.plans import build_plan
from guide_bot.storage.users import UserSettings
from guide_bot.telegram import texts
from guide_bot.telegram.quiet import (
    ends_step,
    folded_after_release,
    is_final_release,
    refresh_points,
)

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
        if status != 200 or method not in ("sendMessage", "sendPhoto") or chat not in planned:
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


def carriers(timeline: Timeline) -> list[int]:
    """Per step, the index of the event whose run sends the step's message in quiet text mode:
    the get-ready for step 1, the release that ends the step before, else its announcement."""
    found: dict[int, int] = {}
    events = timeline.events
    for index, event in enumerate(events):
        if event.kind is CueKind.PREPARE:
            found.setdefault(1, index)
        elif event.kind is CueKind.RELEASE and event.step is not None:
            if not is_final_release(timeline, index) and ends_step(timeline, index):
                found.setdefault(event.step + 1, index)
        elif event.kind is CueKind.ANNOUNCE and event.step is not None:
            found.setdefault(event.step, index)
    return [found[step] for step in range(1, timeline.step_count + 1)]


def quiet_calls(routine: Routine, timeline: Timeline) -> list[tuple[int, str, str]]:
    """The Bot API calls quiet text mode makes for one session, as (event index, "send" or
    "edit", text): what the baseline sends at the same planned times."""
    calls: list[tuple[int, str, str]] = []
    events = timeline.events
    count = len(routine.steps)
    step_of = {index: step for step, index in enumerate(carriers(timeline), start=1)}
    refresh = refresh_points(timeline)
    folded: set[int] = set()
    for index, event in enumerate(events):
        kind = event.kind
        if index in step_of:
            step = step_of[index]
            if kind is CueKind.PREPARE:
                head = texts.prepare_message(routine.title, timeline.step_starts[0] - event.at_s)
            else:
                head = "" if kind is CueKind.ANNOUNCE else escape(event.text)
            body = texts.step_message(step, count, routine.steps[step - 1])
            calls.append((index, "send", f"{head}\n\n{body}" if head else body))
            if kind is CueKind.RELEASE:
                folded.update(folded_after_release(timeline, index))
        elif kind is CueKind.ANNOUNCE or index in folded:
            continue
        elif kind is CueKind.RELEASE:
            if is_final_release(timeline, index):
                continue  # said on top of the closing message
            folded.update(folded_after_release(timeline, index))
            calls.append((index, "send", escape(event.text)))
        elif kind in (CueKind.HOLD_START, CueKind.SWITCH_SIDES, CueKind.REST):
            calls.append((index, "send", escape(event.text)))
        elif kind is CueKind.COMPLETE:
            calls.append((index, "send", texts.COMPLETE))
        elif index in refresh:
            calls.append((index, "edit", escape(event.text)))
    return calls


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
    server: LeanServer, n: int, window_s: float, folder: Path, hold_s: int, database: str | None
) -> RunResult:
    """N sessions through the bot's own sessions (one asyncio timer per session)."""
    library = write_library(folder / "lib", routine_yaml(hold_s))
    settings = settings_for(server, folder, library, database)
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
        timeline = live.session.timeline
        planned[chat] = [started + timeline.events[i].at_s for i in carriers(timeline)]

    began = time.monotonic()
    await spread(n, window_s, begin)
    await wait_until(lambda: not sessions.live, 600)
    seconds = time.monotonic() - began
    await stop_app(app)
    result = measure(server.records(), planned)
    result.seconds = seconds
    return result


async def baseline_run(
    server: LeanServer, n: int, window_s: float, folder: Path, hold_s: int, database: str | None
) -> RunResult:
    """The timerbot pattern: at start, one run_once job per call of quiet text mode; the job
    sends the message (or edits the chat's step message)."""
    library = write_library(folder / "lib", routine_yaml(hold_s))
    settings = settings_for(server, folder, library, database)
    app, services = build_bot(settings, rate_limiter=False)
    await start_app(app)
    server.reset()
    queue = app.job_queue
    assert queue is not None
    routine = services.catalog.find(FIRST_CHAT, "bench-tiny")
    assert routine is not None
    planned: dict[int, list[float]] = {}

    step_message_ids: dict[int, int] = {}

    async def call(context: ContextTypes.DEFAULT_TYPE) -> None:
        job: Any = context.job
        how, text = job.data
        if how == "edit" and job.chat_id in step_message_ids:
            await context.bot.edit_message_text(
                text, chat_id=job.chat_id, message_id=step_message_ids[job.chat_id]
            )
            return
        message = await context.bot.send_message(job.chat_id, text, parse_mode=ParseMode.HTML)
        if STEP.search(text):
            step_message_ids[job.chat_id] = message.message_id

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
        timeline = plan.timeline
        events = timeline.events
        planned[chat] = [started + events[i].at_s for i in carriers(timeline)]
        calls = quiet_calls(routine, timeline)
        first, _how, text = calls[0]
        assert events[first].kind is CueKind.PREPARE
        message = await app.bot.send_message(chat, text, parse_mode=ParseMode.HTML)
        step_message_ids[chat] = message.message_id
        for index, how, text in calls[1:]:
            when = max(0.0, started + events[index].at_s - time.time())
            queue.run_once(call, when=when, chat_id=chat, name=str(chat), data=(how, text))

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
    sizes: list[int],
    repeats: int,
    window_s: float,
    kinds: list[str],
    hold_s: int,
    database: str = "sqlite",
) -> None:
    """Run product and baseline side by side for each size, `repeats` times; print medians."""
    runs: dict[tuple[str, int], list[RunResult]] = {}
    with (
        lean_server() as server,
        tempfile.TemporaryDirectory() as tmp,
        database_cluster(database) as cluster,
    ):
        for rep in range(repeats):
            for n in sizes:
                order = kinds if rep % 2 == 0 else kinds[::-1]
                for kind in order:
                    folder = Path(tmp) / f"{kind}-{n}-{rep}"
                    run = product_run if kind == "product" else baseline_run
                    with fresh_database(cluster) as url:
                        result = await run(server, n, window_s, folder, hold_s, url)
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
        f"Cue timing on {database}, step message lateness in ms, holds of {hold_s} s, starts"
        f" spread over"
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
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="where the bot stores its sessions (postgres: a throwaway local cluster)",
    )
    args = parser.parse_args()
    quiet_logs()
    sizes = args.sizes or ([100, 1000] if args.quick else [100, 1000, 5000])
    repeats = args.repeats or (1 if args.quick else 3)
    kinds = [args.only] if args.only else ["product", "baseline"]
    window_s = args.window if args.window is not None else step_length_s(args.hold)
    print(f"{len(kinds)} kinds, holds of {args.hold} s, N sessions started over {window_s:.2f} s")
    asyncio.run(main_async(sizes, repeats, window_s, kinds, args.hold, args.database))


if __name__ == "__main__":
    main()
