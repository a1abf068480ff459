"""The words of one language, passed into the pure core as an argument (never a global).

`Wording` is what the domain needs from a gettext translator; `ENGLISH` is the source language
(the msgids themselves). `N_` marks a constant for extraction without translating it: the caller
translates it later with the user's own `Wording`.
"""

from __future__ import annotations

from typing import Protocol


def N_(message: str) -> str:
    """Mark `message` for extraction; it is translated where it is used."""
    return message


class Wording(Protocol):
    """A language's words: gettext and ngettext with named placeholders filled in."""

    @property
    def code(self) -> str:
        """The language code (en, de, es, ru, pt-br)."""
        ...

    def gettext(self, message: str) -> str:
        """The translation of `message` (the message itself when there is none)."""
        ...

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The translation of a message with a number in it, in the right plural form."""
        ...


class _English:
    """The source language: every message is its own translation."""

    code = "en"

    def gettext(self, message: str) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural


ENGLISH: Wording = _English()
