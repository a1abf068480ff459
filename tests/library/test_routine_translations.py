"""Routine translations: text only, mirroring the source by position, refused precisely."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from guide_bot.cli import main
from guide_bot.library.catalog import Catalog
from guide_bot.library.loader import load_routines
from tests.library.conftest import BASE

GERMAN: dict[str, Any] = {
    "title": "Beispielroutine",
    "summary": "Eine kurze Routine für die Tests.",
    "cautions": ["Kein Druck auf die Vorderseite des Halses."],
    "steps": [
        {"title": "Ruhiges Atmen", "instruction": "Schließ die Augen und atme ruhig."},
        {
            "title": "Oberer Trapezmuskel",
            "instruction": "Lehn den Ball an die Schulter, etwa 5 von 10.",
            "point": "oberer Trapezmuskel",
            "cues": ["Atme langsam aus."],
        },
    ],
}


def _library(tmp_path: Path, translation: Any, code: str = "de") -> Path:
    (tmp_path / "sample.yaml").write_text(yaml.safe_dump(BASE, allow_unicode=True), "utf-8")
    folder = tmp_path / "translations" / code
    folder.mkdir(parents=True)
    text = translation if isinstance(translation, str) else yaml.safe_dump(translation)
    (folder / "sample.yaml").write_text(text, "utf-8")
    return tmp_path


def test_a_translation_gives_the_words_and_keeps_the_source_timings(tmp_path: Path) -> None:
    german = copy.deepcopy(GERMAN)
    result = load_routines([_library(tmp_path, german)])
    assert result.errors == []
    source = result.routines["sample"]
    catalog = Catalog.from_routines(result.routines.values(), translations=result.translations)
    de = catalog.localized(source, "de")
    assert de.title == "Beispielroutine"
    assert de.steps[1].point == "oberer Trapezmuskel"
    assert [(c.at_s, c.text) for c in de.steps[1].cues] == [(15, "Atme langsam aus.")]
    assert de.cautions == ("Kein Druck auf die Vorderseite des Halses.",)
    # everything but text is the source's
    assert de.model_dump(exclude={"title", "summary", "cautions", "steps"}) == source.model_dump(
        exclude={"title", "summary", "cautions", "steps"}
    )
    for mine, theirs in zip(de.steps, source.steps, strict=True):
        assert mine.hold_s == theirs.hold_s
        assert mine.quick == theirs.quick
    # English, a language without a translation, and another routine with the same id: the source
    assert catalog.localized(source, "en") is source
    assert catalog.localized(source, "es") is source
    other = source.model_copy(update={"title": "My own"})
    assert catalog.localized(other, "de") is other
    assert result.translations.languages("sample") == ("en", "de")
    assert ("sample", "es") in result.translations.missing(["sample"])


def test_cue_texts_follow_their_cues_by_position(tmp_path: Path) -> None:
    source = copy.deepcopy(BASE)
    source["steps"][1]["cues"] = [
        {"at_s": 10, "text": "Breathe out."},
        {"at_s": 20, "text": "Soften."},
    ]
    german = copy.deepcopy(GERMAN)
    german["steps"][1]["cues"] = ["Atme aus.", "Werde weich."]
    _library(tmp_path, german)
    (tmp_path / "sample.yaml").write_text(yaml.safe_dump(source), "utf-8")
    result = load_routines([tmp_path])
    assert result.errors == []
    de = result.translations.localized(result.routines["sample"], "de")
    assert [(c.at_s, c.text) for c in de.steps[1].cues] == [(10, "Atme aus."), (20, "Werde weich.")]


def _break(change: Any) -> dict[str, Any]:
    german = copy.deepcopy(GERMAN)
    change(german)
    return german


@pytest.mark.parametrize(
    ("change", "step", "field", "words"),
    [
        (lambda g: g["steps"].pop(), None, "steps", "has 1 steps but the source has 2"),
        (lambda g: g["steps"][1].pop("point"), 2, "point", "missing; the source has it"),
        (lambda g: g["steps"][0].update(point="x"), 1, "point", "source routine has no such field"),
        (lambda g: g["steps"][1].update(hold_s=30), 2, "hold_s", "not a text field"),
        (lambda g: g["steps"][0].update(cues=["x"]), 1, "cues", "source routine has no such"),
        (lambda g: g["steps"][1].update(cues=["x", "y"]), 2, "cues", "has 2 items but the source"),
        (lambda g: g["steps"][1].update(cues="x"), 2, "cues", "is the text 'x'; allowed: a list"),
        (
            lambda g: g.update(cautions=["a", "b"]),
            None,
            "cautions",
            "has 2 items but the source has 1",
        ),
        (lambda g: g.pop("summary"), None, "summary", "missing"),
        (lambda g: g["steps"][0].update(title="x" * 61), 1, "title", "too long (61 characters)"),
        (lambda g: g["steps"][0].update(instruction="a\u202eb"), 1, "instruction", "contains"),
        (lambda g: g.update(id="other"), None, "id", "not a text field"),
    ],
)
def test_a_translation_that_does_not_mirror_is_refused_precisely(
    tmp_path: Path, change: Any, step: int | None, field: str, words: str
) -> None:
    library = _library(tmp_path, _break(change))
    result = load_routines([library])
    assert "sample" in result.routines  # the source still loads; German falls back to it
    assert "de" not in result.translations.by_language
    assert len(result.errors) == 1, result.errors
    issue = result.errors[0]
    assert issue.file == str(library / "translations" / "de" / "sample.yaml")
    assert (issue.step, issue.field) == (step, field)
    assert words in issue.message
    assert "allowed" in issue.message
    # and validate says the same, exit 1
    run = CliRunner().invoke(main, ["validate", "--library", str(library), "--json"])
    assert run.exit_code == 1
    assert issue.to_dict() in json.loads(run.output)["errors"] or issue.message in run.output


def test_stray_translation_files_and_language_folders_are_errors(tmp_path: Path) -> None:
    library = _library(tmp_path, GERMAN)
    (library / "translations" / "de" / "nothing.yaml").write_text("title: x\n", "utf-8")
    (library / "translations" / "fr").mkdir()
    result = load_routines([library])
    messages = sorted(str(issue) for issue in result.errors)
    assert len(messages) == 2
    assert "fr" in messages[0] + messages[1]
    assert "de, es, ru, pt-br" in "".join(messages)
    assert any("no routine file nothing.yaml" in m for m in messages)


def test_yaml_errors_name_the_translation_file(tmp_path: Path) -> None:
    library = _library(tmp_path, "title: [unclosed\n")
    result = load_routines([library])
    assert [issue.field for issue in result.errors] == ["(yaml)"]
    assert result.errors[0].file.endswith("translations/de/sample.yaml")


def test_the_shipped_translations_all_load() -> None:
    from guide_bot.paths import shipped_library_dir

    result = load_routines([shipped_library_dir()])
    assert result.errors == []
    for code in ("de", "es", "ru"):
        assert set(result.translations.by_language[code]) == set(result.routines), code
    neck = result.routines["neck-release"]
    assert result.translations.localized(neck, "de").title.startswith("Verspannungen")


def _validate(*args: str) -> tuple[int, dict[str, Any]]:
    run = CliRunner().invoke(main, ["validate", *args, "--json"])
    return run.exit_code, json.loads(run.output)


def test_strict_validate_fails_when_a_routine_lacks_a_shipped_language(tmp_path: Path) -> None:
    library = _library(tmp_path, GERMAN)
    code, report = _validate("--library", str(library))
    assert code == 0
    missing = sorted(w["message"].split()[1] for w in report["warnings"])
    assert missing == ["es", "pt-br", "ru"]
    assert all(w["field"] == "(translations)" for w in report["warnings"])
    code, report = _validate("--library", str(library), "--strict")
    assert code == 1
    assert len(report["errors"]) == 3
    for language in ("es", "ru", "pt-br"):
        folder = library / "translations" / language
        folder.mkdir()
        (folder / "sample.yaml").write_text(yaml.safe_dump(GERMAN), "utf-8")
    code, report = _validate("--library", str(library), "--strict")
    assert (code, report["errors"], report["warnings"]) == (0, [], [])


def test_a_folder_without_translations_is_not_asked_for_languages(tmp_path: Path) -> None:
    (tmp_path / "sample.yaml").write_text(yaml.safe_dump(BASE), "utf-8")
    code, report = _validate(str(tmp_path / "sample.yaml"), "--strict")
    assert (code, report["errors"]) == (0, [])
