"""The clocks: the system one reads epoch seconds, the fake one moves only when told."""

from __future__ import annotations

import time

import pytest

from guide_bot.domain.clock import Clock, FakeClock, SystemClock


def test_system_clock_reads_epoch_seconds() -> None:
    clock: Clock = SystemClock()
    before = time.time()
    now = clock.now()
    assert before <= now <= time.time()


def test_fake_clock_moves_only_when_told() -> None:
    clock: Clock = FakeClock(100.0)
    assert clock.now() == 100.0
    assert isinstance(clock, FakeClock)
    assert clock.advance(2.5) == 102.5
    assert clock.now() == 102.5
    clock.set(50)
    assert clock.now() == 50.0
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)
