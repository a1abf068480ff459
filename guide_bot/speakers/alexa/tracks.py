"""The skill's track source over the media server: a planned track's signed URL and step starts.

Shaped after guide_bot.speech.session_tracks (SessionTracks.prepare gives the concrete engine and
the timeline the track is rendered from) and guide_bot.web.media (MediaLinks.track_url), typed
as Protocols here so this module does not import them. The URL names the same engine the
timeline was planned in, so the step starts match the audio Alexa plays.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import Timeline


class PreparedTrackLike(Protocol):
    @property
    def engine(self) -> str: ...

    @property
    def timeline(self) -> Timeline: ...


class TrackPlanner(Protocol):
    async def prepare(self, routine: Routine, tts: str | None = None) -> PreparedTrackLike: ...


class SignedTrackLinks(Protocol):
    def track_url(self, routine_id: str, fmt: str, *, tts: str | None = None) -> str: ...


class PlannedTrackSource:
    """`AsyncTrackLinks` from a planner, the signed links and the current routines."""

    def __init__(
        self,
        planner: TrackPlanner,
        links: SignedTrackLinks,
        routines: Callable[[], Mapping[str, Routine]],
    ) -> None:
        self._planner = planner
        self._links = links
        self._routines = routines

    async def _prepared(self, routine_id: str) -> PreparedTrackLike:
        routine = self._routines().get(routine_id)
        if routine is None:
            raise KeyError(f"no routine {routine_id!r} in the library")
        return await self._planner.prepare(routine)

    async def track_url(self, routine_id: str, fmt: str) -> str:
        prepared = await self._prepared(routine_id)
        return self._links.track_url(routine_id, fmt, tts=prepared.engine)

    async def step_offsets_ms(self, routine_id: str) -> list[int]:
        prepared = await self._prepared(routine_id)
        return [round(start * 1000) for start in prepared.timeline.step_starts]
