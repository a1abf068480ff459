"""Which voice speaks each language: gTTS language and accent (tld), and an espeak-ng voice.

Telegram gives an IETF tag (`de`, `en-gb`, `pt-br`, `es-419`); guide-bot's own language codes
(`en`, `de`, `es`, `ru`, `pt-br`) are tags too. A tag with an accent of its own keeps it (`en-gb`
is British English, `es-419` Latin American Spanish); a language guide-bot does not speak is
spoken in English (the caller tells the user once, since the words are English then too).
"""

from __future__ import annotations

from typing import Final

from guide_bot.i18n.languages import DEFAULT_LANGUAGE, language_of_tag
from guide_bot.speech.selection import Voice

# (gTTS language, gTTS top-level domain) of each tag with an accent of its own.
_ACCENTS: Final[dict[str, tuple[str, str]]] = {
    "en": ("en", "com"),
    "en-us": ("en", "com"),
    "en-gb": ("en", "co.uk"),
    "en-au": ("en", "com.au"),
    "en-in": ("en", "co.in"),
    "en-ca": ("en", "ca"),
    "en-ie": ("en", "ie"),
    "en-za": ("en", "co.za"),
    "de": ("de", "com"),
    "es": ("es", "es"),  # the shipped Spanish is written for Spain (es_ES formats)
    "es-es": ("es", "es"),
    "es-419": ("es", "com.mx"),
    "es-mx": ("es", "com.mx"),
    "es-us": ("es", "us"),
    "ru": ("ru", "com"),
    "pt-br": ("pt", "com.br"),
    "pt": ("pt", "com.br"),  # the shipped Portuguese is Brazilian
    "pt-pt": ("pt", "pt"),
}
# The accent of each shipped language when a tag names none of its own (`de-at`, `ru-ua`).
_BY_LANGUAGE: Final[dict[str, tuple[str, str]]] = {
    "en": ("en", "com"),
    "de": ("de", "com"),
    "es": ("es", "es"),
    "ru": ("ru", "com"),
    "pt-br": ("pt", "com.br"),
}


def speech_accent(tag: str | None) -> tuple[str, str]:
    """(gTTS language, tld) for a Telegram tag or language code; English for one not shipped."""
    normal = (tag or "").strip().lower().replace("_", "-")
    if normal in _ACCENTS:
        return _ACCENTS[normal]
    return _BY_LANGUAGE[language_of_tag(normal) or DEFAULT_LANGUAGE]


def speech_voice(tag: str | None, *, slow: bool = False) -> Voice:
    """The voice for a Telegram tag or language code (see `speech_accent`)."""
    language, tld = speech_accent(tag)
    return Voice(language=language, tld=tld, slow=slow)
