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

from guide_bot.telegram.ratelimit import CAP_WINDOW_S, ChatRateLimiter, EvenPace

SLACK_S = 0.004  # timer resolution between the pace's clock and time.monotonic()


async def _released(
    pace: EvenPace, count: int, *, stall_after: int | None = None, stall_s: float = 0.0
) -> list[float]:
    """Times at which `count` tasks, all asking at once, get through the pace."""
    times: list[float] = []

    async def one() -> None:
        async with pace:
            times.append(time.monotonic())
            if len(times) == stall_after:
                time.sleep(stall_s)  # noqa: ASYNC251 - the event loop blocked: all waiters late

    await asyncio.gather(*(one() for _ in range(count)))
    return times


def _most_within(times: list[float], window_s: float) -> int:
    return max(sum(1 for t in times if start <= t < start + window_s - SLACK_S) for start in times)


def _within_telegrams_limit(times: list[float]) -> bool:
    """At most 29 in any 0.99 s, so at most 30 in any second with room for the way there."""
    return _most_within(times, CAP_WINDOW_S) <= 29 and _most_within(times, 1.0) <= 30


def _gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(times)]


async def test_a_burst_goes_out_evenly_never_more_than_30_in_a_second() -> None:
    pace = EvenPace(30)
    times = await _released(pace, 45)
    assert min(_gaps(times)) >= pace.min_gap - SLACK_S  # no two at once
    assert _within_telegrams_limit(times)
    took = times[-1] - times[0]
    assert 44 * pace.min_gap - SLACK_S <= took < 44 * pace.interval + 0.5
    # once the idle time's credit is spent, exactly the pace
    assert _gaps(times)[-1] == pytest.approx(pace.interval, abs=0.01)


async def test_a_stalled_loop_is_made_up_gently_and_never_with_a_burst() -> None:
    pace = EvenPace(30)
    times = await _released(pace, 90, stall_after=5, stall_s=0.1)
    assert min(_gaps(times)) >= pace.min_gap - SLACK_S  # catching up at 1.25 times the pace
    assert _within_telegrams_limit(times)
    took = times[-1] - times[0]
    assert took < 89 * pace.interval + 0.1 + 0.1  # the stall's time, no more
    assert _gaps(times)[5] < pace.interval - SLACK_S  # and the loop's lateness is made up


async def test_after_a_long_stall_it_goes_back_to_the_even_pace() -> None:
    pace = EvenPace(30)
    times = await _released(pace, 100, stall_after=30, stall_s=1.0)
    after = times[30:]
    assert _within_telegrams_limit(after)
    assert min(_gaps(after)) >= pace.min_gap - SLACK_S
    last = _gaps(after)[-20:]  # the credit spent: one every interval again
    assert sum(last) / len(last) == pytest.approx(pace.interval, abs=0.003)


async def test_the_bots_limiter_paces_evenly_and_an_unpaced_one_not_at_all() -> None:
    assert isinstance(ChatRateLimiter(max_retries=1)._base_limiter, EvenPace)
    assert ChatRateLimiter(max_retries=1, overall_max_rate=0)._base_limiter is None


def test_a_pace_under_two_a_second_is_refused() -> None:
    with pytest.raises(ValueError, match="per_second must be at least 2"):
        EvenPace(1.5)
