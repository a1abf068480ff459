"""Softened pressure speaks each language's own words: "4 von 10", "4 de 10", "4 из 10"."""

from __future__ import annotations

import re

import pytest

from guide_bot.domain.adapt import PRESSURE_WORDS, adapt
from guide_bot.i18n import translator
from guide_bot.library.loader import load_routines
from guide_bot.paths import shipped_library_dir

OWN_WORDS = {"en": "out of 10", "de": "von 10", "es": "de 10", "ru": "из 10", "pt-br": "de 10"}


@pytest.mark.parametrize(
    ("text", "softened"),
    [
        ("Lean in to about 6 out of 10.", "Lean in to about 4 out of 10."),
        ("a good 5 or 6 out of 10 ache", "a good 4 out of 10 ache"),
        ("Lehn dich an, bis etwa 6 von 10, und", "Lehn dich an, bis etwa 4 von 10, und"),
        ("hasta un 5 o 6 de 10.", "hasta un 4 de 10."),
        ("примерно на 6 из 10.", "примерно на 4 из 10."),
        ("até uns 6 de\n10.", "até uns 4 de\n10."),
        ("Repeat 3 times, then 10 breaths.", "Repeat 3 times, then 10 breaths."),
    ],
)
def test_the_pressure_words_of_every_language(text: str, softened: str) -> None:
    assert PRESSURE_WORDS.sub("4", text) == softened


@pytest.mark.parametrize("code", ["de", "es", "ru"])
def test_pregnancy_softens_the_translated_words_in_their_language(code: str) -> None:
    loaded = load_routines([shipped_library_dir()])
    source = loaded.routines["neck-release"]
    routine = loaded.translations.localized(source, code)
    assert routine is not source
    result = adapt(routine, ["pregnancy"], translator(code))
    assert result.routine is not None
    softened = [s for s in result.routine.steps if s.pressure is not None]
    assert softened
    for step in softened:
        assert step.pressure is not None
        assert step.pressure <= 4
        numbers = re.findall(r"(\d+)\s+" + OWN_WORDS[code], step.instruction)
        assert numbers, step.instruction
        assert set(numbers) == {str(step.pressure)}, step.instruction
        assert "out of 10" not in step.instruction
