"""Files that are not routine YAML at all: syntax errors, aliases, repeated keys, wrong shapes,
empty or non-UTF-8 files and missing paths are refused with a message saying what is allowed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from guide_bot.cli import main
from guide_bot.library.loader import load_routines

Routine = Callable[..., dict[str, Any]]
Refused = Callable[..., list[Any]]
Validate = Callable[..., tuple[int, dict[str, Any]]]
Write = Callable[..., Path]

MAPPING = ("a YAML mapping with the fields id, title, summary",)

SYNTAX_ERROR = """\
id: sample
title: Sample
summary: [unclosed
areas: [neck]
"""
ALIAS = """\
id: sample
title: &name Sample
summary: *name
"""
DUPLICATE_KEY = """\
id: sample
title: Sample
summary: One
title: Again
"""


@pytest.mark.parametrize(
    ("text", "allowed"),
    [
        (SYNTAX_ERROR, ("line 4", "not valid YAML", "check the indentation, brackets and quotes")),
        (ALIAS, ("line 3", "aliases", "the value written out in full")),
        (DUPLICATE_KEY, ("line 4", "'title' appears twice", "each key once")),
        ("- one\n- two\n", ("top level is a list", *MAPPING)),
        ("just some words\n", ("top level is the text 'just some words'", *MAPPING)),
        ("", ("the file is empty", *MAPPING)),
        ("# only a comment\n\n", ("the file is empty", *MAPPING)),
    ],
    ids=["syntax", "alias", "duplicate-key", "list", "scalar", "empty", "comment-only"],
)
def test_text_that_is_not_a_routine_mapping_is_refused(
    write: Write, refused: Refused, text: str, allowed: tuple[str, ...]
) -> None:
    path = write(text, name="sample.yaml")
    field = "(yaml)" if "line" in allowed[0] else "(file)"
    refused([path], path, field=field, allowed=allowed)


def test_a_yaml_alias_bomb_is_refused_before_it_expands(write: Write, refused: Refused) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}] " for i in range(8)]
    path = write("\n".join(lines) + "\n", name="bomb.yaml")
    refused([path], path, field="(yaml)", allowed=("line 2", "aliases"))


def test_a_file_that_is_not_utf8_is_refused(write: Write, refused: Refused) -> None:
    path = write("id: caf\xe9\n".encode("latin-1"), name="sample.yaml")
    refused([path], path, field="(file)", allowed=("not UTF-8", "0xe9", "saved as UTF-8"))


def test_a_missing_path_is_refused(tmp_path: Path, refused: Refused) -> None:
    path = tmp_path / "nowhere.yaml"
    refused([path], path, field="(file)", allowed=("no such file", ".yaml or .yml"))


def test_other_files_in_a_folder_are_ignored(
    tmp_path: Path, write: Write, make_routine: Routine
) -> None:
    write(make_routine())
    write("not a routine", name="notes.txt")
    result = load_routines([tmp_path])
    assert list(result.routines) == ["sample"]
    assert result.errors == []


def test_the_text_report_says_where_and_what_is_allowed(
    write: Write, make_routine: Routine
) -> None:
    data = make_routine()
    data["steps"][1]["hold_s"] = 601
    path = write(data)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert (
        f"error: {path}, step 2 (Upper trapezius), field 'hold_s': 601 is too large; "
        "allowed: a whole number of seconds from 1 to 600"
    ) in result.output
    assert "0 routines loaded, 1 errors, 0 warnings: invalid" in result.output


def test_validate_json_shape(write: Write, make_routine: Routine, validate: Validate) -> None:
    good = write(make_routine())
    bad = write(make_routine(id="bad", summary=""))
    code, report = validate(str(good), str(bad))
    assert code == 1
    assert report == {
        "routines": 1,
        "errors": [
            {
                "file": str(bad),
                "step": None,
                "step_title": None,
                "field": "summary",
                "message": "must not be empty; allowed: text of 1-600 characters",
            }
        ],
        "warnings": [],
    }


def test_a_folder_without_routines_is_not_valid(tmp_path: Path, validate: Validate) -> None:
    code, report = validate(str(tmp_path))
    assert code == 1
    assert report == {"routines": 0, "errors": [], "warnings": []}


def test_parse_routine_checks_text_without_a_file(make_routine: Routine) -> None:
    """Uploaded text is checked the same way, under the name the caller gives it."""
    import yaml

    from guide_bot.library.loader import parse_routine

    text = yaml.safe_dump(make_routine(), sort_keys=False)
    routine, issues = parse_routine(text, file="upload.yaml")
    assert routine is not None
    assert issues == []
    routine, issues = parse_routine(text, file="upload.yaml", expected_id="other")
    assert routine is None
    assert [(i.file, i.field) for i in issues] == [("upload.yaml", "id")]
    routine, issues = parse_routine("id: [", file="upload.yaml")
    assert routine is None
    assert issues[0].field == "(yaml)"
    assert issues[0].message.startswith("line 1: not valid YAML")
