"""Users' own routines: upload, list, look up and delete, always scoped to one user.

A stored routine is checked again each time it is loaded, so a rule added later applies to old
uploads too; one that no longer passes is listed (so it can be deleted) but cannot be started.
Routines handed out carry their namespaced id (`my:<id>`), so sessions, history and reminders
that store `routine.id` point back here and never at a library routine.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from guide_bot.domain.routine import Routine
from guide_bot.library.issues import Issue
from guide_bot.library.loader import parse_routine
from guide_bot.library.uploads import (
    MAX_ROUTINES_PER_USER,
    UploadCheck,
    check_upload,
    split_user_ref,
    user_ref,
)
from guide_bot.progress.routine_store import StoredRoutine, UserRoutineRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class UploadOutcome:
    """What happened to an upload: stored (new or replacing the user's own), or refused."""

    check: UploadCheck
    stored: bool = False
    replaced: bool = False
    ref: str | None = None  # `my:<id>` when stored
    errors: list[Issue] = field(default_factory=list)  # the check's errors and any limit


@dataclass(frozen=True, kw_only=True)
class UserRoutineEntry:
    """One row of "My routines"; `routine` is None when the file no longer passes the checks."""

    ref: str
    title: str
    routine: Routine | None


@lru_cache(maxsize=512)
def _parse_stored(routine_id: str, yaml_text: str) -> Routine | None:
    """The namespaced routine of a stored text; cached, since lookups list a user's routines."""
    try:
        routine, problems = parse_routine(yaml_text, file=routine_id)
    except RecursionError:
        routine, problems = None, []
    if routine is None or routine.id != routine_id:
        log.warning("stored user routine no longer valid (%d problems)", len(problems))
        return None
    # model_copy skips validation on purpose: "my:" is not a valid file id, and must not be one.
    return routine.model_copy(update={"id": user_ref(routine.id)})


class UserRoutines:
    """The per-user routine store behind "My routines" and `my:` ids."""

    def __init__(self, repository: UserRoutineRepository, library_ids: Collection[str]) -> None:
        self._repo = repository
        self._library_ids = library_ids

    def check(self, data: bytes, *, file: str) -> UploadCheck:
        """Check an uploaded file (no database access: safe to run in a worker thread)."""
        return check_upload(data, file=file, library_ids=self._library_ids)

    def store(self, user_id: int, check: UploadCheck, *, file: str, now: datetime) -> UploadOutcome:
        """Store a checked upload for this user, unless it was refused or over the limit."""
        if not check.ok or check.routine is None or check.text is None:
            return UploadOutcome(check=check, errors=list(check.errors))
        routine = check.routine
        exists = self._repo.get(user_id, routine.id) is not None
        if not exists and self._repo.count(user_id) >= MAX_ROUTINES_PER_USER:
            limit = Issue(
                file=file,
                field="(file)",
                message=f"you already have {MAX_ROUTINES_PER_USER} routines; allowed: at most "
                f"{MAX_ROUTINES_PER_USER}, delete one first",
            )
            return UploadOutcome(check=check, errors=[limit])
        created = self._repo.save(user_id, routine.id, routine.title, check.text, now)
        return UploadOutcome(
            check=check, stored=True, replaced=not created, ref=user_ref(routine.id)
        )

    def upload(self, user_id: int, data: bytes, *, file: str, now: datetime) -> UploadOutcome:
        """Check an uploaded file and store it for this user when it is valid."""
        return self.store(user_id, self.check(data, file=file), file=file, now=now)

    def _load(self, stored: StoredRoutine) -> Routine | None:
        return _parse_stored(stored.routine_id, stored.yaml_text)

    def get(self, user_id: int, ref: str) -> Routine | None:
        """The user's routine for `my:<id>`, or None (also for ids that are not `my:`)."""
        bare = split_user_ref(ref)
        if bare is None:
            return None
        stored = self._repo.get(user_id, bare)
        return self._load(stored) if stored is not None else None

    def entries(self, user_id: int) -> list[UserRoutineEntry]:
        """The user's routines, for "My routines"."""
        return [
            UserRoutineEntry(ref=user_ref(s.routine_id), title=s.title, routine=self._load(s))
            for s in self._repo.list(user_id)
        ]

    def routines(self, user_id: int) -> list[Routine]:
        """The user's routines that can be started: a source for the bot's catalog."""
        return [e.routine for e in self.entries(user_id) if e.routine is not None]

    def delete(self, user_id: int, ref: str) -> bool:
        """Delete the user's routine `my:<id>`; False when there is none."""
        bare = split_user_ref(ref)
        return bare is not None and self._repo.delete(user_id, bare)


def clear_parsed_cache() -> None:
    """Drop every parsed routine kept in memory (after /forget, nothing of a user stays)."""
    _parse_stored.cache_clear()
