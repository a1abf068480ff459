"""From stored history to the progress figures: session records with their routine's areas.

The history table keeps the routine id only; the areas come from the routine as the catalog knows
it now. A session of a routine that is gone (a deleted own routine) keeps its minutes and pain
ratings but has no areas.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from guide_bot.domain.routine import Routine
from guide_bot.progress.figures import SessionRecord
from guide_bot.progress.history import HistoryEntry

UTC_ZONE = ZoneInfo("UTC")
Find = Callable[[str], Routine | None]


def to_records(entries: Iterable[HistoryEntry], find: Find) -> list[SessionRecord]:
    """Session records for the figures, oldest first."""
    records = []
    routines: dict[str, Routine | None] = {}
    for entry in entries:
        if entry.routine_id not in routines:  # a few routines, many sessions: look each up once
            routines[entry.routine_id] = find(entry.routine_id)
        routine = routines[entry.routine_id]
        records.append(
            SessionRecord(
                started_at=entry.started_at,
                duration_s=entry.active_s,
                routine_id=entry.routine_id,
                areas=tuple(routine.areas) if routine is not None else (),
                completed=entry.completed,
                pain_before=entry.pain_before,
                pain_after=entry.pain_after,
            )
        )
    return sorted(records, key=lambda r: r.started_at)


def zone_or_utc(name: str | None) -> tuple[ZoneInfo, bool]:
    """The user's zone and True, or UTC and False when none is set (or it is unknown)."""
    if not name:
        return UTC_ZONE, False
    try:
        return ZoneInfo(name), True
    except (ZoneInfoNotFoundError, ValueError):
        return UTC_ZONE, False
