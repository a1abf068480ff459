"""Once the bot has started, the garbage collector's full passes are rarer; the young ones are
as Python sets them (guide_bot/bootstrap.py, `settle_collector`)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakebot.server import FakeBotServer

from bot.harness import build_bot, running
from guide_bot.bootstrap import FULL_PASS_EVERY


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    """The thresholds before the test, put back after it."""
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # Python's defaults
    yield gc.get_threshold()
    gc.set_threshold(*before)


async def test_a_started_bot_makes_full_collections_rarer(
    server: FakeBotServer, tmp_path: Path, test_library: Path, thresholds: tuple[int, int, int]
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    async with running(bot):
        assert gc.get_threshold() == (thresholds[0], thresholds[1], FULL_PASS_EVERY)
