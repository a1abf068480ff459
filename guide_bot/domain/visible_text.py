"""Text a person sees must be what is there: no control characters, no hidden direction changes.

A routine's words are shown in chat, on a terminal and spoken. Control characters can rewrite a
terminal line (a carriage return, an escape sequence) or break a message; Unicode direction
overrides and isolates (U+202A-U+202E, U+2066-U+2069, the marks U+200E, U+200F, U+061C) make text
read differently from what it holds ("Trojan Source"); zero-width spaces and joiners of words
(U+200B, U+2060, U+FEFF, U+180E) hide inside words so that two titles that look the same differ.
They are refused, not stripped: silently changing what someone wrote could change its meaning,
and the author can fix the file once told where.

Kept on purpose: line breaks and tabs in the longer texts (instructions, summaries), and the zero
width joiner and non-joiner (U+200D, U+200C), which emoji sequences and scripts such as Persian
and the Indic ones need to be written correctly.
"""

from __future__ import annotations

import re
import unicodedata

DIRECTION_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
INVISIBLE = frozenset("\u200b\u2060\ufeff\u180e\u2028\u2029")
MULTILINE_WHITESPACE = frozenset("\n\t")

# The same rule as one character class, searched in C: the category Cc is exactly U+0000-U+001F
# and U+007F-U+009F, Cs exactly U+D800-U+DFFF. A loop over every character of the shipped
# library and its translations took about 40 ms of each start (tests/domain/test_visible_text.py
# checks the class against the categories for every code point).
_LISTED = "".join(f"\\u{ord(c):04x}" for c in sorted(DIRECTION_CONTROLS | INVISIBLE))


def _refused(allowed: frozenset[str]) -> re.Pattern[str]:
    """The refused characters as one class, less the `allowed` ones of U+0000-U+001F."""
    low = "".join(f"\\x{code:02x}" for code in range(0x20) if chr(code) not in allowed)
    return re.compile(f"[{low}\\x7f-\\x9f\\ud800-\\udfff{_LISTED}]")


_REFUSED = _refused(frozenset())
_REFUSED_IN_LINES = _refused(MULTILINE_WHITESPACE)


def hidden_character(text: str, *, multiline: bool = False) -> tuple[int, str] | None:
    """The first refused character of `text` (its 1-based position and name), or None."""
    found = (_REFUSED_IN_LINES if multiline else _REFUSED).search(text)
    if found is None:
        return None
    return found.start() + 1, describe_char(found.group())


def describe_char(char: str) -> str:
    """A character by code point and name, e.g. 'U+202E (RIGHT-TO-LEFT OVERRIDE)'."""
    name = unicodedata.name(char, "")
    if not name and unicodedata.category(char) == "Cc":
        name = "control character"
    return f"U+{ord(char):04X} ({name or 'unnamed'})"


def shown_safely(text: str, limit: int = 60) -> str:
    """Text to quote in an error: refused characters written as <U+XXXX>, and cut at `limit`."""
    out = _REFUSED.sub(lambda found: f"<U+{ord(found.group()):04X}>", text[: limit + 1])
    return out if len(text) <= limit else out[:limit] + "…"
