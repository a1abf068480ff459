"""The annotated example in docs/routines.md is a valid, lint-clean routine file."""

from __future__ import annotations

import re
from pathlib import Path

from guide_bot.library.lint import lint_routine
from guide_bot.library.loader import load_routines

DOC = Path(__file__).resolve().parents[2] / "docs" / "routines.md"


def test_the_annotated_example_validates_strictly(tmp_path: Path) -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 2  # the routine, and its German translation ("Translations")
    path = tmp_path / "neck-release.yaml"
    path.write_text(blocks[0], encoding="utf-8")
    result = load_routines([path])
    assert result.errors == []
    routine = result.routines["neck-release"]
    assert lint_routine(routine, str(path)) == []
    assert routine.steps[0].cues[0].at_s == 12


def test_the_translation_example_mirrors_the_annotated_example(tmp_path: Path) -> None:
    routine_yaml, german_yaml = re.findall(
        r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL
    )
    (tmp_path / "neck-release.yaml").write_text(routine_yaml, encoding="utf-8")
    (tmp_path / "translations" / "de").mkdir(parents=True)
    (tmp_path / "translations" / "de" / "neck-release.yaml").write_text(german_yaml, "utf-8")
    result = load_routines([tmp_path])
    assert result.errors == []
    source = result.routines["neck-release"]
    german = result.translations.localized(source, "de")
    assert german.title == "Verspannungen in Nacken und oberem Rücken"
    assert german.steps[0].cues[0].at_s == source.steps[0].cues[0].at_s
