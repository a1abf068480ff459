"""The package's own library is read with libyaml's C parser (a third of a second of every
start-up): it must give exactly what the strict Python parser gives, keep the same data rules,
and never be used for anything but the shipped files."""

from __future__ import annotations

from pathlib import Path

import pytest

from guide_bot.library.loader import load_routines
from guide_bot.library.yaml_source import BadKey, RoutineYamlError, TooLongNumber, parse_yaml
from guide_bot.paths import is_shipped, shipped_library_dir

SHIPPED = sorted(shipped_library_dir().rglob("*.yaml"))


def test_the_shipped_files_are_found() -> None:
    assert len(SHIPPED) > 100  # 23 routines and their translations into four languages
    assert all(is_shipped(path) for path in SHIPPED)


def test_both_parsers_read_every_shipped_file_the_same() -> None:
    for path in SHIPPED:
        text = path.read_text(encoding="utf-8-sig")
        assert parse_yaml(text, shipped=True) == parse_yaml(text), path


@pytest.mark.parametrize("shipped", [False, True])
def test_the_data_rules_hold_for_both_parsers(shipped: bool) -> None:
    data = parse_yaml(f"a: 2024-01-01\nb: {'9' * 40}\n1: x\n", shipped=shipped)
    assert data["a"] == "2024-01-01"  # a date stays text
    assert isinstance(data["b"], TooLongNumber)
    assert data["b"].line == 2
    (bad,) = [key for key in data if isinstance(key, BadKey)]
    assert (bad.shown, bad.line) == ("'1'", 3)
    with pytest.raises(RoutineYamlError, match="line 2: the key 'a' appears twice"):
        parse_yaml("a: 1\na: 2\n", shipped=shipped)
    with pytest.raises(RoutineYamlError, match="does not fit its tag !!int"):
        parse_yaml("a: !!int abc\n", shipped=shipped)
    with pytest.raises(RoutineYamlError, match="line 2: not valid YAML"):
        parse_yaml("a: [1, 2\n", shipped=shipped)


def test_a_file_outside_the_package_gets_the_strict_parser(tmp_path: Path) -> None:
    """An operator's own library (and every upload) still has aliases refused with a line."""
    path = tmp_path / "mine.yaml"
    path.write_text("id: mine\ntitle: &t Mine\nsummary: *t\n", encoding="utf-8")
    assert not is_shipped(path)
    errors = load_routines([path]).errors
    assert [e.field for e in errors] == ["(yaml)"]
    assert "line 3: YAML aliases (*name) are not allowed" in errors[0].message
