"""The step scheduler on asyncio's timers (sessions/timers.py), on a fake clock: no sleeps.

`FakeTimers` stands in for the loop's `call_later` and fires what falls due as the test moves the
clock; the runs themselves go in real asyncio tasks, as in the bot. The real loop's timers are
exercised end to end by tests/bot/test_run.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from guide_bot.domain.clock import FakeClock
from guide_bot.sessions.timers import LoopScheduler


@dataclass
class FakeTimer:
    at: float
    callback: Callable[..., object]
    args: tuple[Any, ...]
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


@dataclass
class FakeTimers:
    """`call_later` on a FakeClock: timers fire, in time order, when the test moves the clock."""

    clock: FakeClock
    timers: list[FakeTimer] = field(default_factory=list)

    def call_later(self, delay: float, callback: Callable[..., object], *args: Any) -> FakeTimer:
        timer = FakeTimer(self.clock.now() + delay, callback, args)
        self.timers.append(timer)
        return timer

    def armed(self) -> list[FakeTimer]:
        return [t for t in self.timers if not t.cancelled]

    async def advance(self, scheduler: LoopScheduler, seconds: float) -> None:
        until = self.clock.now() + seconds
        while due := sorted((t for t in self.armed() if t.at <= until), key=lambda t: t.at):
            timer = due[0]
            self.timers.remove(timer)
            self.clock.set(max(self.clock.now(), timer.at))
            timer.callback(*timer.args)
            await scheduler.idle()
        self.clock.set(until)


def make() -> tuple[FakeClock, FakeTimers, LoopScheduler, list[tuple[int, float]]]:
    clock = FakeClock(1_000.0)
    timers = FakeTimers(clock)
    return clock, timers, LoopScheduler(clock, call_later=timers.call_later), []


async def test_runs_each_chat_at_its_time_and_in_time_order() -> None:
    clock, timers, scheduler, ran = make()

    async def run(chat_id: int) -> None:
        ran.append((chat_id, clock.now()))

    scheduler.schedule(1, 1_010.0, run)
    scheduler.schedule(2, 1_004.0, run)
    scheduler.schedule(3, 999.0, run)  # already due: at once, not dropped
    assert scheduler.pending() == {1: 1_010.0, 2: 1_004.0, 3: 999.0}
    await timers.advance(scheduler, 5)
    assert ran == [(3, 1_000.0), (2, 1_004.0)]
    await timers.advance(scheduler, 5)
    assert ran[2:] == [(1, 1_010.0)]
    assert scheduler.pending() == {}


async def test_scheduling_again_replaces_the_pending_run() -> None:
    clock, timers, scheduler, ran = make()

    async def run(chat_id: int) -> None:
        ran.append((chat_id, clock.now()))

    scheduler.schedule(7, 1_003.0, run)
    scheduler.schedule(7, 1_006.0, run)
    assert len(timers.armed()) == 1  # never two timers for one chat
    assert scheduler.pending() == {7: 1_006.0}
    await timers.advance(scheduler, 10)
    assert ran == [(7, 1_006.0)]


async def test_cancel_forgets_the_run() -> None:
    _clock, timers, scheduler, ran = make()

    async def run(chat_id: int) -> None:
        ran.append((chat_id, 0.0))

    scheduler.schedule(7, 1_003.0, run)
    scheduler.cancel(7)
    scheduler.cancel(8)  # nothing pending: no error
    await timers.advance(scheduler, 10)
    assert ran == []
    assert timers.armed() == []


async def test_a_run_schedules_the_next_as_the_session_service_does() -> None:
    clock, timers, scheduler, ran = make()

    async def run(chat_id: int) -> None:
        ran.append((chat_id, clock.now()))
        if len(ran) < 3:
            scheduler.schedule(chat_id, clock.now() + 2.5, run)

    scheduler.schedule(5, 1_001.0, run)
    await timers.advance(scheduler, 60)
    assert ran == [(5, 1_001.0), (5, 1_003.5), (5, 1_006.0)]
    assert scheduler.pending() == {}


async def test_a_failing_run_is_logged_and_other_chats_go_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock, timers, scheduler, ran = make()

    words = "private words of a user"

    async def broken(_chat_id: int) -> None:
        raise ValueError(words)

    async def run(chat_id: int) -> None:
        ran.append((chat_id, clock.now()))

    scheduler.schedule(1, 1_001.0, broken)
    scheduler.schedule(2, 1_002.0, run)
    with caplog.at_level(logging.ERROR):
        await timers.advance(scheduler, 5)
    assert ran == [(2, 1_002.0)]
    assert "chat 1: a scheduled session run failed: ValueError" in caplog.text
    assert "private words" not in caplog.text  # never what users write


async def test_stop_cancels_pending_runs_waits_for_running_ones_and_refuses_new() -> None:
    clock, timers, scheduler, ran = make()
    release = asyncio.Event()

    async def slow(chat_id: int) -> None:
        await release.wait()
        ran.append((chat_id, clock.now()))
        scheduler.schedule(chat_id, clock.now() + 1, slow)  # a run in progress schedules on

    scheduler.schedule(1, 1_001.0, slow)
    scheduler.schedule(2, 1_050.0, slow)
    due = next(t for t in timers.armed() if t.at == 1_001.0)
    timers.timers.remove(due)
    clock.set(1_001.0)
    due.callback(*due.args)  # chat 1's run starts and waits
    assert scheduler.running == 1
    stopping = asyncio.create_task(scheduler.stop())
    await asyncio.sleep(0)
    assert not stopping.done()  # waits for the run in progress
    release.set()
    await stopping
    assert ran == [(1, 1_001.0)]
    assert scheduler.pending() == {}  # chat 2's run was cancelled, chat 1's next refused
    assert timers.armed() == []
    await timers.advance(scheduler, 100)
    assert ran == [(1, 1_001.0)]
