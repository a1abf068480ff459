"""Sessions on Home Assistant speakers: start, control and follow one session per media player.

The one service behind every speaker front end (the terminal's `guide-bot speaker play`, the
speaker HTTP API that Home Assistant's voice control calls, and the Telegram chat): it renders the
track, hands its signed URL to the player with `play_media`, follows the player through the
websocket's state_changed events (resynchronising the position on each), and turns "pause",
"next step", "+15 s" and so on into media_player calls at the plan's step offsets.

Failures keep the session: when the speaker becomes unavailable, plays something else, or Home
Assistant cannot be reached, the session is interrupted at its last known position and `resume`
starts the track again there. Observers registered with `on_change` hear every change.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

from guide_bot.domain.clock import Clock
from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import Timeline
from guide_bot.speakers.actions import apply, seek_after_restart
from guide_bot.speakers.errors import NoSession, SpeakerError, SpeakerNotAllowed
from guide_bot.speakers.follower import Follower, SpeakerStatus
from guide_bot.speakers.homeassistant import (
    HomeAssistant,
    HomeAssistantError,
    HomeAssistantUnreachable,
    PlayerState,
    check_entity_id,
)
from guide_bot.speakers.routine_query import find_routine
from guide_bot.speakers.state_feed import DEFAULT_DELAYS, StateFeed
from guide_bot.speech.session_tracks import SessionTracks
from guide_bot.web.media import Localize, MediaLinks, RoutineSource, same_routine, track_path

logger = logging.getLogger(__name__)

__all__ = ["ACTIONS", "LOST", "NoSession", "SpeakerError", "SpeakerNotAllowed", "SpeakerSessions"]

Action = Literal["pause", "resume", "toggle", "next", "previous", "add_time", "stop"]
ACTIONS: tuple[str, ...] = get_args(Action)
ChangeObserver = Callable[[str, SpeakerStatus], Awaitable[None] | None]
LOST = "Home Assistant cannot be reached; retrying"


@dataclass
class _Live:
    follower: Follower
    routine: Routine
    lang: str | None = None  # the language of the one who started it (None: the server's)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class SpeakerSessions:
    """Every session on a Home Assistant speaker in this process, one per entity."""

    def __init__(
        self,
        ha: HomeAssistant,
        tracks: SessionTracks,
        links: MediaLinks,
        routines: RoutineSource,
        clock: Clock,
        *,
        allowed: Collection[str] = (),
        fmt: str = "mp3",
        reconnect_delays: Sequence[float] = DEFAULT_DELAYS,
        tick_s: float | None = 0.5,
        localize: Localize = same_routine,
    ) -> None:
        self.ha = ha
        self.localize = localize  # a routine in a language (Catalog.localized)
        self.tracks = tracks
        self.links = links
        self.routines = routines
        self.clock = clock
        self.allowed = frozenset(allowed)
        self.allowed_order = tuple(dict.fromkeys(allowed))  # the operator's order
        self.fmt = fmt
        self._tick_s = tick_s
        self._live: dict[str, _Live] = {}
        self._observers: list[ChangeObserver] = []
        self._ticker: asyncio.Task[None] | None = None
        self._feed = StateFeed(
            ha,
            on_state=self._report,
            on_lost=self._lost,
            on_back=self._back,
            delays=reconnect_delays,
        )

    # -- observers ---------------------------------------------------------------------------

    def on_change(self, observer: ChangeObserver) -> Callable[[], None]:
        """Call `observer(entity, status)` on every change; returns a function that unsubscribes."""
        self._observers.append(observer)
        return lambda: self._observers.remove(observer) if observer in self._observers else None

    async def _notify(self, live: _Live) -> None:
        status = live.follower.status(self.clock.now())
        for observer in list(self._observers):
            try:
                result = observer(live.follower.entity, status)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                logger.exception("a speaker observer failed")

    # -- reading -----------------------------------------------------------------------------

    def status(self, entity: str) -> SpeakerStatus | None:
        """The session on `entity` (also after it ended), or None."""
        live = self._live.get(entity)
        return None if live is None else live.follower.status(self.clock.now())

    def statuses(self) -> list[SpeakerStatus]:
        """Every session known, by entity id."""
        now = self.clock.now()
        return [self._live[e].follower.status(now) for e in sorted(self._live)]

    def timeline(self, entity: str) -> Timeline | None:
        """The plan of the session on `entity` (the track's step offsets)."""
        live = self._live.get(entity)
        return None if live is None else live.follower.timeline

    def active(self) -> list[str]:
        """Entities with a session that has not ended."""
        return [e for e, live in sorted(self._live.items()) if not live.follower.phase.closed]

    async def allowed_speakers(self) -> list[PlayerState]:
        """The speakers chat users may use (GUIDE_BOT_HA_SPEAKERS), in the setting's order,
        with their names and states; entities Home Assistant does not know are left out."""
        players = {p.entity_id: p for p in await self.ha.media_players()}
        return [players[e] for e in self.allowed_order if e in players]

    # -- starting ----------------------------------------------------------------------------

    async def start(
        self,
        routine_query: str,
        entity: str,
        *,
        tts: str | None = None,
        only_allowed: bool = False,
        lang: str | None = None,
    ) -> SpeakerStatus:
        """Start a routine (id or title words) on a media player and follow it.

        `only_allowed` limits the entity to GUIDE_BOT_HA_SPEAKERS (what a chat user may use);
        `lang` (a user's language code) plays the routine's translation, cue words and voice
        of that language, at a URL that names it.
        Raises RoutineNotFound, SpeakerNotAllowed, SpeakerError, SpeechError, HomeAssistantError.
        """
        check_entity_id(entity)
        if only_allowed and entity not in self.allowed:
            raise SpeakerNotAllowed(
                f"{entity} is not one of the speakers this bot may use (GUIDE_BOT_HA_SPEAKERS)"
            )
        routine = find_routine(routine_query, self.routines())
        if lang is not None:
            routine = self.localize(routine, lang)
        player = await self.ha.player(entity)
        if not player.available:
            raise SpeakerError(f"{player.name} is unavailable in Home Assistant right now")
        tracks = self.tracks if lang is None else self.tracks.in_language(lang)
        prepared = await tracks.prepare(routine, tts)
        await tracks.track(routine, self.fmt, prepared.engine)  # rendered before it is asked
        url = self.links.track_url(routine.id, self.fmt, tts=prepared.engine, lang=lang)
        previous = self._live.get(entity)
        if previous is not None and not previous.follower.phase.closed:
            previous.follower.stopped(self.clock.now())
            await self._notify(previous)
        follower = Follower(
            entity=entity,
            speaker=player.name,
            timeline=prepared.timeline,
            step_titles=tuple(step.title for step in routine.steps),
            engine=prepared.engine,
            track_marker=track_path(routine.id, prepared.engine, self.fmt, lang),
            now=self.clock.now(),
            previous_content=player.media_content_id,
        )
        live = _Live(follower=follower, routine=routine, lang=lang)
        self._live[entity] = live
        try:
            await self._feed.ensure()
            await self.ha.play_media(entity, url)
        except HomeAssistantError:
            follower.stopped(self.clock.now())
            raise
        logger.info(
            "speaker session: %s on %s (%s, %s)", routine.id, entity, prepared.engine, lang or "-"
        )
        self._ensure_ticker()
        await self._notify(live)
        return follower.status(self.clock.now())

    # -- controlling -------------------------------------------------------------------------

    def _pick(self, entity: str | None) -> _Live:
        if entity:
            live = self._live.get(entity)
            if live is None:
                raise NoSession(f"no session on {entity}")
            return live
        active = self.active()
        if len(active) == 1:
            return self._live[active[0]]
        if not active:
            raise NoSession("no session is playing on a speaker")
        raise NoSession(f"sessions play on several speakers ({', '.join(active)}); say which")

    async def control(self, entity: str | None, action: str) -> SpeakerStatus:
        """Do `action` on the session of `entity` (or the only active one); the new status."""
        if action not in ACTIONS:
            raise SpeakerError(f"unknown action {action!r}; use one of {', '.join(ACTIONS)}")
        live = self._pick(entity)
        f = live.follower
        if f.phase.closed:
            raise NoSession(f"the session on {f.entity} has ended")
        async with live.lock:
            try:
                await apply(action, live.follower, self.ha, self.clock, lambda: self._restart(live))
            except HomeAssistantUnreachable:
                f.connection_lost(self.clock.now(), LOST)
                await self._notify(live)
                raise
        await self._notify(live)
        return f.status(self.clock.now())

    async def _restart(self, live: _Live) -> None:
        """Start the track again (after an interruption); it is seeked once it plays."""
        f = live.follower
        await self._feed.ensure()
        url = self.links.track_url(live.routine.id, self.fmt, tts=f.engine, lang=live.lang)
        f.restarted(self.clock.now())
        await self.ha.play_media(f.entity, url)

    # -- time --------------------------------------------------------------------------------

    async def tick(self) -> None:
        """Time-driven work: resume "+15 s" pauses that ran out, notice starts that never came."""
        for live in list(self._live.values()):
            f = live.follower
            if f.phase.closed:
                continue
            before = (f.phase, f.message)
            f.check(self.clock.now())
            if f.resume_due(self.clock.now()):
                async with live.lock:
                    if f.resume_due(self.clock.now()):
                        try:
                            await self.ha.play(f.entity)
                            f.resumed(self.clock.now())
                        except HomeAssistantError as exc:
                            f.connection_lost(self.clock.now(), f"could not resume: {exc}")
            if (f.phase, f.message) != before:
                await self._notify(live)

    def _ensure_ticker(self) -> None:
        if self._tick_s is None or (self._ticker is not None and not self._ticker.done()):
            return

        async def run(period: float) -> None:
            while True:
                await asyncio.sleep(period)
                try:
                    await self.tick()
                except Exception:
                    logger.exception("speaker sessions: tick failed")

        self._ticker = asyncio.create_task(run(self._tick_s), name="speaker-ticker")

    # -- the websocket -----------------------------------------------------------------------

    async def _report(self, state: PlayerState) -> None:
        live = self._live.get(state.entity_id)
        if live is None or live.follower.phase.closed:
            return
        live.follower.observe(state, self.clock.now())
        try:
            await seek_after_restart(live.follower, self.ha, self.clock)
        except HomeAssistantError as exc:
            logger.warning("speaker session on %s: %s", state.entity_id, exc)
        await self._notify(live)

    async def _lost(self) -> None:
        for entity in self.active():
            live = self._live[entity]
            live.follower.connection_lost(self.clock.now(), LOST)
            await self._notify(live)

    async def _back(self) -> None:
        for entity in self.active():
            try:
                state = await self.ha.player(entity)
            except HomeAssistantError as exc:
                logger.warning("speaker session on %s: %s", entity, exc)
                continue
            await self._report(state)

    @property
    def connected(self) -> bool:
        """Whether the websocket to Home Assistant is up."""
        return self._feed.connected

    async def close(self) -> None:
        """Stop following (sessions on speakers are left as they are) and close connections."""
        await self._feed.close()
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        await self.ha.close()
