"""`snapshot_of`: a running `SessionMachine` as the live view shows it, in absolute wall times.

Pure: the caller passes `now` (the time the session is read at, as every session operation takes)
and `clock_wall` (the server's wall clock at that moment, which the page syncs to). Times in the
session's plan become wall times as `clock_wall + (plan time - the session's offset now)`, so a
page can count down and play cues on its own between two snapshots.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable

from guide_bot.domain.cues import CueKind
from guide_bot.domain.routine import Routine
from guide_bot.domain.session import Position, SessionMachine, SessionState
from guide_bot.domain.session_shape import EPS, HoldShape, SessionShape
from guide_bot.domain.timeline import Timeline
from guide_bot.web.liveview.ports import (
    LiveCue,
    LiveHold,
    LiveNext,
    LivePicture,
    LiveSnapshot,
    Phase,
)

CUE_HORIZON_S = 120.0  # cues this far ahead go into a snapshot; the page re-fetches well before

ClipKey = Callable[[str], str | None]  # a spoken text -> its clip's cache key (CueAudio.key)

_PHASE_OF: dict[CueKind, Phase] = {
    CueKind.PREPARE: "get_ready",
    CueKind.ANNOUNCE: "announce",
    CueKind.HOLD_START: "hold",
    CueKind.CUE: "hold",
    CueKind.HALFWAY: "hold",
    CueKind.COUNTDOWN: "hold",
    CueKind.PACE: "hold",  # "Breathe in." / "Breathe out." inside a paced breathing hold
    CueKind.SWITCH_SIDES: "switch",
    CueKind.RELEASE: "release",
    CueKind.REST: "rest",
    CueKind.COMPLETE: "done",
}


@functools.lru_cache(maxsize=256)
def _shape(timeline: Timeline) -> SessionShape:
    return SessionShape.of(timeline)


def snapshot_of(
    session: SessionMachine,
    routine: Routine,
    *,
    now: float,
    session_id: str,
    clock_wall: float,
    clip_key: ClipKey | None = None,
    cue_horizon_s: float = CUE_HORIZON_S,
    language: str = "en",
) -> LiveSnapshot:
    """The live view of `session` (planned from `routine`) at `now`.

    `clip_key` gives the audio cache key of a spoken text in the session's voice (pass
    `CueAudio.key`); without it, or when it returns None, cues carry no audio.
    Raises ValueError when the routine is not the one the session's timeline was planned from.
    """
    timeline = session.timeline
    if routine.id != timeline.routine_id or len(routine.steps) != timeline.step_count:
        raise ValueError(
            f"routine {routine.id!r} ({len(routine.steps)} steps) is not the one session "
            f"{session_id!r} runs ({timeline.routine_id!r}, {timeline.step_count} steps)"
        )
    position = session.position(now)
    times = session.event_times()
    offset = position.offset_s
    running = position.state is SessionState.RUNNING

    def wall(plan_s: float) -> float:
        return clock_wall + (plan_s - offset)

    shape = _shape(timeline)
    hold_index = _hold_shown(shape, times, position)
    hold = (
        _live_hold(session, routine, shape, times, hold_index, offset, wall) if hold_index else None
    )
    pivot = shape.holds[hold_index - 1].release if hold_index else None
    step = position.step
    current = routine.steps[step - 1] if step is not None else None
    return LiveSnapshot(
        session_id=session_id,
        routine_id=routine.id,
        routine_title=routine.title,
        state=position.state.value,
        phase=_phase(timeline, times, position),
        server_time=clock_wall,
        step=step,
        step_count=position.step_count,
        step_title=current.title if current else None,
        instruction=current.instruction if current else None,
        side=hold.side if hold else position.side,
        hold=hold,
        next=_next(routine, timeline, times, offset, pivot, step, wall if running else None),
        progress=_progress(position),
        offset_s=offset,
        total_s=position.total_s,
        ends_at=wall(position.total_s) if running else None,
        cues=_cues(timeline, times, offset, cue_horizon_s, clip_key, wall) if running else (),
        picture=None if position.state.closed else live_picture(routine, step or 1),
        language=language,
    )


def live_picture(routine: Routine, step: int) -> LivePicture | None:
    """The picture of step `step` (1-based), or None when it has no place on the body map."""
    current = routine.steps[step - 1]
    if current.where is None:
        return None
    one_sided = current.sides == "left-right"
    drawn = [current.title, current.where.model_dump(mode="json"), one_sided]
    version = hashlib.sha256(json.dumps(drawn, sort_keys=True).encode()).hexdigest()[:32]
    return LivePicture(
        version=version, step=step, title=current.title, where=current.where, one_sided=one_sided
    )


def _phase(timeline: Timeline, times: tuple[float, ...], position: Position) -> Phase:
    """What is happening: read from the kind of the latest event at or before the offset."""
    if position.state is SessionState.READY:
        return "ready"
    if position.state.closed:
        return "done"
    latest: CueKind | None = None
    for event, at in zip(timeline.events, times, strict=True):
        if at > position.offset_s + EPS:
            break
        latest = event.kind
    return _PHASE_OF[latest] if latest is not None else "get_ready"


def _hold_shown(shape: SessionShape, times: tuple[float, ...], position: Position) -> int:
    """1-based index of the hold to show (the running one, else the step's next); 0 for none."""
    if position.step is None or position.state.closed:
        return 0
    offset = position.offset_s
    for number, hold in enumerate(shape.holds, start=1):
        if hold.step != position.step:
            continue
        if times[hold.start] <= offset + EPS < times[hold.release]:
            return number
        if times[hold.start] > offset + EPS:
            return number
    return 0


def _live_hold(
    session: SessionMachine,
    routine: Routine,
    shape: SessionShape,
    times: tuple[float, ...],
    number: int,
    offset: float,
    wall: Callable[[float], float],
) -> LiveHold:
    """The hold `number` (1-based) with its real start (the end of its "... now") and release."""
    held: HoldShape = shape.holds[number - 1]
    opener = session.timeline.events[held.start]
    start, end = times[held.start] + opener.speak_s, times[held.release]
    left = end - start if offset < start else max(0.0, end - offset)
    return LiveHold(
        length_s=end - start,
        left_s=left,
        started_at=wall(start),
        ends_at=wall(end),
        side=held.side,
        rep=session.timeline.holds[number - 1].rep,
        reps=routine.steps[held.step - 1].reps,
    )


def _next(
    routine: Routine,
    timeline: Timeline,
    times: tuple[float, ...],
    offset: float,
    pivot: int | None,
    step: int | None,
    wall: Callable[[float], float] | None,
) -> LiveNext | None:
    """The first hold of this step, step or end after the hold shown (or after now)."""
    for index, event in enumerate(timeline.events):
        if (index <= pivot) if pivot is not None else (times[index] <= offset + EPS):
            continue
        at = wall(times[index]) if wall is not None else None
        if event.kind is CueKind.HOLD_START and event.step == step:
            return LiveNext(kind="hold", step=step, title=None, side=event.side, at=at)
        if event.kind is CueKind.ANNOUNCE and event.step is not None:
            title = routine.steps[event.step - 1].title
            return LiveNext(kind="step", step=event.step, title=title, side=None, at=at)
        if event.kind is CueKind.COMPLETE:
            return LiveNext(kind="end", step=None, title=None, side=None, at=at)
    return None


def _progress(position: Position) -> float:
    if position.state is SessionState.FINISHED:
        return 1.0
    if position.total_s <= 0:
        return 0.0
    return min(1.0, max(0.0, position.offset_s / position.total_s))


def _cues(
    timeline: Timeline,
    times: tuple[float, ...],
    offset: float,
    horizon_s: float,
    clip_key: ClipKey | None,
    wall: Callable[[float], float],
) -> tuple[LiveCue, ...]:
    """Cues whose words have not ended yet and that begin within the horizon."""
    cues: list[LiveCue] = []
    for event, at in zip(timeline.events, times, strict=True):
        if at > offset + horizon_s:
            break
        if at + event.speak_s <= offset + EPS and not (event.speak_s == 0 and at >= offset - EPS):
            continue
        key = clip_key(event.text) if clip_key is not None and event.spoken else None
        cues.append(
            LiveCue(
                at=wall(at),
                kind=event.kind.value,
                text=event.text,
                speak_s=event.speak_s,
                audio_key=key,
            )
        )
    return tuple(cues)
