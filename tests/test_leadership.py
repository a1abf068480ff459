"""Leadership (guide_bot/storage/leadership.py) with real processes on a real PostgreSQL: one
leads, a standby takes over within 10 s of a kill -9, and a leader whose connection is cut stops at
once; on SQLite a file lock keeps a second process waiting."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from guide_bot.storage.base import make_engine
from guide_bot.storage.leadership import (
    FileLeadership,
    PostgresLeadership,
    SoleLeadership,
    leadership_name,
    lock_key,
    make_leadership,
)
from guide_bot.storage.schema import create_or_migrate
from guide_bot.storage.user_data import load_all_tables

WORKER = Path(__file__).with_name("leadership_worker.py")


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    events: Path

    def event(self, kind: str) -> list[str] | None:
        if not self.events.exists():
            return None
        for line in self.events.read_text(encoding="utf-8").splitlines():
            if line.startswith(kind + " "):
                return line.split()[1:]
        return None


def wait_for(predicate: object, timeout: float) -> None:
    assert callable(predicate)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout} s")


@pytest.fixture
def beats_url(pg_url: str) -> str:
    """A fresh PostgreSQL database at the newest schema (with `leader_beats`), as `guide-bot run`
    leaves it before it waits to lead."""
    load_all_tables()
    engine = make_engine(pg_url)
    create_or_migrate(engine)
    engine.dispose()
    return pg_url


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg", "postgresql")


@pytest.fixture
def workers(beats_url: str, tmp_path: Path) -> Iterator[list[Worker]]:
    pg_url = beats_url
    started: list[Worker] = []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for n in range(3):
        events = tmp_path / f"events-{n}"
        process = subprocess.Popen(
            [sys.executable, str(WORKER), pg_url, str(events), str(tmp_path / "heartbeats")],
            env=env,
        )
        started.append(Worker(process, events))
    yield started
    for worker in started:
        if worker.process.poll() is None:
            worker.process.kill()
        worker.process.wait(timeout=10)


def leaders(workers: list[Worker]) -> list[Worker]:
    return [
        w for w in workers if w.event("leader") and not w.event("lost") and w.process.poll() is None
    ]


def heartbeats(path: Path) -> list[tuple[int, float]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(int(pid), float(at)) for pid, at in (line.split() for line in lines if line.strip())]


def test_a_standby_takes_over_after_kill_and_a_cut_leader_stops(
    workers: list[Worker], pg_cluster: object, beats_url: str, tmp_path: Path
) -> None:
    pg_url = beats_url
    wait_for(lambda: len(leaders(workers)) == 1, timeout=20)
    time.sleep(0.5)
    assert len(leaders(workers)) == 1  # exactly one leads; the others wait

    first = leaders(workers)[0]
    killed_at = time.time()
    first.process.send_signal(signal.SIGKILL)
    wait_for(lambda: len(leaders(workers)) == 1 and first not in leaders(workers), timeout=10)
    second = leaders(workers)[0]
    takeover_s = float(second.event("leader")[0]) - killed_at  # type: ignore[index]
    print(f"takeover after kill -9: {takeover_s:.2f} s")
    assert takeover_s < 10

    backend = int(second.event("leader")[1])  # type: ignore[index]
    dbname = pg_url.rsplit("/", 1)[1]
    with psycopg.connect(pg_url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as db:
        cut_at = time.time()
        db.execute("SELECT pg_terminate_backend(%s)", (backend,))
    wait_for(lambda: second.event("lost") is not None, timeout=5)
    stopped_s = float(second.event("lost")[0]) - cut_at  # type: ignore[index]
    print(f"cut leader stopped after: {stopped_s:.2f} s ({dbname})")
    assert stopped_s < 3  # one probe interval (1 s) plus its timeout at most
    assert second.process.wait(timeout=5) == 3

    wait_for(lambda: len(leaders(workers)) == 1, timeout=10)  # the last standby takes over
    third = leaders(workers)[0]
    assert third not in (first, second)

    beats = heartbeats(tmp_path / "heartbeats")
    by_pid: dict[int, list[float]] = {}
    for pid, at in beats:
        by_pid.setdefault(pid, []).append(at)
    order = [first, second, third]
    for before, after in itertools.pairwise(order):
        # never two leaders at once: each one's heartbeats end before the next one's begin
        assert max(by_pid[before.process.pid]) < min(by_pid[after.process.pid])


def test_the_lock_name_is_the_bots_public_id_only() -> None:
    assert leadership_name("123456:secret-part") == "guide-bot:123456"
    assert "secret" not in leadership_name("123456:secret-part")
    assert leadership_name("not-a-token") == "guide-bot"


def test_lock_keys_are_stable_and_distinct() -> None:
    assert lock_key("guide-bot") == lock_key("guide-bot")
    assert lock_key("guide-bot") != lock_key("other-bot")
    assert -(2**63) <= lock_key("guide-bot") < 2**63


def test_the_url_picks_the_kind(tmp_path: Path) -> None:
    assert isinstance(make_leadership("postgresql+psycopg://u@h/db"), PostgresLeadership)
    assert isinstance(make_leadership(f"sqlite:///{tmp_path / 'b.sqlite3'}"), FileLeadership)
    assert isinstance(make_leadership("sqlite:///:memory:"), SoleLeadership)


async def test_on_sqlite_a_second_process_waits_for_the_file_lock(tmp_path: Path) -> None:
    first = FileLeadership(tmp_path / "db.sqlite3.leader.lock", poll_s=0.01)
    second = FileLeadership(tmp_path / "db.sqlite3.leader.lock", poll_s=0.01)
    await first.wait_until_leader()
    assert first.check()
    waiting = asyncio.create_task(second.wait_until_leader())
    await asyncio.sleep(0.05)
    assert not waiting.done()
    assert not second.check()
    await first.release()
    await asyncio.wait_for(waiting, 1)
    assert second.check()
    watch = asyncio.create_task(second.watch(lambda: asyncio.sleep(0)))
    await second.release()
    await asyncio.wait_for(watch, 1)  # released: the watch ends, nothing was lost


async def test_an_unreachable_database_is_waited_for_not_led(pg_url: str) -> None:
    from pg import free_port

    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nowhere"
    leadership = PostgresLeadership(url, poll_s=0.05, timeout_s=0.5, grace_s=0)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(leadership.wait_until_leader(), 0.5)
    assert not leadership.check()


async def test_a_leader_on_a_live_connection_keeps_leading_and_releases(beats_url: str) -> None:
    one = PostgresLeadership(beats_url, name="t", check_s=0.05, grace_s=0)
    two = PostgresLeadership(beats_url, name="t", poll_s=0.05, grace_s=0)
    await one.wait_until_leader()
    lost: list[bool] = []

    async def on_lost() -> None:
        lost.append(True)

    watch = asyncio.create_task(one.watch(on_lost))
    waiting = asyncio.create_task(two.wait_until_leader())
    await asyncio.sleep(0.3)
    assert one.check()
    assert not waiting.done()
    await one.release()  # a clean stop hands over at once
    await asyncio.wait_for(waiting, 2)
    await asyncio.wait_for(watch, 2)
    assert lost == []  # released on purpose is not "lost"
    assert two.check()
    await two.release()


def beat_of(url: str, name: str) -> tuple[str, object] | None:
    with psycopg.connect(libpq(url), autocommit=True) as db:
        row = db.execute("SELECT holder, beat_at FROM leader_beats WHERE name = %s", (name,))
        found = row.fetchone()
        return None if found is None else (found[0], found[1])


async def test_after_a_clean_stop_the_next_leader_leads_at_once(beats_url: str) -> None:
    """The leader's probes are heartbeats; a clean stop clears its heartbeat before it lets the
    lock go, so the standby has nothing to wait for (a restart or deploy costs no grace)."""
    one = PostgresLeadership(beats_url, name="b", check_s=0.05, grace_s=30)
    assert beat_of(beats_url, "b") is None
    first_wait = asyncio.create_task(one.wait_until_leader())
    await asyncio.sleep(0.3)
    assert not first_wait.done()  # no heartbeat on record: the whole grace
    first_wait.cancel()
    await one.release()

    one = PostgresLeadership(beats_url, name="b", check_s=0.05, grace_s=0)
    await one.wait_until_leader()  # grace 0: leads, and writes its first heartbeat
    holder, beat_at = beat_of(beats_url, "b")  # type: ignore[misc]
    assert holder == one.holder
    assert beat_at is not None

    two = PostgresLeadership(beats_url, name="b", poll_s=0.05, grace_s=30)
    waiting = asyncio.create_task(two.wait_until_leader())
    await asyncio.sleep(0.2)
    assert not waiting.done()  # the lock is held
    await one.release()
    assert beat_of(beats_url, "b") == (one.holder, None)
    await asyncio.wait_for(waiting, 2)  # far less than the grace of 30 s
    assert two.check()
    await two.release()


async def test_after_a_leader_vanishes_the_next_waits_out_its_last_heartbeat(
    beats_url: str,
) -> None:
    """A leader whose session ends without a clean stop (killed, or cut off) may believe it
    leads until its last heartbeat + grace: the next one waits exactly that, by the database's
    clock, and no longer."""
    one = PostgresLeadership(beats_url, name="v", grace_s=0)
    await one.wait_until_leader()
    pid = one.backend_pid
    with psycopg.connect(libpq(beats_url), autocommit=True) as db:
        db.execute("SELECT pg_terminate_backend(%s)", (pid,))

    two = PostgresLeadership(beats_url, name="v", poll_s=0.05, grace_s=5)
    two._conn = await two._connect()
    locked = await two._conn.execute("SELECT pg_try_advisory_lock(%s)", (two.key,))
    assert (await locked.fetchone()) == (True,)
    wait_s = await two._wait_after_lock()
    assert 3.5 < wait_s <= 5  # 5 s after a heartbeat written a moment ago
    with psycopg.connect(libpq(beats_url), autocommit=True) as db:
        db.execute("UPDATE leader_beats SET beat_at = now() - interval '4 seconds'")
    assert 0.5 < await two._wait_after_lock() <= 1.0
    with psycopg.connect(libpq(beats_url), autocommit=True) as db:
        db.execute("UPDATE leader_beats SET beat_at = now() - interval '1 hour'")
    assert await two._wait_after_lock() == 0  # long dead
    await two.release()
    await one.release()
