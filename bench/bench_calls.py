"""API calls and upload bytes per step: a first session and a repeated one, per delivery mode.

A shipped routine is run start to end through the real bot (sessions, presenter, voice notes,
sender, PTB's HTTP stack) against the lean server; time is a fake clock moved by the manual
scheduler, so the run takes seconds, not the routine's length. Speech is espeak-ng (offline).
Counted on the server, for each session: every Bot API call made for that chat (the get-ready,
steps, cue messages, the closing message and keyboard edit) and the bytes of files uploaded,
divided by the routine's steps.

Sessions, in order, on one bot with one audio cache and one database:
  first     - user A's first session (nothing cached, nothing uploaded yet)
  repeated  - user A runs the same routine again (voice notes re-sent by file_id)
  other     - user B's first session of it (the notes are the same audio: also by file_id)

In hands-free mode the user taps Done when the bot asks, a minute after the track's end.

    python bench/bench_calls.py                 # neck-release; voice, text, both, hands; 3 runs
    python bench/bench_calls.py --quick         # voice and text; 1 run
    python bench/bench_calls.py --modes both --runs 1   # some modes only
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from common import (
    TOKEN,
    LeanServer,
    lean_server,
    machine,
    median,
    quiet_logs,
    start_app,
    stop_app,
    table,
)

from guide_bot.bootstrap import build_bot
from guide_bot.config import Settings
from guide_bot.domain.clock import FakeClock
from guide_bot.paths import shipped_library_dir
from guide_bot.sessions.scheduling import ManualScheduler
from guide_bot.telegram.context import App

USER_A, USER_B = 60_000_001, 60_000_002
SESSIONS = (("first", USER_A), ("repeated", USER_A), ("other", USER_B))
ALL_MODES = ("voice", "text", "both", "hands")


async def run_mode(server: LeanServer, mode: str, routine_id: str, folder: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    """The three sessions in one delivery mode; per session: calls, uploads, methods."""
    settings = Settings(
        token=TOKEN,
        base_url=server.base_url,
        data_dir=folder,
        database_url=None,
        library=shipped_library_dir(),
        tts="espeak",
        audio_cache=folder / "audio",
    )
    clock = FakeClock(start=datetime(2026, 1, 5, 9, 0, tzinfo=UTC).timestamp())
    holder: dict[str, ManualScheduler] = {}

    def manual(_app: App) -> ManualScheduler:
        holder["s"] = ManualScheduler(clock)
        return holder["s"]

    bot = build_bot(settings, clock=clock, scheduler=manual, rate_limiter=False, features=())
    app, services = bot.app, bot.services
    scheduler = holder["s"]
    await start_app(app)
    sessions = services.sessions
    routine = services.catalog.find(USER_A, routine_id)
    assert routine is not None
    for user in (USER_A, USER_B):
        services.users.ensure(user, user, services.now_utc())
        services.users.change_settings(user, mode=mode)
    results: dict[str, dict] = {}  # type: ignore[type-arg]
    for name, user in SESSIONS:
        server.reset()
        live = await sessions.start(user, user, routine, None)
        while sessions.get(user) is not None:
            await scheduler.run_for(30.0)
            if live.hands_free and live.report_asked:  # the user taps Done when asked
                await sessions.report(user, completed=True)
        records = [r for r in server.records() if r[2] == user]
        methods = collections.Counter(r[1] for r in records)
        results[name] = {
            "calls": len(records),
            "upload": sum(r[4] for r in records),
            "methods": dict(methods),
            "steps": len(routine.steps),
            "mode_used": "hands" if live.hands_free else "voice" if live.voice else "text",
        }
    await stop_app(app)
    return results


async def main_async(routine_id: str, modes: list[str], runs: int) -> None:
    """Each mode `runs` times (fresh database and audio cache each); print medians."""
    collected: dict[tuple[str, str], list[dict]] = {}  # type: ignore[type-arg]
    with lean_server() as server:
        for run in range(runs):
            for mode in modes:
                with tempfile.TemporaryDirectory() as tmp:
                    results = await run_mode(server, mode, routine_id, Path(tmp))
                for name, result in results.items():
                    collected.setdefault((mode, name), []).append(result)
                    print(
                        f"  run {run + 1}/{runs} {mode:5} {name:8}: {result['calls']} calls,"
                        f" {result['upload']:,} bytes uploaded, {result['steps']} steps"
                        f" ({result['mode_used']}) {result['methods']}",
                        flush=True,
                    )
    rows = []
    for mode in modes:
        for name, _user in SESSIONS:
            rs = collected[(mode, name)]
            steps = rs[0]["steps"]
            calls = median(r["calls"] for r in rs)
            upload = median(r["upload"] for r in rs)
            sends = median(
                sum(n for m, n in r["methods"].items() if m.startswith("send")) for r in rs
            )
            rows.append(
                [
                    mode,
                    name,
                    f"{calls / steps:.2f}",
                    f"{sends / steps:.2f}",
                    f"{upload / steps / 1024:.1f}",
                    f"{calls:.0f}",
                    f"{upload / 1024:.1f}",
                ]
            )
    print()
    print(f"API calls and uploads per step, {routine_id} (median of {runs} runs) - {machine()}")
    headers = [
        "mode",
        "session",
        "calls/step",
        "sends/step",
        "upload KB/step",
        "calls/session",
        "upload KB/session",
    ]
    print(table(headers, rows))


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="voice and text, one run")
    parser.add_argument("--routine", default="neck-release")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument(
        "--modes", nargs="+", choices=ALL_MODES, default=None, help="these modes only"
    )
    args = parser.parse_args()
    quiet_logs()
    modes = args.modes or (["voice", "text"] if args.quick else list(ALL_MODES))
    runs = args.runs or (1 if args.quick else 3)
    asyncio.run(main_async(args.routine, modes, runs))


if __name__ == "__main__":
    main()
