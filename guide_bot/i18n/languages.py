"""The shipped languages and how a Telegram language tag maps onto them."""

from __future__ import annotations

from typing import Final

LANGUAGES: Final = ("en", "de", "es", "ru", "pt-br")
DEFAULT_LANGUAGE: Final = "en"
# Each language in its own words, for the /language buttons.
NATIVE_NAMES: Final = {
    "en": "English",
    "de": "Deutsch",
    "es": "Español",
    "ru": "Русский",
    "pt-br": "Português (Brasil)",
}
# The gettext locale folder of each language (guide_bot/locale/<locale>/LC_MESSAGES).
GETTEXT_LOCALES: Final = {"en": "en", "de": "de", "es": "es", "ru": "ru", "pt-br": "pt_BR"}
# Babel's locale for dates, times and numbers.
BABEL_LOCALES: Final = {"en": "en", "de": "de_DE", "es": "es_ES", "ru": "ru_RU", "pt-br": "pt_BR"}


class UnknownLanguage(ValueError):
    """A language code guide-bot does not ship."""

    def __init__(self, code: str) -> None:
        super().__init__(f"unknown language {code!r}: the allowed codes are {', '.join(LANGUAGES)}")
        self.code = code


def parse_language(code: str) -> str:
    """A language code from a user or the command line, normalised; `UnknownLanguage` if not
    shipped (`pt_BR`, `PT-BR` and `pt-br` are the same)."""
    normal = code.strip().lower().replace("_", "-")
    if normal not in LANGUAGES:
        raise UnknownLanguage(code)
    return normal


def language_of_tag(tag: str | None) -> str | None:
    """The shipped language of a Telegram `language_code` (an IETF tag such as `de`, `pt-br`,
    `en-gb`, `es-419`), or None when guide-bot does not speak it."""
    if not tag:
        return None
    normal = tag.strip().lower().replace("_", "-")
    if normal in LANGUAGES:
        return normal
    base = normal.split("-", 1)[0]
    if base == "pt":
        return "pt-br"  # the one Portuguese shipped
    return base if base in LANGUAGES else None
