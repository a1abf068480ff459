"""`--lang CODE` (or GUIDE_BOT_LANG): the language of a command's words and voice.

One choice sets all three: the routine's own text (its translation, docs/routines.md), the cue
words the planner adds (a `Translator` as the domain's `Wording`) and the voice that speaks them
(speech/languages.py), so that the planner measures that language's real cue lengths. A code
guide-bot does not ship ends the command with one line naming the allowed codes, exit status 2.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from guide_bot.config import ConfigError, Settings
from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import PlanOptions
from guide_bot.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    Translator,
    UnknownLanguage,
    parse_language,
    translator,
)
from guide_bot.library.translations import Translations
from guide_bot.speech.languages import speech_accent

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Language:
    """The language a command speaks: its code, its words, and how to plan and voice in it."""

    code: str
    tr: Translator

    @property
    def options(self) -> PlanOptions:
        """Plan options whose generated cues are in this language."""
        return PlanOptions(wording=self.tr)

    def settings(self, settings: Settings) -> Settings:
        """The settings with this language's voice (GUIDE_BOT_TLD kept when it is the same
        gTTS language, so GUIDE_BOT_TLD=co.uk still gives British English)."""
        language, tld = speech_accent(self.code)
        if language == settings.language:
            return settings
        return settings.model_copy(update={"language": language, "tld": tld})

    def routine(self, routine: Routine, translations: Translations) -> Routine:
        """The routine in this language; says once on stderr when it has no translation."""
        found = translations.localized(routine, self.code)
        if found is routine and self.code != DEFAULT_LANGUAGE:
            click.echo(
                f"note: {routine.id} has no {self.code} translation; its own words are in English",
                err=True,
            )
        return found


def _resolve(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Language:
    if value is None:
        return Language(code := Settings().lang, translator(code))
    try:
        code = parse_language(value)
    except UnknownLanguage:
        raise ConfigError(
            f"--lang={value!r}", "not a language guide-bot speaks", ", ".join(LANGUAGES)
        ) from None
    return Language(code, translator(code))


def lang_option(func: F) -> F:
    """`--lang CODE`: en, de, es, ru or pt-br (default: GUIDE_BOT_LANG, else en)."""
    return click.option(
        "--lang",
        "lang",
        metavar="CODE",
        default=None,
        callback=_resolve,
        help=f"Language of the words and the voice: {', '.join(LANGUAGES)} "
        "(default: GUIDE_BOT_LANG, else en).",
    )(func)
