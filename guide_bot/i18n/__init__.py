"""The languages guide-bot speaks: codes, gettext catalogs, speech voices and formats.

Language codes are `en` (the source), `de`, `es`, `ru` and `pt-br` everywhere (settings,
/language, --lang, GUIDE_BOT_LANG, cache keys, the routine translation folders). A `Translator`
is made per user or per run and passed down explicitly: there is no process-wide current
language, since one bot process serves many users at once.
"""

from __future__ import annotations

from guide_bot.i18n.languages import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    NATIVE_NAMES,
    UnknownLanguage,
    language_of_tag,
    parse_language,
)
from guide_bot.i18n.translator import EN, Translator, translator

__all__ = [
    "DEFAULT_LANGUAGE",
    "EN",
    "LANGUAGES",
    "NATIVE_NAMES",
    "Translator",
    "UnknownLanguage",
    "language_of_tag",
    "parse_language",
    "translator",
]
