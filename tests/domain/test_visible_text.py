"""The refused characters of visible text (guide_bot/domain/visible_text.py), searched by one
character class, are exactly the rule written with Unicode categories, for every code point."""

from __future__ import annotations

import unicodedata

from guide_bot.domain.visible_text import (
    DIRECTION_CONTROLS,
    INVISIBLE,
    MULTILINE_WHITESPACE,
    hidden_character,
)


def _refused_by_category(char: str, *, multiline: bool) -> bool:
    """The rule as it was first written: a loop over categories."""
    if multiline and char in MULTILINE_WHITESPACE:
        return False
    category = unicodedata.category(char)
    return char in DIRECTION_CONTROLS or char in INVISIBLE or category in {"Cc", "Cs"}


def test_the_character_class_is_the_category_rule_for_every_code_point() -> None:
    for multiline in (False, True):
        differ = [
            code
            for code in range(0x110000)
            if (hidden_character(chr(code), multiline=multiline) is not None)
            != _refused_by_category(chr(code), multiline=multiline)
        ]
        assert differ == []


def test_the_first_refused_character_is_named_with_its_position() -> None:
    assert hidden_character("Neck\u202erelease") == (5, "U+202E (RIGHT-TO-LEFT OVERRIDE)")
    assert hidden_character("a\tb") == (2, "U+0009 (control character)")
    assert hidden_character("a\tb\nc", multiline=True) is None
    assert hidden_character("ok \u200d joiner") is None  # kept for emoji and scripts
    assert hidden_character("Ä\u200bB\u0007") == (2, "U+200B (ZERO WIDTH SPACE)")
