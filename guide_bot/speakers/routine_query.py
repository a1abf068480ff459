"""Finding a routine from what a person said: its id, or words of its title.

Voice assistants hand over "neck release", "the Neck Release routine" or "neck-release"; each
names the routine `neck-release`. Pure: takes the library as a mapping.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

from guide_bot.domain.routine import Routine

_FILLER = frozenset({"the", "a", "an", "my", "routine", "session", "please", "start", "play"})


class RoutineNotFound(LookupError):
    """No routine, or more than one, matches; the message says which ones come close."""


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _FILLER]


def find_routine(query: str, routines: Mapping[str, Routine]) -> Routine:
    """The routine named by `query`: exact id first, then all its words in the id or the title."""
    text = query.strip()
    if text in routines:
        return routines[text]
    wanted = _words(text)
    if not wanted:
        raise RoutineNotFound("say which routine, e.g. neck-release")
    exact = [r for r in routines.values() if _words(r.id) == wanted or _words(r.title) == wanted]
    if len(exact) == 1:
        return exact[0]
    matches = exact or [
        r
        for r in routines.values()
        if all(w in set(_words(r.id)) | set(_words(r.title)) for w in wanted)
    ]
    if len(matches) == 1:
        return matches[0]
    if matches:
        names = ", ".join(sorted(r.id for r in matches))
        raise RoutineNotFound(f"{query!r} matches several routines: {names}")
    close = difflib.get_close_matches("-".join(wanted), sorted(routines), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise RoutineNotFound(f"no routine matches {query!r}{hint}")
