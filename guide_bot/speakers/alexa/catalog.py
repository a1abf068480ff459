"""The routines as Alexa knows them: their spoken names, and finding one from what was heard.

The same names feed the interaction model's ROUTINE slot type (model.py) and the matching of a
spoken value here, so what Alexa is taught and what the skill accepts cannot drift apart.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from guide_bot.domain.routine import Routine

_NOT_WORD = re.compile(r"[^a-z0-9]+")
_TRAILING_CLAUSE = re.compile(r"\s+(?:with|for)\s+.*$")
CLOSE_MATCH_CUTOFF = 0.8


def normalize(text: str) -> str:
    """Lower case, words separated by single spaces, no punctuation."""
    return _NOT_WORD.sub(" ", text.lower()).strip()


def _candidate_synonyms(routine_id: str, title: str) -> set[str]:
    """The id read out, and the title without a trailing "with ..." or "for ..." clause."""
    names = {normalize(routine_id.replace("-", " ")), _TRAILING_CLAUSE.sub("", normalize(title))}
    return {name for name in names if name} - {normalize(title)}


@dataclass(frozen=True, kw_only=True)
class SpokenRoutine:
    """One routine: its id, its title (the slot value's name) and the other ways to say it."""

    id: str
    title: str
    synonyms: tuple[str, ...]


class AlexaCatalog:
    """The routines the skill offers, in id order."""

    def __init__(self, titles: Mapping[str, str]) -> None:
        if not titles:
            raise ValueError("the Alexa skill needs at least one routine in the library")
        candidates = {rid: _candidate_synonyms(rid, titles[rid]) for rid in sorted(titles)}
        uses = Counter(normalize(title) for title in titles.values())
        for names in candidates.values():
            uses.update(names)
        routines = []
        for rid, names in candidates.items():
            # a name two routines share would be a coin toss: neither gets it
            synonyms = {name for name in names if uses[name] == 1}
            if normalize(titles[rid]) != titles[rid].lower():
                synonyms.add(normalize(titles[rid]))  # the title without its punctuation
            routines.append(
                SpokenRoutine(id=rid, title=titles[rid], synonyms=tuple(sorted(synonyms)))
            )
        self.routines: tuple[SpokenRoutine, ...] = tuple(routines)
        self._by_id = {routine.id: routine for routine in self.routines}
        self._by_name: dict[str, str] = {}
        for routine in self.routines:
            for name in (routine.id, normalize(routine.title), *routine.synonyms):
                self._by_name.setdefault(normalize(name), routine.id)

    @classmethod
    def from_routines(cls, routines: Iterable[Routine]) -> AlexaCatalog:
        return cls({routine.id: routine.title for routine in routines})

    def get(self, routine_id: str) -> SpokenRoutine | None:
        return self._by_id.get(routine_id)

    def match(self, heard: str) -> SpokenRoutine | None:
        """The routine a spoken value names: exactly (any of its names), else a close match."""
        key = normalize(heard)
        if not key:
            return None
        found = self._by_name.get(key)
        if found is None:
            close = difflib.get_close_matches(key, self._by_name, n=1, cutoff=CLOSE_MATCH_CUTOFF)
            found = self._by_name[close[0]] if close else None
        return self._by_id[found] if found else None

    def examples(self, count: int = 3) -> list[str]:
        """A few names to suggest, the shortest way to say each, always the same ones."""
        spoken = [
            min((normalize(r.id.replace("-", " ")), *r.synonyms), key=len) for r in self.routines
        ]
        return spoken[:count]
