"""What each action on a speaker session does: the media_player calls, in order, and what the
follower learns from them. "next" and "previous" seek to the plan's step offsets; "add_time"
holds the speaker paused for 15 s (the follower resumes it when the time is up); "resume" after
an interruption resyncs, or starts the track again and seeks back once it plays.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from guide_bot.domain.clock import Clock
from guide_bot.speakers.errors import SpeakerError
from guide_bot.speakers.follower import Follower, Phase
from guide_bot.speakers.homeassistant import HomeAssistant, HomeAssistantError
from guide_bot.speakers.timeline_reading import next_step_offset, previous_step_offset

SEEK_MIN_S = 0.5  # a restart closer than this to the start needs no seek


async def apply(
    action: str,
    f: Follower,
    ha: HomeAssistant,
    clock: Clock,
    restart: Callable[[], Awaitable[None]],
) -> None:
    """Do one action (toggle, pause, resume, add_time, next, previous, stop) on a session."""
    now = clock.now()
    if action == "toggle":
        action = "pause" if f.phase in (Phase.PLAYING, Phase.BUFFERING) else "resume"
    if action == "stop":
        f.stopped(now)
        try:
            await ha.stop(f.entity)
        except HomeAssistantError as exc:
            f.message = f"stopped here, but the speaker did not confirm: {exc}"
        return
    if action == "pause":
        if f.phase is Phase.HOLDING_ON:
            f.hold_on_until = None
            f.paused(now)
        elif f.phase in (Phase.PLAYING, Phase.BUFFERING):
            await ha.pause(f.entity)
            f.paused(clock.now())
        return
    if action == "resume":
        if f.phase is Phase.INTERRUPTED:
            await recover(f, ha, clock, restart)
        elif f.phase in (Phase.PAUSED, Phase.HOLDING_ON):
            await ha.play(f.entity)
            f.resumed(clock.now())
        return
    if action == "add_time":
        try:
            must_pause = f.hold_on(now)
        except ValueError as exc:
            raise SpeakerError(str(exc)) from exc
        if must_pause:
            await ha.pause(f.entity)
        return
    if f.phase is Phase.STARTING:
        raise SpeakerError("the speaker has not started the track yet")
    offset = f.offset(now)
    if action == "next":
        target = next_step_offset(f.timeline, offset)
    else:
        target = previous_step_offset(f.timeline, offset)
    if f.phase is not Phase.INTERRUPTED:
        await ha.seek(f.entity, target)
    f.seeked(target, clock.now())


async def recover(
    f: Follower, ha: HomeAssistant, clock: Clock, restart: Callable[[], Awaitable[None]]
) -> None:
    """Resume an interrupted session: resync if the track still plays, else start it again."""
    state = await ha.player(f.entity)
    f.observe(state, clock.now())
    if f.phase is Phase.PAUSED:
        await ha.play(f.entity)
        f.resumed(clock.now())
        return
    if f.phase is not Phase.INTERRUPTED:
        return
    if not state.available:
        raise SpeakerError(f"{state.name} is still unavailable; try again when it is back")
    await restart()


async def seek_after_restart(f: Follower, ha: HomeAssistant, clock: Clock) -> None:
    """Seek a restarted track to where the session was, once it plays."""
    if f.pending_seek is None or f.phase is not Phase.PLAYING:
        return
    target, f.pending_seek = f.pending_seek, None
    if target > SEEK_MIN_S:
        await ha.seek(f.entity, target)
        f.seeked(target, clock.now())
