"""Routine lists follow the user's language: the library sorted by its localized title, with
accents and case only breaking ties (no ICU), the user's own routines first."""

from __future__ import annotations

from functools import cache

import pytest

from guide_bot.library.catalog import Catalog, title_key
from guide_bot.library.loader import load_routines
from guide_bot.paths import shipped_library_dir


@cache
def _shipped() -> Catalog:
    result = load_routines([shipped_library_dir()])
    return Catalog.from_routines(result.routines.values(), translations=result.translations)


def _titles(code: str) -> list[str]:
    catalog = _shipped()
    return [catalog.localized(r, code).title for r in catalog.routines(0, code)]


def test_title_key_orders_like_a_dictionary() -> None:
    words = ["Zeh", "äußere", "Apfel", "Ängste", "Beine", "ángulo", "Árbol", "ёж", "ель", "Жук"]
    assert sorted(words, key=title_key) == [
        "Ängste",
        "ángulo",
        "Apfel",
        "Árbol",
        "äußere",
        "Beine",
        "Zeh",
        "ёж",  # ё counts as е: еж before ель
        "ель",
        "Жук",
    ]


@pytest.mark.parametrize("code", ["en", "de", "es", "ru", "pt-br"])
def test_the_library_is_sorted_by_its_title_in_the_users_language(code: str) -> None:
    titles = _titles(code)
    assert titles == sorted(titles, key=title_key)
    assert len(titles) == len(_shipped().library)


def test_accented_titles_sit_among_their_letter() -> None:
    german = _titles("de")
    assert german.index("Äußere Hüfte und Oberschenkel") < german.index("Beine nach dem Sport")
    russian = _titles("ru")
    assert russian.index("Бёдра и ягодицы") < russian.index("Боль в пятке и своде стопы")
    spanish = _titles("es")
    assert spanish[0] == "Abrir el pecho tras horas de escritorio"  # not the English order
    assert _titles("en")[0] == "Bedtime relaxation"


def test_own_routines_come_first_and_filters_keep_the_order() -> None:
    shipped = _shipped()
    own = shipped.library["neck-release"].model_copy(update={"id": "my:zz", "title": "Zz mine"})
    catalog = Catalog(
        library=shipped.library,
        user_sources=(lambda user_id: [own],),
        translations=shipped.translations,
    )
    routines = catalog.routines(7, "es")
    assert routines[0].id == "my:zz"
    neck = [r.id for r in catalog.filtered(7, "a", "neck", "es")]
    in_order = [r.id for r in routines if "neck" in r.areas]
    assert neck == in_order
    spanish = [catalog.localized(r, "es").title for r in routines[1:]]
    assert spanish == sorted(spanish, key=title_key)
