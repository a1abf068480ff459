"""Start-up under load: time from launching `guide-bot run` until it answers a /help.

The database holds 100,000 reminders (spread over the day, none due) and 10,000 sessions in
progress of the shipped routines (text mode, most running at random points of their plan, one in
ten paused), stored as a bot that stopped a moment ago left them. A user's /help is queued on the
lean server at the moment of launch; the figure is the server's arrival time of the answer minus
the launch time. The bot runs as a user runs it: `guide-bot run --base-url ...` in its own
process (imports, schema check, restore of the sessions, reminders armed, polling), with the
rate limiter on. Also printed: the messages the restore had sent to session chats by then, and
the CPU time the bot process had used (the work done until the answer, which a shared machine's
load changes far less than the wall time).

    python bench/bench_startup.py            # 100,000 reminders, 10,000 sessions; 3 runs
    python bench/bench_startup.py --quick    # 10,000 reminders, 1,000 sessions; 1 run
    python bench/bench_startup.py --database postgres   # the same on PostgreSQL

With `--database postgres` the database is a throwaway PostgreSQL cluster (Debian's server
binaries, started as the tests start theirs: tests/pg.py), a fresh database per run, and the bot
gets it as GUIDE_BOT_DATABASE_URL.

`--previous` says what the previous bot left behind, as `guide-bot run` leaves it:
- `stopped` (the default; a restart or a deploy): each session's step view (the id of its step
  message, so the restart edits it; telegram/step_view.py), the file_ids of the step pictures it
  had sent (media table), and on PostgreSQL its leadership heartbeat cleared (the new bot leads at
  once);
- `killed` (kill -9): the same, but its last heartbeat is the moment it stopped, so on PostgreSQL
  the new bot waits out the rest of the 3 s leadership grace;
- `none`: sessions without step views and no picture ids or heartbeat (a database from before
  those were stored: every session's next refresh sends a new step message, pictures are drawn
  and uploaded, and PostgreSQL waits the whole grace). The figures before 7 December were taken
  this way.
`--profile FILE` runs the bot under cProfile (the last run's
statistics are written to FILE when the bot stops; the figure then includes cProfile's cost).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from common import (
    TOKEN,
    LeanServer,
    database_cluster,
    fresh_database,
    lean_server,
    machine,
    median,
    quiet_logs,
    settings_for,
    table,
)
from pg import PgCluster
from sqlalchemy import insert

from guide_bot.bootstrap import open_database
from guide_bot.domain.session import SessionMachine
from guide_bot.library.loader import load_routines
from guide_bot.paths import shipped_library_dir
from guide_bot.reminders.rows import ReminderRow, days_to_mask
from guide_bot.reminders.rules import ReminderRule, next_fire
from guide_bot.sessions.plans import build_plan
from guide_bot.storage.base import make_engine
from guide_bot.storage.leader_beats import LeaderBeatRow
from guide_bot.storage.leadership import leadership_name
from guide_bot.storage.media import MediaFileRow
from guide_bot.storage.sessions import StoredSessionRow
from guide_bot.storage.users import UserRow, UserSettings
from guide_bot.telegram.pictures import picture_key

HELP_CHAT = 999_999_999
FIRST_SESSION_CHAT = 30_000_000
FIRST_REMINDER_USER = 40_000_000
ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney")


def reminder_rows(count: int, now: datetime) -> list[dict[str, Any]]:
    """`count` reminders at random minutes of the day in a few zones, none due in the next hour."""
    rng = random.Random(1)
    rules: dict[tuple[int, int, str], tuple[ReminderRule, datetime]] = {}
    rows = []
    for i in range(count):
        hour, minute, zone = rng.randrange(24), rng.randrange(60), rng.choice(ZONES)
        key = (hour, minute, zone)
        if key not in rules:
            rule = ReminderRule(at=dtime(hour, minute), days=frozenset(range(7)), zone=zone)
            due = next_fire(rule, now + timedelta(hours=1))
            rules[key] = (rule, due)
        rule, due = rules[key]
        user = FIRST_REMINDER_USER + i // 2  # two reminders per user
        rows.append(
            {
                "user_id": user,
                "chat_id": user,
                "hour": hour,
                "minute": minute,
                "days_mask": days_to_mask(rule.days),
                "zone": zone,
                "routine_id": None,
                "paused": False,
                "blocked": False,
                "next_fire_utc": due,
                "due_utc": due,
                "created_utc": now,
            }
        )
    return rows


async def session_rows(
    settings: Any, count: int, stopped_at: float, previous: str = "stopped"
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`count` sessions in progress as a bot stopped at `stopped_at` left them, and the media
    rows of the step pictures it had sent (none with `previous` "none")."""
    routines = sorted(load_routines([settings.library]).routines.values(), key=lambda r: r.id)
    plans = [
        await build_plan(r, UserSettings(mode="text"), speech=None, defaults=settings, now=0.0)
        for r in routines
    ]
    rng = random.Random(2)
    stopped = datetime.fromtimestamp(stopped_at, UTC)
    rows = []
    for i in range(count):
        which = i % len(routines)
        plan = plans[which]
        session = SessionMachine(plan.timeline)
        started = stopped_at - rng.uniform(0, 0.95 * plan.timeline.total_s)
        session.start(started)
        session.advance(stopped_at)
        if i % 10 == 0:
            session.pause(stopped_at)
        chat = FIRST_SESSION_CHAT + i
        step = session.position(stopped_at).step
        view = None
        if previous != "none":  # what the chat shows: the step message, edited from here on
            shown = step or 1
            view = {
                "message_id": 1_000_000 + i,
                "step": shown,
                "caption": routines[which].steps[shown - 1].where is not None,
                "early": step is None,
                "latest": "",
                "said": [],
            }
        rows.append(
            {
                "chat_id": chat,
                "user_id": chat,
                "session_id": f"{i:08x}",
                "version": 1,
                "routine_id": routines[which].id,
                "mode": "text",
                "state": session.to_dict(),
                "plan": plan.inputs,
                "controls_message_id": 1,
                "pain_before": None,
                "speech_failed": False,
                "started_at": datetime.fromtimestamp(started, UTC),
                "updated_at": stopped,
                "step_view": view,
            }
        )
    media = []
    if previous != "none":  # every step picture was sent once before and is kept by file_id
        for which, routine in enumerate(routines):
            length = str(plans[which].inputs.get("length", "standard"))
            for index, shown in enumerate(routine.steps):
                if shown.where is not None:
                    key = picture_key(routine, index, length, [])
                    media.append({"audio_key": key, "file_id": f"bench-picture-{len(media)}"})
    return rows, media


def user_rows(chats: range, now: datetime) -> list[dict[str, Any]]:
    """Text-mode, screened users for the session chats."""
    screening = {"wound_fracture": False, "medical": False, "pregnancy_bones_blood": False}
    return [
        {
            "user_id": c,
            "chat_id": c,
            "created_at": now,
            "mode": "text",
            "screening": screening,
            "screened_at": now,
        }
        for c in chats
    ]


async def prepare(
    server: LeanServer,
    folder: Path,
    reminders: int,
    sessions: int,
    database_url: str | None,
    previous: str = "stopped",
) -> float:
    """Fill a fresh database; returns the time the 'previous bot' stopped (epoch s)."""
    settings = settings_for(server, folder, shipped_library_dir(), database_url)
    open_database(settings)  # creates the schema
    engine = make_engine(settings.resolved_database_url())
    now = datetime.now(UTC)
    with engine.begin() as db:
        db.execute(insert(ReminderRow), reminder_rows(reminders, now))
    stopped_at = time.time()
    rows, media = await session_rows(settings, sessions, stopped_at, previous)
    chats = range(FIRST_SESSION_CHAT, FIRST_SESSION_CHAT + sessions)
    with engine.begin() as db:
        db.execute(insert(UserRow), user_rows(chats, now))
        db.execute(insert(StoredSessionRow), rows)
        if media:
            db.execute(insert(MediaFileRow), media)
        if engine.dialect.name == "postgresql" and previous != "none":  # the last leader's beat
            beat = None if previous == "stopped" else datetime.fromtimestamp(stopped_at, UTC)
            name = leadership_name(TOKEN)
            db.execute(insert(LeaderBeatRow), [{"name": name, "holder": "bench", "beat_at": beat}])
    engine.dispose()
    return stopped_at


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process used so far: the work, whatever the machine's load."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def one_run(
    server: LeanServer,
    reminders: int,
    sessions: int,
    cluster: PgCluster | None = None,
    profile: Path | None = None,
    previous: str = "stopped",
) -> dict[str, float]:
    """Prepare, launch `guide-bot run`, wait for the /help answer; returns the figures."""
    with tempfile.TemporaryDirectory() as tmp, fresh_database(cluster) as database_url:
        folder = Path(tmp)
        stopped_at = await prepare(server, folder, reminders, sessions, database_url, previous)
        server.reset()
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "GUIDE_BOT_DATA_DIR": str(folder),
            "GUIDE_BOT_TTS": "espeak",
            "GUIDE_BOT_AUDIO_CACHE": str(folder / "audio"),
        }
        env.pop("GUIDE_BOT_DATABASE_URL", None)
        if database_url is not None:
            env["GUIDE_BOT_DATABASE_URL"] = database_url
        launcher = [str(Path(sys.executable).parent / "guide-bot")]
        if profile is not None:
            launcher = [sys.executable, "-m", "cProfile", "-o", str(profile), *launcher]
        command = [
            *launcher,
            "run",
            "--base-url",
            server.base_url,
            "--log-level",
            "WARNING",
        ]
        log = (folder / "bot.log").open("wb")
        launched = time.time()
        await server.inject(HELP_CHAT, "/help")
        # the bot runs on while this loop polls the server: a blocking Popen is what is wanted
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: ASYNC220
        answered = None
        cpu_s = float("nan")
        restore_sends = 0
        try:
            deadline = time.monotonic() + 900
            while answered is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
                if process.poll() is not None:
                    raise RuntimeError(
                        f"the bot exited: {(folder / 'bot.log').read_text()[-2000:]}"
                    )
                for at, method, chat, _head, _up, status in server.records():
                    if method == "sendMessage" and status == 200 and chat == HELP_CHAT:
                        answered = at
                        cpu_s = cpu_seconds(process.pid)
                        break
            records = server.records()
            restore_sends = sum(
                1
                for at, m, chat, *_ in records
                if chat >= FIRST_SESSION_CHAT and m.startswith(("send", "edit"))
                and at <= (answered or at)
            )  # fmt: skip
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()
    if answered is None:
        raise RuntimeError("no answer to /help within the limit")
    return {
        "startup_s": answered - launched,
        "cpu_s": cpu_s,
        "downtime_s": launched - stopped_at,
        "restore_sends": restore_sends,
    }


async def main_async(
    reminders: int,
    sessions: int,
    runs: int,
    database: str,
    profile: Path | None,
    previous: str = "stopped",
) -> None:
    """Run and print the medians."""
    results = []
    with lean_server() as server, database_cluster(database) as cluster:
        for run in range(runs):
            result = await one_run(server, reminders, sessions, cluster, profile, previous)
            results.append(result)
            print(
                f"  run {run + 1}/{runs}: /help answered {result['startup_s']:.2f} s after launch"
                f" (bot CPU until then {result['cpu_s']:.2f} s)"
                f" ({int(result['restore_sends'])} restore messages sent before it; the previous"
                f" bot stopped {result['downtime_s']:.1f} s before launch)",
                flush=True,
            )
    print()
    how = f", previous bot {previous}"
    print(f"Start-up on {database}{how} (median of {runs} runs) - {machine()}")
    rows = [
        [
            f"{reminders:,}",
            f"{sessions:,}",
            f"{median(r['startup_s'] for r in results):.2f}",
            f"{median(r['cpu_s'] for r in results):.2f}",
            f"{median(r['restore_sends'] for r in results):.0f}",
        ]
    ]
    print(
        table(
            [
                "reminders",
                "sessions",
                "s until /help answered",
                "bot CPU s until then",
                "restore messages before it",
            ],
            rows,
        )
    )


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 reminders, 1,000 sessions")
    parser.add_argument("--reminders", type=int, default=None)
    parser.add_argument("--sessions", type=int, default=None)
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="where the bot stores its data (postgres: a throwaway local cluster)",
    )
    parser.add_argument(
        "--previous",
        choices=("stopped", "killed", "none"),
        default="stopped",
        help="what the previous bot left: stopped cleanly, killed, or none (older database)",
    )
    parser.add_argument("--profile", type=Path, default=None, help="cProfile output of the bot")
    args = parser.parse_args()
    quiet_logs()
    reminders = args.reminders or (10_000 if args.quick else 100_000)
    sessions = args.sessions or (1_000 if args.quick else 10_000)
    runs = args.runs or (1 if args.quick else 3)
    asyncio.run(main_async(reminders, sessions, runs, args.database, args.profile, args.previous))


if __name__ == "__main__":
    main()
