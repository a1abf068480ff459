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

from guide_bot.storage.leadership import (
    FileLeadership,
    PostgresLeadership,
    SoleLeadership,
    leadership_name,
    lock_key,
    make_leadership,
)

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
def workers(pg_url: str, tmp_path: Path) -> Iterator[list[Worker]]:
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
    workers: list[Worker], pg_cluster: object, pg_url: str, tmp_path: Path
) -> None:
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


async def test_a_leader_on_a_live_connection_keeps_leading_and_releases(pg_url: str) -> None:
    one = PostgresLeadership(pg_url, name="t", check_s=0.05, grace_s=0)
    two = PostgresLeadership(pg_url, name="t", poll_s=0.05, grace_s=0)
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
