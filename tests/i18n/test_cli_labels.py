"""The command line's own labels follow --lang, with the shipped catalogs; English stays as is."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from guide_bot.cli import main


def _run(*args: str) -> Any:
    run = CliRunner(mix_stderr=False).invoke(main, list(args), env={"GUIDE_BOT_LANG": "en"})
    assert run.exit_code == 0, run.output
    return run


@pytest.mark.parametrize(
    ("code", "adapted", "head"),
    [
        ("en", "Adapted for: pregnancy", "(standard), 4 steps, "),
        ("es", "Adaptada para: pregnancy", "(standard), 4 pasos, "),
        ("de", "Angepasst für: pregnancy", "(standard), 4 Schritte, "),
        ("ru", "Адаптировано для: pregnancy", "(standard), 4 шага, "),
        ("pt-br", "Adaptada para: pregnancy", "(standard), 4 passos, "),
    ],
)
def test_plan_labels_follow_lang(code: str, adapted: str, head: str) -> None:
    out = _run("plan", "neck-release", "--condition", "pregnancy", "--lang", code).stdout
    lines = out.splitlines()
    assert lines[0] == adapted
    summary = next(line for line in lines if line.startswith("neck-release: "))
    assert head in summary


def test_plan_with_nothing_to_change_in_spanish() -> None:
    out = _run("plan", "neck-release", "--condition", "osteoporosis", "--lang", "es").stdout
    assert out.startswith("Adaptada para: osteoporosis\n  - nada que cambiar\n")


def test_list_labels_follow_lang() -> None:
    german = _run("list", "--lang", "de").stdout
    assert "Bereiche: " in german
    assert "Hilfsmittel: " in german
    english = _run("list").stdout
    assert "areas: " in english
    assert "tools: " in english
