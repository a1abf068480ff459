"""The overall pace of the rate limiter (guide_bot/telegram/ratelimit.py `EvenPace`).

Telegram counts a bot's messages per second; AIORateLimiter's bucket of 30 that starts full let
bursts through that put up to 60 into one second, and each extra one came back as a 429 with a
1 s wait (issue 18, item 5). Real time: the spacing is what is measured.
"""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from guide_bot.telegram.ratelimit import ChatRateLimiter, EvenPace

SLACK_S = 0.004  # timer resolution between the pace's clock and time.monotonic()


async def _released(pace: EvenPace, count: int, stall_after: int | None = None) -> list[float]:
    """Times at which `count` tasks, all asking at once, get through the pace."""
    times: list[float] = []

    async def one() -> None:
        async with pace:
            times.append(time.monotonic())
            if stall_after is not None and len(times) == stall_after:
                time.sleep(0.4)  # noqa: ASYNC251 - the event loop blocked: all waiters overdue

    await asyncio.gather(*(one() for _ in range(count)))
    return times


def _most_in_one_second(times: list[float]) -> int:
    return max(sum(1 for t in times if start <= t < start + 1.0 - SLACK_S) for start in times)


async def test_a_burst_goes_out_evenly_never_more_than_30_in_a_second() -> None:
    pace = EvenPace(30)
    times = await _released(pace, 45)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= pace.interval - pace.tolerance - SLACK_S  # no two at once
    assert _most_in_one_second(times) <= 30
    took = times[-1] - times[0]
    assert 44 * pace.interval - pace.tolerance - SLACK_S <= took < 44 * pace.interval + 0.5
    assert 29 * (took / 44) == pytest.approx(1.0, abs=0.05)  # 29 a second: near the 30 floor


async def test_a_stalled_loop_is_not_made_up_with_a_burst() -> None:
    pace = EvenPace(30)
    times = await _released(pace, 40, stall_after=5)
    assert _most_in_one_second(times) <= 30
    after = times[5:]
    gaps = [b - a for a, b in itertools.pairwise(after)]
    assert min(gaps) >= pace.interval - pace.tolerance - SLACK_S


async def test_the_bots_limiter_paces_evenly_and_an_unpaced_one_not_at_all() -> None:
    assert isinstance(ChatRateLimiter(max_retries=1)._base_limiter, EvenPace)
    assert ChatRateLimiter(max_retries=1, overall_max_rate=0)._base_limiter is None


def test_a_pace_of_one_or_less_is_refused() -> None:
    with pytest.raises(ValueError, match="per_second must be above 1"):
        EvenPace(1)
