"""`guide-bot speaker play` in the terminal: the session on a speaker, shown and steered by keys.

The screen is the terminal player's (console/screen.py), fed from the speaker's status instead of
a local session; the keys are the player's too (console/keys.py): space pauses and resumes, n and
b seek to the next and previous step, + holds the speaker paused for 15 s more (the hold gets
longer; the speaker resumes by itself), q stops. When output is not a terminal, each cue is
printed once as a line when the speaker reaches it, with every change of phase.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import os
import signal
from collections.abc import Callable

from guide_bot.console.display import Display
from guide_bot.console.keys import Action, actions_for
from guide_bot.console.screen import View, clock_text, render
from guide_bot.domain.routine import Routine
from guide_bot.domain.session_types import Position, SessionState
from guide_bot.domain.timeline import Timeline
from guide_bot.speakers.follower import Phase, SpeakerStatus
from guide_bot.speakers.homeassistant import HomeAssistantError
from guide_bot.speakers.sessions import SpeakerError, SpeakerSessions

FRAME_S = 0.25
KEY_ACTIONS: dict[Action, str] = {
    Action.TOGGLE_PAUSE: "toggle",
    Action.SKIP: "next",
    Action.BACK: "previous",
    Action.ADD_TIME: "add_time",
    Action.QUIT: "stop",
}
_STATES = {
    Phase.PLAYING: SessionState.RUNNING,
    Phase.STARTING: SessionState.RUNNING,
    Phase.FINISHED: SessionState.FINISHED,
    Phase.STOPPED: SessionState.STOPPED,
}


def phase_line(status: SpeakerStatus) -> str | None:
    """What the speaker is doing, when that is not simply playing."""
    at = clock_text(status.offset_s)
    if status.phase is Phase.STARTING:
        return f"Starting on {status.speaker}..."
    if status.phase is Phase.BUFFERING:
        return f"{status.speaker} is buffering..."
    if status.phase is Phase.HOLDING_ON and status.hold_on_left_s is not None:
        return f"Holding on: resumes in {clock_text(status.hold_on_left_s)} (+ adds 15 s more)"
    if status.phase is Phase.INTERRUPTED:
        return f"{status.message} at {at}; press space to start again from there."
    return None


def view_of(
    status: SpeakerStatus, routine: Routine, *, feedback: str | None, notices: tuple[str, ...]
) -> View:
    """The terminal player's view of a session on a speaker."""
    r = status.reading
    playing = status.phase is Phase.PLAYING
    position = Position(
        state=_STATES.get(status.phase, SessionState.PAUSED),
        step=r.step,
        step_count=status.step_count,
        side=r.side,
        in_hold=r.hold is not None,
        hold_left_s=r.hold_left_s,
        offset_s=r.offset_s,
        total_s=status.total_s,
        elapsed_active_s=r.offset_s,
        paused_total_s=0.0,
    )
    return View(
        routine=routine,
        position=position,
        last_kind=r.latest.kind if r.latest else None,
        said=r.said,
        next_kind=r.upcoming.kind if r.upcoming else None,
        next_in_s=(r.upcoming.at_s - r.offset_s) if (r.upcoming and playing) else None,
        hold_start_s=r.hold.start_s if r.hold else None,
        feedback=feedback or phase_line(status),
        notices=notices,
    )


class CueLog:
    """Prints each cue once when the speaker reaches it (for output that is not a terminal)."""

    def __init__(self, timeline: Timeline, display: Display) -> None:
        self._events = [e for e in timeline.events if e.spoken]
        self._times = [e.at_s for e in self._events]
        self._display = display
        self._printed = 0

    def advance(self, offset_s: float) -> None:
        """Print the cues passed since the last call; after a jump, only the one landed on."""
        passed = bisect.bisect_right(self._times, offset_s)
        if passed < self._printed:
            self._printed = max(0, passed - 1)  # went back: show the cue it landed on again
        new = self._events[self._printed : passed]
        for event in new[-1:] if len(new) > 2 else new:
            self._display.cue(event.at_s, event.text, late=False)
        self._printed = passed


async def follow(
    sessions: SpeakerSessions,
    entity: str,
    routine: Routine,
    display: Display,
    *,
    key_fd: int | None,
    notices: tuple[str, ...] = (),
) -> SpeakerStatus:
    """Show the session on `entity` until it ends; keys from `key_fd` steer it."""
    loop = asyncio.get_running_loop()
    keys: asyncio.Queue[str] = asyncio.Queue()
    wake = asyncio.Event()

    def on_key() -> None:
        assert key_fd is not None
        data = os.read(key_fd, 64)
        keys.put_nowait(data.decode("utf-8", "replace") if data else "q")
        wake.set()

    def on_change(changed: str, _status: SpeakerStatus) -> None:
        if changed == entity:
            wake.set()

    unsubscribe = sessions.on_change(on_change)
    cleanups: list[Callable[[], object]] = [unsubscribe]
    if key_fd is not None:
        loop.add_reader(key_fd, on_key)
        cleanups.append(lambda: loop.remove_reader(key_fd))

    def on_signal() -> None:
        keys.put_nowait("q")  # Ctrl-C, SIGTERM, SIGHUP: stop the speaker as q does
        wake.set()

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, on_signal)
            cleanups.append(lambda sig=sig: loop.remove_signal_handler(sig))  # type: ignore[misc]
    timeline = sessions.timeline(entity)
    assert timeline is not None
    log = CueLog(timeline, display)
    feedback: str | None = None
    last_phase: str | None = None
    try:
        while True:
            status = sessions.status(entity)
            assert status is not None
            line = phase_line(status)
            if line != last_phase and line is not None:
                display.notice(line)
            last_phase = line
            log.advance(status.offset_s)
            display.show(render(view_of(status, routine, feedback=feedback, notices=notices)))
            if status.phase.closed:
                return status
            wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=FRAME_S)
            while not keys.empty():
                for action in actions_for(keys.get_nowait()):
                    feedback = await _act(sessions, entity, KEY_ACTIONS[action])
    finally:
        for cleanup in reversed(cleanups):
            cleanup()


async def _act(sessions: SpeakerSessions, entity: str, action: str) -> str | None:
    """Do one key's action; the line to show (an error, or None)."""
    try:
        await sessions.control(entity, action)
    except (SpeakerError, HomeAssistantError) as exc:
        return str(exc)
    return None
