"""Routines, timelines and a fake clock for the domain tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from routine_builder import build_routine

from guide_bot.domain.clock import FakeClock
from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import Timeline, plan

RoutineFactory = Callable[..., Routine]


@pytest.fixture
def make_routine() -> RoutineFactory:
    """The `build_routine` factory, for tests that need their own routine."""
    return build_routine


@pytest.fixture
def clock() -> FakeClock:
    """A fake wall clock at an epoch-sized time, so float rounding is exercised."""
    return FakeClock(1_800_000_000.25)


@pytest.fixture
def two_steps() -> Timeline:
    """Step 1: 30 s per side, left and right, 5 s rest; step 2: one 20 s hold."""
    return plan(
        build_routine(
            [
                {"hold_s": 30, "sides": "left-right", "rest_s": 5},
                {"hold_s": 20},
            ]
        )
    )
