"""The message template is current with the code, and the translator fills named placeholders."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from guide_bot.domain.cues import prepare_text, switch_text
from guide_bot.i18n import EN, UnknownLanguage, language_of_tag, parse_language, translator

ROOT = Path(__file__).resolve().parents[2]
POT = ROOT / "guide_bot" / "locale" / "guide_bot.pot"


def _ids(path: Path) -> set[str]:
    with path.open("rb") as f:
        catalog = read_po(f)
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def test_the_template_holds_every_message_the_code_marks(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "N_", "-k", "t", "-k", "n:1,2", "--no-location", "--sort-output",
         "-o", str(fresh), "."],
        cwd=ROOT, check=True,
    )  # fmt: skip
    assert _ids(fresh) == _ids(POT), "run the pybabel extract of docs/translating.md"


def test_language_tags_map_onto_the_shipped_languages() -> None:
    assert language_of_tag("pt-BR") == "pt-br"
    assert language_of_tag("de-AT") == "de"
    assert language_of_tag("en-gb") == "en"
    assert language_of_tag("fr") is None
    assert parse_language("PT_br") == "pt-br"
    with pytest.raises(UnknownLanguage, match="en, de, es, ru, pt-br"):
        parse_language("fr")


def test_english_is_the_source_with_placeholders_filled() -> None:
    assert EN.t("Step {step} of {count}", step=2, count=5) == "Step 2 of 5"
    assert EN.n("{n} day", "{n} days", 1) == "1 day"
    assert EN.n("{n} day", "{n} days", 3) == "3 days"
    assert switch_text("left") == "Switch to the left side."


def test_formats_follow_the_language() -> None:
    assert translator("de").decimal(2.5) == "2,5"
    assert EN.decimal(2.5) == "2.5"


def test_the_cue_words_take_the_wording_passed_in() -> None:
    class Upper:
        code = "xx"

        def gettext(self, message: str) -> str:
            return message.upper()

        def ngettext(self, singular: str, plural: str, n: int) -> str:
            return (singular if n == 1 else plural).upper()

    assert switch_text("right", None, Upper()) == "SWITCH TO THE RIGHT SIDE."
    assert prepare_text.__defaults__ is not None
