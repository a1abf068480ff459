"""The stored form of a session: its core state as a frozen value, and to/from a plain dict.

A session is stored as JSON-able data (numbers, strings, lists) with a `version` and a digest of
the plan it runs on, so that after a restart the bot can rebuild it from the same timeline and
refuse, with a clear message, data that is malformed or belongs to a different plan.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from guide_bot.domain.session_types import SessionDataError, SessionState
from guide_bot.domain.timeline import Timeline

FORMAT_VERSION = 1


@dataclass(frozen=True, kw_only=True, slots=True)
class SessionCore:
    """Everything that changes while a session runs; the rest is derived from the timeline.

    While running, the plan offset at wall time `t` is `anchor_offset + (t - anchor_wall)`; while
    paused or closed it is frozen at `anchor_offset`. `cursor` is the index of the next event to
    deliver. Each `(index, seconds)` in `shifts` moves every event from that index on later by
    `seconds` (the +15 s additions). Accounting runs up to `updated_at`, the latest time seen.
    """

    state: SessionState = SessionState.READY
    cursor: int = 0
    anchor_wall: float = 0.0
    anchor_offset: float = 0.0
    shifts: tuple[tuple[int, float], ...] = ()
    started_at: float | None = None
    updated_at: float | None = None
    paused_total_s: float = 0.0
    active_total_s: float = 0.0


def plan_digest(timeline: Timeline) -> str:
    """A short fingerprint of a timeline's events, to tell whether stored data belongs to it."""
    rows = [[round(e.at_s, 6), e.kind.value, e.step, e.side, e.text] for e in timeline.events]
    blob = json.dumps([timeline.routine_id, rows], separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


class _Stored(BaseModel):
    """The checked shape of a stored session."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)

    version: Literal[1]
    routine: str
    plan: str
    state: Literal["ready", "running", "paused", "finished", "stopped"]
    cursor: int = Field(ge=0)
    anchor_wall: float
    anchor_offset: float = Field(ge=0)
    shifts: list[tuple[int, float]]
    started_at: float | None
    updated_at: float | None
    paused_total_s: float = Field(ge=0)
    active_total_s: float = Field(ge=0)


def core_to_dict(core: SessionCore, timeline: Timeline) -> dict[str, object]:
    """The plain dict of a session: JSON-able, with a version and the plan's digest."""
    return {
        "version": FORMAT_VERSION,
        "routine": timeline.routine_id,
        "plan": plan_digest(timeline),
        "state": core.state.value,
        "cursor": core.cursor,
        "anchor_wall": core.anchor_wall,
        "anchor_offset": core.anchor_offset,
        "shifts": [[index, seconds] for index, seconds in core.shifts],
        "started_at": core.started_at,
        "updated_at": core.updated_at,
        "paused_total_s": core.paused_total_s,
        "active_total_s": core.active_total_s,
    }


def _fail(message: str) -> SessionDataError:
    return SessionDataError(f"stored session is not usable: {message}")


def core_from_dict(data: object, timeline: Timeline) -> SessionCore:
    """Check a stored dict against its shape and against `timeline`; the core it describes."""
    if not isinstance(data, dict):
        raise _fail(f"expected a dict, got {type(data).__name__}")
    version = data.get("version")
    if version != FORMAT_VERSION:
        raise _fail(f"version {version!r} is not supported; expected {FORMAT_VERSION}")
    try:
        text = json.dumps(data)
    except (TypeError, ValueError) as error:
        raise _fail(f"it is not JSON data ({error})") from None
    try:
        # JSON mode: the stored form is JSON, so lists stand for tuples and 10 for 10.0.
        stored = _Stored.model_validate_json(text)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'data'}: {e['msg']}" for e in error.errors()
        )
        raise _fail(problems) from None
    if stored.routine != timeline.routine_id:
        raise _fail(f"it is for routine {stored.routine!r}, not {timeline.routine_id!r}")
    if stored.plan != plan_digest(timeline):
        raise _fail(f"the plan of {timeline.routine_id!r} has changed since it was stored")
    count = len(timeline.events)
    if stored.cursor > count:
        raise _fail(f"cursor {stored.cursor} is past the {count} events of the plan")
    for index, seconds in stored.shifts:
        if not 0 <= index < count or seconds <= 0:
            raise _fail(f"added time ({index}, {seconds}) is not a later shift of an event")
    state = SessionState(stored.state)
    started = stored.started_at is not None and stored.updated_at is not None
    if started == (state is SessionState.READY):
        raise _fail(f"state {state.value!r} does not agree with its start time")
    if state is SessionState.FINISHED and stored.cursor != count:
        raise _fail("a finished session must have delivered every event")
    begun, seen = stored.started_at, stored.updated_at
    if begun is not None and seen is not None and seen < begun:
        raise _fail("it was updated before it started")
    return SessionCore(
        state=state,
        cursor=stored.cursor,
        anchor_wall=stored.anchor_wall,
        anchor_offset=stored.anchor_offset,
        shifts=tuple((index, seconds) for index, seconds in stored.shifts),
        started_at=stored.started_at,
        updated_at=stored.updated_at,
        paused_total_s=stored.paused_total_s,
        active_total_s=stored.active_total_s,
    )
