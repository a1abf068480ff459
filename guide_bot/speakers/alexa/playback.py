"""Where a person is in a routine's track: stream tokens, step jumps and the last known position.

Pure code, no ask-sdk. Alexa sends the token of the stream and the offset it reached in every
request's `context.AudioPlayer`, so the request itself says where to resume; `PositionStore`
only remembers the last position per user and device for requests that come without that
context, in memory (a restart loses nothing the next request does not bring back).
"""

from __future__ import annotations

import bisect
import re
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass

TOKEN_PREFIX = "guide-bot"
_TOKEN = re.compile(rf"{TOKEN_PREFIX}:(?P<routine>[a-z0-9][a-z0-9-]*):(?P<nonce>[A-Za-z0-9_-]+)")
MAX_REMEMBERED = 10_000  # (user, device) pairs kept; the oldest are forgotten first


@dataclass(frozen=True, kw_only=True)
class StreamToken:
    """Names one playing of one routine: the routine id and a nonce that makes it unique."""

    routine_id: str
    nonce: str

    def __str__(self) -> str:
        return f"{TOKEN_PREFIX}:{self.routine_id}:{self.nonce}"

    @classmethod
    def new(cls, routine_id: str) -> StreamToken:
        return cls(routine_id=routine_id, nonce=secrets.token_urlsafe(9))

    @classmethod
    def parse(cls, text: str | None) -> StreamToken | None:
        """The token Alexa sent back, or None when it is not one of ours."""
        if not text:
            return None
        match = _TOKEN.fullmatch(text)
        if match is None:
            return None
        return cls(routine_id=match["routine"], nonce=match["nonce"])


@dataclass(frozen=True, kw_only=True)
class Position:
    """A stream and how far into it playback got."""

    token: StreamToken
    offset_ms: int


def step_index(step_starts_ms: Sequence[int], offset_ms: int) -> int:
    """The step playing at `offset_ms` (-1 before the first step, e.g. during the intro)."""
    return bisect.bisect_right(step_starts_ms, offset_ms) - 1


def next_step_offset(step_starts_ms: Sequence[int], offset_ms: int) -> int | None:
    """Where the step after the current one starts; None on the last step."""
    following = step_index(step_starts_ms, offset_ms) + 1
    return step_starts_ms[following] if following < len(step_starts_ms) else None


def previous_step_offset(step_starts_ms: Sequence[int], offset_ms: int) -> int:
    """Where the step before the current one starts (the first step's start, or 0, at the top)."""
    current = step_index(step_starts_ms, offset_ms)
    if current <= 0:
        return step_starts_ms[0] if current == 0 else 0
    return step_starts_ms[current - 1]


class PositionStore:
    """The last position per (user id, device id), in memory, safe across threads."""

    def __init__(self, *, limit: int = MAX_REMEMBERED) -> None:
        self._positions: dict[tuple[str, str], Position] = {}
        self._limit = limit
        self._lock = threading.Lock()

    def get(self, user_id: str, device_id: str) -> Position | None:
        with self._lock:
            return self._positions.get((user_id, device_id))

    def put(self, user_id: str, device_id: str, position: Position) -> None:
        with self._lock:
            key = (user_id, device_id)
            self._positions.pop(key, None)
            if len(self._positions) >= self._limit:
                del self._positions[next(iter(self._positions))]
            self._positions[key] = position

    def forget(self, user_id: str, device_id: str) -> None:
        with self._lock:
            self._positions.pop((user_id, device_id), None)
