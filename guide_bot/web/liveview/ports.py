"""The live view's port to the session service, and the snapshot it hands back.

The web layer never touches a `SessionMachine` itself: it asks `LiveSessions` for the caller's
session as a `LiveSnapshot` (a frozen value built by `snapshot.snapshot_of`) and hands it the
caller's actions. Times in a snapshot are wall-clock epoch seconds of the server, so a page can
count down by itself and correct for its own clock with `server_time`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from guide_bot.domain.routine import Where

Action = Literal["pause", "resume", "skip", "back", "add", "stop"]
ACTIONS: tuple[Action, ...] = ("pause", "resume", "skip", "back", "add", "stop")

Phase = Literal[
    "ready",  # built, not started
    "get_ready",  # the get-ready cue and the wait before step 1
    "announce",  # a step's instruction, and the moment to get into position
    "hold",  # a hold, from its "... now"
    "switch",  # changing sides
    "release",  # just released, before the next hold or step
    "rest",  # a rest between holds or steps
    "done",  # finished or stopped
]
NextKind = Literal["hold", "step", "end"]


class Refused(Exception):
    """The session service refused an action; `reason` is the text to show the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, kw_only=True, slots=True)
class LiveHold:
    """The current hold of the step, or the next one of the step when none is running.

    `started_at` is when its "... now" ends and the holding begins, `ends_at` its release. While
    the session is paused both are given as if it resumed at `server_time`; `left_s` is exact.
    """

    length_s: float  # the whole hold, added time included
    left_s: float  # at server_time: the length before it starts, 0 after it ends
    started_at: float
    ends_at: float
    side: str | None
    rep: int
    reps: int


@dataclass(frozen=True, kw_only=True, slots=True)
class LiveNext:
    """What comes after the current hold or step: another hold of the step, a step, the end."""

    kind: NextKind
    step: int | None
    title: str | None  # the step's title for kind "step"
    side: str | None  # the side of the hold for kind "hold"
    at: float | None  # wall time it begins; None unless the session is running


@dataclass(frozen=True, kw_only=True, slots=True)
class LiveCue:
    """One spoken cue still to come (or still being spoken) at an absolute time."""

    at: float  # wall time its words begin
    kind: str  # a `CueKind` value: announce, hold_start, countdown, release, complete...
    text: str
    speak_s: float  # 0 for the completion chime, which has no words
    audio_key: str | None  # the audio cache key of its clip; None without a voice or words


@dataclass(frozen=True, kw_only=True, slots=True)
class LivePicture:
    """Where the shown step works on the body map: what the renderer draws, and its `version`
    (a hash of exactly that), which names the picture in its URL and changes with the step."""

    version: str
    step: int  # 1-based
    title: str
    where: Where
    one_sided: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class LiveSnapshot:
    """The caller's session at `server_time`, everything a page needs to show and time it."""

    session_id: str
    routine_id: str
    routine_title: str
    state: str  # a `SessionState` value: ready, running, paused, finished, stopped
    phase: Phase
    server_time: float
    step: int | None  # 1-based; None before step 1
    step_count: int
    step_title: str | None
    instruction: str | None
    side: str | None
    hold: LiveHold | None
    next: LiveNext | None
    progress: float  # 0..1 through the plan
    offset_s: float
    total_s: float  # the plan's length, added time included
    ends_at: float | None  # wall time the session ends; None unless running
    cues: tuple[LiveCue, ...]  # upcoming spoken cues; empty unless running
    picture: LivePicture | None = None  # the step's (step 1's before it); None without `where:`
    language: str = "en"  # the session's (guide_bot/i18n code): the page's own words follow it


class LiveSessions(Protocol):
    """The session service as the live view sees it (implemented by the composition root)."""

    def snapshot(self, user_id: int) -> LiveSnapshot | None:
        """The caller's session now, or None when they have none."""
        ...

    async def control(self, user_id: int, action: Action) -> LiveSnapshot:
        """Act on the caller's session as the chat's button would; raises Refused(reason)."""
        ...


class ClipStore(Protocol):
    """Where cue clips are read by their cache key (`speech.cache.AudioCache` is one)."""

    def get(self, key: str) -> ClipEntry | None:
        """The clip stored under `key`, or None."""
        ...


class ClipEntry(Protocol):
    """A stored clip: its bytes and facts (`speech.cache.CacheEntry` is one)."""

    @property
    def data(self) -> bytes: ...

    @property
    def meta(self) -> Mapping[str, Any]: ...
