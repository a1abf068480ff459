"""Parsing what people type for a reminder: `/remind 07:30 mon-fri neck-release`.

Pure. The grammar is `TIME [DAYS] [ROUTINE]`:

* TIME: `07:30`, `7:30`, `19.30`, `7am`, `7:30pm`, `7 pm`, `noon`;
* DAYS (default every day): `daily`, `every day`, `weekdays`, `weekends`, `mon-fri`,
  `mon,wed,fri`, `sat-sun`, wrapping ranges like `fri-mon`, full names (`monday`);
* ROUTINE: a routine id of the library.

Day words come from `DayWords` vocabularies: English always, and the user's language first
(`guide_bot.reminders.words` builds it from Babel and the catalog). Matching ignores case,
accents and trailing dots (`Mié.` is `mie`).

Errors are `ReminderInputError` with a kind and the offending token; the bot words them.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import time
from enum import StrEnum

from guide_bot.reminders.rules import EVERY_DAY, WEEKDAYS, WEEKENDS

DAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_ALIASES: dict[str, int] = {
    **{name: i for i, name in enumerate(DAY_NAMES)},
    **{name: i for i, name in enumerate(_FULL)},
    "tues": 1,
    "wednes": 2,
    "thur": 3,
    "thurs": 3,
}
_SETS: dict[str, frozenset[int]] = {
    "daily": EVERY_DAY,
    "everyday": EVERY_DAY,
    "every-day": EVERY_DAY,
    "weekdays": WEEKDAYS,
    "weekday": WEEKDAYS,
    "workdays": WEEKDAYS,
    "weekends": WEEKENDS,
    "weekend": WEEKENDS,
}


def fold(text: str) -> str:
    """Lower case without accents, so `Miércoles`, `miercoles` and `MIÉRCOLES` match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


@dataclass(frozen=True, slots=True)
class DayWords:
    """One language's day words, folded: single days, sets of days, and how each is written
    (for "did you mean"). Words with spaces or hyphens (`entre semana`, `segunda-feira`) are
    kept joined (`entresemana`); `phrases` lists them as typed so the input can be joined too."""

    days: Mapping[str, int]
    sets: Mapping[str, frozenset[int]]
    shown: Mapping[str, str] = field(default_factory=dict)
    phrases: tuple[str, ...] = ()

    def known(self, word: str) -> bool:
        """Whether `word` (folded) is a day or a set of days here."""
        return word in self.days or word in self.sets

    def words(self) -> list[str]:
        """Every folded word, for close matches."""
        return [*self.days, *self.sets]


def joined(word: str) -> str:
    """A multi-part word as one token: spaces and hyphens dropped, folded."""
    return re.sub(r"[\s\-]+", "", fold(word))


ENGLISH_DAYS = DayWords(days=_DAY_ALIASES, sets=_SETS, phrases=("every day",))

_TIME_24 = re.compile(r"^(\d{1,2})[:.h](\d{2})$")
_TIME_12 = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(am|pm|a\.m\.|p\.m\.)$")


class InputProblem(StrEnum):
    """What was wrong with the input; each kind has its own wording with a working example."""

    MISSING_TIME = "missing_time"
    BAD_TIME = "bad_time"
    UNKNOWN_DAY = "unknown_day"
    UNKNOWN_ROUTINE = "unknown_routine"
    TOO_MANY = "too_many"


class ReminderInputError(ValueError):
    """Input that cannot become a reminder: the problem, the token typed, a close match."""

    def __init__(self, problem: InputProblem, token: str = "", suggestion: str | None = None):
        super().__init__(f"{problem.value}: {token!r}")
        self.problem = problem
        self.token = token
        self.suggestion = suggestion


@dataclass(frozen=True, kw_only=True, slots=True)
class ReminderRequest:
    """A parsed `/remind`: time of day, days, and the routine to suggest (if any)."""

    at: time
    days: frozenset[int]
    routine_id: str | None


def parse_time(token: str) -> time:
    """A time of day from `07:30`, `7:30`, `19.30`, `7am`, `7:30pm` or `noon`/`midnight`."""
    text = token.strip().lower().replace(" ", "")
    if text in ("noon", "midday"):
        return time(12, 0)
    if text == "midnight":
        return time(0, 0)
    if m := _TIME_24.match(text):
        hour, minute = int(m[1]), int(m[2])
    elif m := _TIME_12.match(text):
        hour, minute = int(m[1]), int(m[2] or 0)
        if not 1 <= hour <= 12:
            raise ReminderInputError(InputProblem.BAD_TIME, token)
        hour = hour % 12 + (12 if m[3].startswith("p") else 0)
    elif text.isdigit() and len(text) <= 2:
        hour, minute = int(text), 0
    else:
        raise ReminderInputError(InputProblem.BAD_TIME, token)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ReminderInputError(InputProblem.BAD_TIME, token)
    return time(hour, minute)


Vocabulary = Sequence[DayWords]  # the user's language first, English last


def _lookup(word: str, vocab: Vocabulary) -> int | frozenset[int] | None:
    for language in vocab:
        if word in language.days:
            return language.days[word]
        if word in language.sets:
            return language.sets[word]
    return None


def _suggest(word: str, vocab: Vocabulary) -> str | None:
    """The closest word, from the user's own language before English, as that language writes
    it."""
    for language in vocab:
        close = difflib.get_close_matches(word, language.words(), n=1, cutoff=0.6)
        if close:
            return language.shown.get(close[0], close[0])
    return None


def _day(token: str, vocab: Vocabulary) -> int:
    found = _lookup(token.strip("."), vocab)
    if isinstance(found, int):
        return found
    raise ReminderInputError(InputProblem.UNKNOWN_DAY, token, _suggest(token.strip("."), vocab))


def parse_days(spec: str, vocab: Vocabulary = (ENGLISH_DAYS,)) -> frozenset[int]:
    """Weekday numbers (Monday=0) from `daily`, `weekdays`, `mon-fri`, `mon,wed,fri`, ..., in
    the languages of `vocab` (English only by default)."""
    text = fold(spec.strip())
    whole = _lookup(text.strip("."), vocab)
    if whole is not None:
        return whole if isinstance(whole, frozenset) else frozenset({whole})
    days: set[int] = set()
    for part in filter(None, text.split(",")):
        found = _lookup(part.strip("."), vocab)
        if isinstance(found, frozenset):
            days |= found
        elif found is not None:
            days.add(found)
        elif "-" in part:
            first, _, last = part.partition("-")
            start, end = _day(first, vocab), _day(last, vocab)
            span = (end - start) % 7
            days |= {(start + i) % 7 for i in range(span + 1)}
        else:
            days.add(_day(part, vocab))
    if not days:
        raise ReminderInputError(InputProblem.UNKNOWN_DAY, spec)
    return frozenset(days)


def _looks_like_days(token: str, vocab: Vocabulary) -> bool:
    """Whether a token that failed as days was meant as days rather than as a routine id."""
    parts = [p.strip(".") for p in re.split(r"[,\-]", token) if p]
    if any(_lookup(p, vocab) is not None for p in parts):
        return True
    if "," in token:
        return True
    return len(parts) == 1 and _suggest(parts[0], vocab) is not None


def _normalise(args: list[str], vocab: Vocabulary) -> list[str]:
    text = fold(" ".join(args))
    phrases = {fold(p) for language in vocab for p in language.phrases}
    for phrase in sorted(phrases, key=len, reverse=True):  # "every day" -> "everyday"
        parts = (re.escape(w) for w in re.split(r"[\s\-]+", phrase))
        pattern = r"(?<!\w)" + r"(?:\s+|\s*-\s*)".join(parts) + r"\.?(?!\w)"
        text = re.sub(pattern, joined(phrase), text)
    text = re.sub(r"\s*,\s*", ",", text)  # "mon, wed" -> "mon,wed"
    text = re.sub(r"(?<=[^\W\d_]|\.)\s*-\s*(?=[^\W\d_])", "-", text)  # "mon - fri" -> "mon-fri"
    text = re.sub(r"(\d)\s+(am|pm|a\.m\.|p\.m\.)(?!\w)", r"\1\2", text)  # "7 am" -> "7am"
    return text.split()


def _routine(token: str, known: Collection[str] | None) -> str:
    if known is None or token in known:
        return token
    close = difflib.get_close_matches(token, sorted(known), n=1, cutoff=0.5)
    raise ReminderInputError(InputProblem.UNKNOWN_ROUTINE, token, close[0] if close else None)


def parse_remind(
    args: list[str], known_routines: Collection[str] | None, vocab: Vocabulary = (ENGLISH_DAYS,)
) -> ReminderRequest:
    """The arguments of `/remind` as a request; raises ReminderInputError with a precise kind.
    Day words are those of `vocab` (the user's language, then English)."""
    tokens = _normalise(args, vocab)
    if not tokens:
        raise ReminderInputError(InputProblem.MISSING_TIME)
    at = parse_time(tokens[0])
    rest = tokens[1:]
    days = EVERY_DAY
    routine_id: str | None = None
    if len(rest) > 2:
        raise ReminderInputError(InputProblem.TOO_MANY, " ".join(rest[2:]))
    if len(rest) == 2:
        days = parse_days(rest[0], vocab)
        routine_id = _routine(rest[1], known_routines)
    elif len(rest) == 1:
        token = rest[0]
        try:
            days = parse_days(token, vocab)
        except ReminderInputError:
            if known_routines is not None and token in known_routines:
                routine_id = token
            elif _looks_like_days(token, vocab):
                raise
            else:
                routine_id = _routine(token, known_routines)
    return ReminderRequest(at=at, days=days, routine_id=routine_id)


def describe_days(days: frozenset[int]) -> str:
    """A short English label: `every day`, `weekdays`, `weekends`, `Mon-Wed`, `Mon, Wed, Fri`."""
    if days == EVERY_DAY:
        return "every day"
    if days == WEEKDAYS:
        return "weekdays"
    if days == WEEKENDS:
        return "weekends"
    ordered = sorted(days)
    names = [DAY_NAMES[d].capitalize() for d in ordered]
    if len(ordered) >= 3 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{names[0]}-{names[-1]}"
    return ", ".join(names)
