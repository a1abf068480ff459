"""The day words of each shipped language for `/remind`: Babel's day names and the catalog's
words for every day, weekdays and weekends.

Each language's words sit before English's, so a Spanish user can type `lun-vie` or `mon-fri`,
and "did you mean" offers a Spanish word first.
"""

from __future__ import annotations

from functools import cache

from guide_bot.domain.wording import N_
from guide_bot.i18n import Translator, translator
from guide_bot.reminders.parsing import ENGLISH_DAYS, DayWords, Vocabulary, fold, joined
from guide_bot.reminders.rules import EVERY_DAY, WEEKDAYS, WEEKENDS

# What people type for each set, comma-separated alternatives (translators may list several).
TYPED_SETS = {
    EVERY_DAY: (N_("daily, everyday"), "every day", "Every day"),
    WEEKDAYS: (N_("weekdays, workdays"), "weekdays", "Weekdays"),
    WEEKENDS: (N_("weekends, weekend"), "weekends", "Weekends"),
}
_BABEL_NAMES = (
    ("format", "abbreviated"),
    ("format", "wide"),
    ("stand-alone", "abbreviated"),
    ("stand-alone", "wide"),
)


def _key(word: str) -> str:
    return joined(word).strip(".")


def language_days(tr: Translator) -> DayWords:
    """The day words of `tr`'s language (Babel's names, the catalog's set words)."""
    days: dict[str, int] = {}
    sets: dict[str, frozenset[int]] = {}
    shown: dict[str, str] = {}
    phrases: set[str] = set()

    def add(word: str, value: int | frozenset[int]) -> None:
        word = word.strip().rstrip(".").lower()
        key = _key(word)
        if not key or key in days or key in sets:
            return  # the first meaning wins (format names before stand-alone ones)
        if isinstance(value, int):
            days[key] = value
        else:
            sets[key] = value
        shown[key] = word
        if fold(word) != key:
            phrases.add(word)

    for context, width in _BABEL_NAMES:
        names = tr.locale.days[context][width]
        for number in range(7):
            add(str(names[number]), number)
            add(str(names[number]).split("-")[0], number)  # "segunda" for "segunda-feira"
    for value, messages in TYPED_SETS.items():
        for message in messages:
            for word in tr.gettext(message).split(","):
                add(word, value)
    return DayWords(days=days, sets=sets, shown=shown, phrases=tuple(sorted(phrases)))


@cache
def vocabulary(code: str) -> Vocabulary:
    """The words a user of language `code` may type: theirs first, then English."""
    if code == "en":
        return (ENGLISH_DAYS,)
    return (language_days(translator(code)), ENGLISH_DAYS)
