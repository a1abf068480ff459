"""Every shipped catalog is complete, keeps placeholders and HTML tags, and is compiled.

A translation that drops `{minutes}` would raise KeyError at the moment a user needs the message;
one that drops `</b>` makes Telegram refuse the whole message. So both are checked here, for
every message of every language, instead of waiting for a user to meet them.
"""

from __future__ import annotations

import gettext
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from guide_bot.i18n.languages import GETTEXT_LOCALES, LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "guide_bot" / "locale"
POT = LOCALE / "guide_bot.pot"
TRANSLATED = [code for code in LANGUAGES if code != "en"]

PLACEHOLDER = re.compile(r"\{(\w+)\}")
TAG = re.compile(r"</?[a-z]+(?:\s[^>]*)?>")


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def _po(code: str) -> Path:
    return LOCALE / GETTEXT_LOCALES[code] / "LC_MESSAGES" / "guide_bot.po"


def _forms(message: Message) -> list[str]:
    if isinstance(message.string, (list, tuple)):
        return [form or "" for form in message.string]
    return [message.string or ""]


def _ids(message: Message) -> list[str]:
    return list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]


def _key(message: Message) -> str:
    return _ids(message)[0]


@pytest.fixture(scope="module")
def template() -> Catalog:
    return _read(POT)


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated(code: str, template: Catalog) -> None:
    path = _po(code)
    assert path.exists(), f"{path.relative_to(ROOT)} is missing: see docs/translating.md"
    catalog = _read(path, GETTEXT_LOCALES[code])
    translated = {_key(m): m for m in catalog if m.id}
    missing = [_key(m) for m in template if m.id and _key(m) not in translated]
    assert not missing, f"{code}: {len(missing)} messages not in the catalog, first {missing[:3]}"
    empty = [_key(m) for m in catalog if m.id and not all(f.strip() for f in _forms(m))]
    assert not empty, f"{code}: {len(empty)} messages untranslated, first {empty[:3]}"
    fuzzy = [_key(m) for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"{code}: {len(fuzzy)} messages marked fuzzy, first {fuzzy[:3]}"
    plurals = [m for m in catalog if m.id and isinstance(m.id, (list, tuple))]
    for m in plurals:
        assert len(_forms(m)) == catalog.num_plurals, f"{code}: {_key(m)!r} plural forms"


@pytest.mark.parametrize("code", TRANSLATED)
def test_placeholders_and_tags_survive_translation(code: str) -> None:
    catalog = _read(_po(code), GETTEXT_LOCALES[code])
    problems: list[str] = []
    for m in catalog:
        if not m.id:
            continue
        source_names = {name for text in _ids(m) for name in PLACEHOLDER.findall(text)}
        source_tags = Counter(TAG.findall(_ids(m)[0]))
        for form in _forms(m):
            names = set(PLACEHOLDER.findall(form))
            # A plural form may spell out the count ("one day"), so only {n} may go missing.
            if names - source_names or (source_names - {"n"}) - names:
                problems.append(f"{_key(m)!r}: placeholders {sorted(names)}")
            if Counter(TAG.findall(form)) != source_tags:
                problems.append(f"{_key(m)!r}: HTML tags {sorted(TAG.findall(form))}")
    assert not problems, f"{code}: " + "; ".join(problems[:5])


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_compiled_catalog_matches_its_source(code: str) -> None:
    mo = _po(code).with_suffix(".mo")
    assert mo.exists(), f"{mo.relative_to(ROOT)} is missing: run pybabel compile"
    with mo.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    stale = []
    for m in _read(_po(code), GETTEXT_LOCALES[code]):
        if not m.id:
            continue
        if isinstance(m.id, (list, tuple)):
            got = compiled.ngettext(m.id[0], m.id[1], 1)
            want = _forms(m)[compiled.plural(1)]  # type: ignore[attr-defined]
        else:
            got, want = compiled.gettext(m.id), _forms(m)[0]
        if got != want:
            stale.append(_key(m))
    assert not stale, f"{code}: the .mo is older than the .po ({len(stale)}): pybabel compile"
