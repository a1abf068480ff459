"""The routines a user can choose from, and the ways to find one.

The shipped library is the same for everyone; per-user routines (e.g. "My routines") come
from the sources the composition root gives `Catalog.from_routines`. Buttons refer to a routine
by a short reference: its id when it is a short slug that fits Telegram's 64-byte callback
data, a hash otherwise (a user routine's `my:<id>` has the callback separator ":" in it, so it
is hashed).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from guide_bot.domain.routine import AREAS, COMPLAINTS, SLUG_RE, TOOLS, Routine
from guide_bot.domain.timeline import plan
from guide_bot.library.translations import Translations

MAX_REF_LENGTH = 40
UserSource = Callable[[int], Iterable[Routine]]

# (key, upper bound in minutes); a routine falls in the first bucket it fits.
LENGTH_BUCKETS: tuple[tuple[str, float], ...] = (
    ("5", 5.0),
    ("10", 10.0),
    ("20", 20.0),
    ("more", float("inf")),
)


def routine_ref(routine_id: str) -> str:
    """The short reference buttons carry for a routine."""
    if len(routine_id) <= MAX_REF_LENGTH and SLUG_RE.fullmatch(routine_id):
        return routine_id
    return "~" + hashlib.sha256(routine_id.encode("utf-8")).hexdigest()[:16]


def length_bucket(duration_s: float) -> str:
    """The length bucket key of a routine of this duration."""
    minutes = duration_s / 60
    return next(key for key, bound in LENGTH_BUCKETS if minutes <= bound)


def title_key(title: str) -> tuple[str, str]:
    """A sort key close to each language's dictionary order without ICU: accents and case only
    break ties (`Ägypten` by `Agypten`, `ёлка` by `елка`, `Ángulo` among the A's)."""
    folded = title.casefold()
    base = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return base, folded


@dataclass
class Catalog:
    """The library routines plus per-user sources, with lookups by reference and filters."""

    library: dict[str, Routine]
    user_sources: tuple[UserSource, ...] = ()
    translations: Translations = field(default_factory=Translations)
    _durations: dict[tuple[str, int], float] = field(default_factory=dict)

    @classmethod
    def from_routines(
        cls,
        routines: Iterable[Routine],
        user_sources: Iterable[UserSource] = (),
        translations: Translations | None = None,
    ) -> Catalog:
        """A catalog of these library routines, and of each user's own from `user_sources`;
        `translations` (LoadResult.translations) gives the library in the other languages."""
        return cls(
            library={r.id: r for r in routines},
            user_sources=tuple(user_sources),
            translations=translations or Translations(),
        )

    def localized(self, routine: Routine, code: str) -> Routine:
        """`routine` in the language `code` (en, de, es, ru, pt-br): its translation, or the
        routine itself in English, for a user's own routine or where no translation loaded."""
        return self.translations.localized(routine, code)

    def routines(self, user_id: int, code: str = "en") -> list[Routine]:
        """Every routine this user may use: theirs first, then the library by its title in the
        language `code` (the routines themselves stay as they are: `localized` translates)."""
        own: dict[str, Routine] = {}
        for source in self.user_sources:
            for routine in source(user_id):
                own.setdefault(routine.id, routine)
        shared = [r for r in self.library.values() if r.id not in own]
        shared.sort(key=lambda r: title_key(self.localized(r, code).title))
        return list(own.values()) + shared

    def find(self, user_id: int, ref: str) -> Routine | None:
        """The routine a button or command refers to (id or hashed reference), if the user may."""
        for routine in self.routines(user_id):
            if ref in (routine.id, routine_ref(routine.id)):
                return routine
        return None

    def duration_s(self, routine: Routine) -> float:
        """The routine's planned length with the reading-time estimate (cached)."""
        key = (routine.id, hash(routine))
        if key not in self._durations:
            self._durations[key] = plan(routine).total_s
        return self._durations[key]

    def filtered(self, user_id: int, by: str, value: str, code: str = "en") -> list[Routine]:
        """Routines for a complaint (c), body area (a), length bucket (l) or tool (t), in the
        order of `routines` for language `code`."""
        routines = self.routines(user_id, code)
        if by == "c":
            return [r for r in routines if value in r.complaints]
        if by == "a":
            return [r for r in routines if value in r.areas]
        if by == "t":
            return [r for r in routines if value in r.tools]
        if by == "l":
            return [r for r in routines if length_bucket(self.duration_s(r)) == value]
        return routines

    def values(self, user_id: int, by: str) -> list[str]:
        """The choices that lead to at least one routine, in the vocabulary's order."""
        vocab = {"c": COMPLAINTS, "a": AREAS, "t": TOOLS}.get(by)
        if vocab is None:
            vocab = tuple(key for key, _ in LENGTH_BUCKETS)
        return [v for v in vocab if self.filtered(user_id, by, v)]
