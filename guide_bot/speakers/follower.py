"""Following a session that a speaker plays as one track: the player's reports -> the session.

Pure: time comes in as `now`, nothing here does I/O. Every state a media player reports (its
state, `media_position` and `media_position_updated_at`) resynchronises the follower; between
reports the position runs on with the clock while the player plays. So a pause on the speaker
itself, by voice, or from another app keeps the session in step.

Phases: starting (play_media sent, our track not heard of yet), playing, paused, buffering,
holding-on (paused by "+15 s", resumes by itself), interrupted (the speaker became unavailable,
plays something else, was stopped before the end, or Home Assistant cannot be reached: the
position is kept and a resume starts the track again from it), finished and stopped.
"""

from __future__ import annotations

from guide_bot.domain.timeline import Timeline
from guide_bot.speakers.homeassistant import PlayerState
from guide_bot.speakers.speaker_status import (
    INTERRUPT_NOT_STARTED,
    INTERRUPT_OTHER_MEDIA,
    INTERRUPT_STOPPED,
    INTERRUPT_UNAVAILABLE,
    Phase,
    SpeakerStatus,
)
from guide_bot.speakers.timeline_reading import read

__all__ = [
    "END_SLACK_S",
    "HOLD_ON_S",
    "INTERRUPT_NOT_STARTED",
    "INTERRUPT_OTHER_MEDIA",
    "INTERRUPT_STOPPED",
    "INTERRUPT_UNAVAILABLE",
    "SETTLE_S",
    "START_TIMEOUT_S",
    "Follower",
    "Phase",
    "SpeakerStatus",
]

END_SLACK_S = 2.0  # a player that stops this close to the end has finished the session
START_TIMEOUT_S = 45.0  # a speaker that has not started our track by then will not
HOLD_ON_S = 15.0
SETTLE_S = 3.0  # after our own command, reports measured before it are stale snapshots


class Follower:
    """One session on one speaker, as far as its player's reports tell."""

    def __init__(
        self,
        *,
        entity: str,
        speaker: str,
        timeline: Timeline,
        step_titles: tuple[str, ...],
        engine: str,
        track_marker: str,
        now: float,
        previous_content: str | None = None,
    ) -> None:
        self.entity = entity
        self.speaker = speaker
        self.timeline = timeline
        self.step_titles = step_titles
        self.engine = engine
        self.track_marker = track_marker  # a piece of our URL that the player's content id holds
        self.phase = Phase.STARTING
        self.message: str | None = None
        self.started_at = now
        self.hold_on_until: float | None = None
        self.pending_seek: float | None = None  # seek once the track plays again (after a restart)
        self._anchor_offset = 0.0
        self._anchor_at = now
        self._running = False
        self._seen_ours = False
        self._command_at: float | None = None
        self._previous_content = previous_content  # what the player held before our track
        self._ours: str | None = None  # our track's content id as the player reports it
        self._last_content: str | None = previous_content

    # -- position ----------------------------------------------------------------------------

    def offset(self, now: float) -> float:
        """Seconds into the track at `now`."""
        offset = self._anchor_offset + (max(0.0, now - self._anchor_at) if self._running else 0.0)
        return min(max(0.0, offset), self.timeline.total_s)

    def _freeze(self, now: float) -> None:
        self._anchor_offset = self.offset(now)
        self._anchor_at = now
        self._running = False

    def _sync(self, state: PlayerState, now: float, *, running: bool) -> None:
        if state.media_position_s is not None:
            at = state.position_updated_at if state.position_updated_at is not None else now
            self._anchor_offset = state.media_position_s
            self._anchor_at = min(at, now)  # a clock ahead of ours must not run time backwards
        else:  # the player does not report positions: count from what we know
            self._anchor_offset = self.offset(now)
            self._anchor_at = now
        self._running = running

    # -- reports from the player -------------------------------------------------------------

    def observe(self, state: PlayerState, now: float) -> None:
        """Resynchronise with a state the player reported (a state_changed event or a poll)."""
        if self.phase.closed:
            return
        if not state.available:
            self._interrupt(now, INTERRUPT_UNAVAILABLE)
            return
        if self._stale(state, now):
            return  # e.g. a position update sent just before our pause: it would undo it
        active = state.state in ("playing", "paused", "buffering")
        if active:
            ours = self._is_ours(state.media_content_id)
            self._last_content = state.media_content_id or self._last_content
            if ours is None:
                return  # still the previous media, before ours has loaded
            if not ours:
                if self._seen_ours:
                    self._interrupt(now, INTERRUPT_OTHER_MEDIA)
                return
        if state.state == "playing":
            self._seen_ours = True
            self._sync(state, now, running=True)
            self.hold_on_until = None  # resumed by someone else: the extra time is over
            self._set(Phase.PLAYING)
        elif state.state == "paused":
            self._seen_ours = True
            self._sync(state, now, running=False)
            self._set(Phase.HOLDING_ON if self.hold_on_until is not None else Phase.PAUSED)
        elif state.state == "buffering":
            self._sync(state, now, running=False)
            self._set(Phase.BUFFERING if self._seen_ours else Phase.STARTING)
        elif self._seen_ours or self.phase is not Phase.STARTING:
            self._freeze(now)  # idle, off, on, standby: the track is no longer playing
            if self.offset(now) >= self.timeline.total_s - END_SLACK_S:
                self._finish(now)
            else:
                self._interrupt(now, INTERRUPT_STOPPED)

    def connection_lost(self, now: float, why: str) -> None:
        """Home Assistant cannot be reached: hold the position until it answers again."""
        if not self.phase.closed:
            self._interrupt(now, why)

    def check(self, now: float) -> None:
        """Time-driven changes: a start that never came, a track that ran out unreported."""
        if self.phase is Phase.STARTING and now - self.started_at > START_TIMEOUT_S:
            self._interrupt(now, INTERRUPT_NOT_STARTED)
        elif self.phase is Phase.PLAYING and self._running and self._ran_out(now):
            self._finish(now)

    def resume_due(self, now: float) -> bool:
        """Whether a "+15 s" pause has run out (the caller then resumes the speaker)."""
        return (
            self.phase is Phase.HOLDING_ON
            and self.hold_on_until is not None
            and now >= self.hold_on_until
        )

    # -- what our own commands change (the player's next report confirms it) ------------------

    def paused(self, now: float) -> None:
        """We paused the speaker."""
        self._command_at = now
        self._freeze(now)
        self._set(Phase.PAUSED)

    def resumed(self, now: float) -> None:
        """We resumed the speaker."""
        self._command_at = now
        self._anchor_offset, self._anchor_at = self.offset(now), now
        self._running = True
        self.hold_on_until = None
        self._set(Phase.PLAYING)

    def seeked(self, target_s: float, now: float) -> None:
        """We moved the speaker to `target_s`."""
        self._command_at = now
        self._anchor_offset, self._anchor_at = target_s, now

    def restarted(self, now: float) -> float:
        """We started the track again after an interruption; returns where to seek once it plays."""
        self.pending_seek = self.offset(now)
        self._seen_ours = False
        self._previous_content, self._ours = self._last_content, None
        self.started_at = now
        self.message = None
        self._set(Phase.STARTING)
        return self.pending_seek

    def hold_on(self, now: float, seconds: float = HOLD_ON_S) -> bool:
        """Add time to the running hold by pausing; True when the speaker must be paused now.

        Raises ValueError outside a hold (there is nothing to extend).
        """
        if self.phase is Phase.HOLDING_ON and self.hold_on_until is not None:
            self.hold_on_until += seconds
            return False
        if self.phase is not Phase.PLAYING or read(self.timeline, self.offset(now)).hold is None:
            raise ValueError("more time can be added only while a hold is playing")
        self._command_at = now
        self._freeze(now)
        self.hold_on_until = now + seconds
        self._set(Phase.HOLDING_ON)
        return True

    def stopped(self, now: float) -> None:
        """We stopped the session."""
        self._freeze(now)
        self.hold_on_until = None
        self._set(Phase.STOPPED)

    # -- reading ---------------------------------------------------------------------------

    def status(self, now: float) -> SpeakerStatus:
        """The session at `now`."""
        reading = read(self.timeline, self.offset(now))
        step_title = self.step_titles[reading.step - 1] if reading.step else None
        left = None
        if self.phase is Phase.HOLDING_ON and self.hold_on_until is not None:
            left = max(0.0, self.hold_on_until - now)
        return SpeakerStatus(
            entity=self.entity,
            speaker=self.speaker,
            routine=self.timeline.routine_id,
            title=self.timeline.title,
            engine=self.engine,
            phase=self.phase,
            message=self.message,
            reading=reading,
            total_s=self.timeline.total_s,
            step_count=self.timeline.step_count,
            step_title=step_title,
            hold_on_left_s=left,
        )

    def _is_ours(self, content: str | None) -> bool | None:
        """Whether the player's media is our track: True, False, or None (the media from before
        ours, still reported while ours loads). Some integrations (Music Assistant, ...) report
        their own id instead of our URL: the first new id after play_media is then ours."""
        if content is None:
            return True  # the player does not say what it plays
        if self.track_marker in content:
            self._ours = content
            return True
        if self._ours is not None:
            return content == self._ours
        if content == self._previous_content:
            return None
        self._ours = content
        return True

    def _stale(self, state: PlayerState, now: float) -> bool:
        """A report measured before our latest command, arriving just after it."""
        if self._command_at is None or now - self._command_at >= SETTLE_S:
            return False
        measured = state.position_updated_at
        return measured is not None and measured < self._command_at

    def _ran_out(self, now: float) -> bool:
        unclamped = self._anchor_offset + (now - self._anchor_at)
        return unclamped >= self.timeline.total_s + END_SLACK_S

    def _set(self, phase: Phase) -> None:
        self.phase = phase
        if phase is not Phase.INTERRUPTED:
            self.message = None

    def _interrupt(self, now: float, why: str) -> None:
        self._freeze(now)
        self.hold_on_until = None
        self.phase = Phase.INTERRUPTED
        self.message = why

    def _finish(self, now: float) -> None:
        self._anchor_offset, self._anchor_at = self.timeline.total_s, now
        self._running = False
        self._set(Phase.FINISHED)
