"""A language's gettext catalog and Babel formats, made once per language and shared.

Messages use named placeholders (`{name}`), filled in by `t` and `n` after translation, so a
translation may put them in any order.
"""

from __future__ import annotations

import gettext
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time, format_timedelta
from babel.numbers import format_decimal

from guide_bot.i18n.languages import BABEL_LOCALES, GETTEXT_LOCALES, parse_language

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "guide_bot"


class Translator:
    """One language: gettext, ngettext and the language's formats. Implements the domain's
    `Wording`."""

    def __init__(self, code: str, catalog: gettext.NullTranslations) -> None:
        self.code = code
        self._catalog = catalog
        self.locale = Locale.parse(BABEL_LOCALES[code])

    def gettext(self, message: str) -> str:
        """The translation of `message`, or `message` itself."""
        return self._catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The translation in the plural form that suits `n`."""
        return self._catalog.ngettext(singular, plural, n)

    def t(self, message: str, **values: Any) -> str:
        """Translate, then fill in the named placeholders."""
        text = self.gettext(message)
        return text.format(**values) if values else text

    def n(self, singular: str, plural: str, count: int, **values: Any) -> str:
        """Translate in the right plural form, then fill in `{n}` and the other placeholders."""
        return self.ngettext(singular, plural, count).format(n=count, **values)

    # --- formats ---------------------------------------------------------------------------

    def decimal(self, value: float, digits: int = 1) -> str:
        """A number with `digits` decimals and the language's separator (2.5 / 2,5)."""
        pattern = f"#,##0.{'0' * digits}" if digits else "#,##0"
        return format_decimal(value, format=pattern, locale=self.locale)

    def clock(self, moment: time | datetime) -> str:
        """A time of day, 24-hour as everywhere in the bot (07:30)."""
        return format_time(moment, format="HH:mm", locale=self.locale)  # the bot uses 24 h

    def day(self, moment: date | datetime) -> str:
        """A date as the language writes it, short (Jan 12, 2026 / 12.01.2026)."""
        return format_date(moment, format="medium", locale=self.locale)

    def day_and_time(self, moment: datetime) -> str:
        """A weekday, date and time of day, like 'Mon 12 Jan 23:30' in each language."""
        return f"{format_date(moment, 'EEE d MMM', locale=self.locale)} {self.clock(moment)}"

    def weekday(self, moment: date | datetime) -> str:
        """The short name of a weekday (Mon / Mo.)."""
        return format_date(moment, "EEE", locale=self.locale)

    def skeleton(self, moment: date | datetime, skeleton: str) -> str:
        """A date in the language's own pattern for a CLDR skeleton (`MMMd`: Jan 5 / 5. Jan.)."""
        return format_skeleton(skeleton, moment, locale=self.locale)

    def duration(self, seconds: float) -> str:
        """A length of time in words (5 minutes / 5 Minuten)."""
        return format_timedelta(timedelta(seconds=seconds), threshold=1.0, locale=self.locale)


@cache
def translator(code: str) -> Translator:
    """The translator of a shipped language (parsed with `parse_language`)."""
    code = parse_language(code)
    catalog = gettext.translation(
        DOMAIN, localedir=LOCALE_DIR, languages=[GETTEXT_LOCALES[code]], fallback=True
    )
    return Translator(code, catalog)


EN = translator("en")  # the source language, the default where no user language is known
