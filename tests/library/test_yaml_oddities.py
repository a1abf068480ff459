"""YAML that is not plain data (dates, long numbers, complex keys, tags, NaN) and hidden
characters: each gets the precise file/step/field error, through the loader and `validate`."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from guide_bot.cli import main
from guide_bot.domain.visible_text import shown_safely
from guide_bot.library.loader import load_routines, parse_routine
from guide_bot.library.uploads import check_upload, describe
from tests.library.conftest import BASE, Refused, dump

Write = Callable[..., Path]

STEP2 = "Upper trapezius"


def _with_line(field: str, raw: str, *, step: int | None = None) -> str:
    """The base routine's YAML with one field's value written raw (as YAML source)."""
    data = copy.deepcopy(BASE)
    (data if step is None else data["steps"][step - 1])[field] = "RAWVALUE"
    return dump(data).replace("RAWVALUE", raw)


def test_a_date_as_title_is_text(write: Write) -> None:
    path = write(_with_line("title", "2024-01-01"), name="sample.yaml")
    loaded = load_routines([path])
    assert loaded.errors == []
    assert loaded.routines["sample"].title == "2024-01-01"


@pytest.mark.parametrize(
    ("field", "raw", "step", "allowed"),
    [
        ("hold_s", "9" * 5000, 2, ("5,000 digits", "whole number of seconds from 1 to 600")),
        ("hold_s", "9" * 40, 2, ("40 digits", "from 1 to 600")),
        ("title", "9" * 4400, None, ("4,400 digits", "text of 1-80 characters")),
        ("hold_s", ".nan", 2, ("nan", "finite", "from 1 to 600")),
        ("hold_s", "-.inf", 2, ("-inf", "finite")),
        ("point", "!!binary aGVsbG8=", 2, ("binary data", "text of 1-60 characters")),
        ("areas", "!!set {neck: null}", None, ("a set", "neck")),
        ("pressure", "!!timestamp 2001-12-14", 2, ("a date or time", "from 0 (none)")),
        ("tools", "!!omap [{ball: 1}]", None, ("ordered pairs",)),
        ("title", "!!timestamp 2024-01-01t10:00:00Z", None, ("date or time", "text of 1-80")),
    ],
    ids=["int-5000", "int-40", "title-int", "nan", "inf", "binary", "set", "ts", "omap", "ts2"],
)
def test_values_that_are_not_plain_data(
    write: Write,
    refused: Refused,
    field: str,
    raw: str,
    step: int | None,
    allowed: tuple[str, ...],
) -> None:
    path = write(_with_line(field, raw, step=step), name="sample.yaml")
    title = STEP2 if step == 2 else None
    issues = refused([path], path, field=field, allowed=allowed, step=step, step_title=title)
    assert len(issues) == 1  # no second error for the same field ("missing", "not a number")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("? [a, b]\n: c\n", "a list"),
        ("? {a: 1}\n: c\n", "a mapping"),
        ("1: x\n", "'1'"),
        ("null: x\n", "'null'"),
        ("yes: x\n", "'yes'"),
        ("? .nan\n: x\n", "'.nan'"),
    ],
)
def test_keys_that_are_not_field_names(
    write: Write, refused: Refused, text: str, shown: str
) -> None:
    path = write(dump(BASE) + text, name="sample.yaml")
    issues = refused([path], path, field="routine", allowed=(f"key that is {shown}", "line"))
    assert len(load_routines([path]).errors) == 1, issues


def test_a_complex_key_inside_a_step_names_the_step(write: Write, refused: Refused) -> None:
    text = dump(BASE).replace("  technique: compress\n", "  technique: compress\n  ? [x]\n  : 1\n")
    path = write(text, name="sample.yaml")
    refused([path], path, field="steps", allowed=("a list",), step=2, step_title=STEP2)


def test_deep_nesting_is_refused_with_a_line(write: Write, refused: Refused) -> None:
    path = write("id: " + "[" * 200 + "]" * 200 + "\n", name="sample.yaml")
    refused([path], path, field="(yaml)", allowed=("nests too deeply", "line 1"))


def test_a_byte_order_mark_is_not_content(write: Write) -> None:
    path = write(b"\xef\xbb\xbf" + dump(BASE).encode(), name="sample.yaml")
    assert load_routines([path]).errors == []


def test_nul_bytes_are_a_yaml_error_on_one_line(write: Write, refused: Refused) -> None:
    path = write(dump(BASE).replace("title: Sample", "title: Sa\x00mple"), name="sample.yaml")
    issues = refused([path], path, field="(yaml)", allowed=("#x0000",))
    assert "\n" not in issues[0].message


HIDDEN = [
    ("\u202e", "U+202E"),
    ("\u2066", "U+2066"),
    ("\u2069", "U+2069"),
    ("\u200f", "U+200F"),
    ("\u200e", "U+200E"),
    ("\u200b", "U+200B"),
    ("\ufeff", "U+FEFF"),
    ("\x1b[2J", "U+001B"),
    ("\x07", "U+0007"),
    ("\r", "U+000D"),
]


@pytest.mark.parametrize(("char", "code"), HIDDEN, ids=[code for _, code in HIDDEN])
@pytest.mark.parametrize(
    ("field", "step"),
    [("title", None), ("summary", None), ("title", 2), ("instruction", 2), ("point", 2)],
)
def test_hidden_characters_are_refused_in_text_fields(
    write: Write, refused: Refused, char: str, code: str, field: str, step: int | None
) -> None:
    text = _with_line(field, f'"ok {char.encode("unicode_escape").decode()} ok"', step=step)
    path = write(text, name="sample.yaml")
    title = STEP2 if step == 2 and field != "title" else None
    if step == 2 and field == "title":
        # quoted back with the hidden character made visible
        title = shown_safely(f"ok {char} ok")
        assert char not in title
    refused(
        [path],
        path,
        field=field,
        allowed=(code, "character 4", "direction"),
        step=step,
        step_title=title,
    )


def test_hidden_characters_in_cues_and_cautions(write: Write, refused: Refused) -> None:
    data: dict[str, Any] = {**BASE, "cautions": ["fine", "bad\u2067one"]}
    path = write(dump(data), name="sample.yaml")
    refused([path], path, field="cautions", allowed=("U+2067",))


def test_line_breaks_tabs_and_joiners_are_kept() -> None:
    data: dict[str, Any] = {**BASE, "summary": "Two lines,\n\tand a family 👨\u200d👩\u200d👧."}
    routine, issues = parse_routine(dump(data), file="x.yaml")
    assert issues == []
    assert routine is not None
    data = {**BASE, "title": "Two\nlines"}
    routine, issues = parse_routine(dump(data), file="x.yaml")
    assert routine is None
    assert "U+000A" in issues[0].message


def test_a_refused_value_is_not_echoed_whole() -> None:
    data: dict[str, Any] = {**BASE, "areas": ["x" * 100_000]}
    _routine, issues = parse_routine(dump(data), file="x.yaml")
    assert issues
    assert all(len(str(issue)) < 600 for issue in issues)


def test_uploads_get_the_same_errors_and_never_raise() -> None:
    for raw in ("2024-01-01", "9" * 5000, "!!binary aGVsbG8="):
        check = check_upload(
            _with_line("title", raw).encode(), file="up.yaml", library_ids=frozenset()
        )
        assert check.routine is None or check.routine.title == "2024-01-01"
        for issue in check.errors:
            assert len(describe(issue)) <= 400
    check = check_upload(b"? [a]\n: b\n", file="up.yaml", library_ids=frozenset())
    assert check.errors
    assert "a list" in check.errors[0].message


def test_validate_prints_no_traceback_for_any_oddity(tmp_path: Path) -> None:
    texts = {
        "a": "? [a, b]\n: c\n",
        "b": _with_line("title", "9" * 5000),
        "c": "id: " + "{a: " * 3000 + "}" * 3000,
        "d": dump(BASE).replace("title: Sample", 'title: "\\ud800"'),
    }
    for name, text in texts.items():
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.output.count("error: ") >= 4, result.output


@pytest.mark.parametrize(
    "raw",
    [
        "!!timestamp 2001-12-14x",
        "!!int abc",
        "!!float x",
        "!!bool maybe",
        "!!int 0x",
        "!!int",
        "!!map x",
        "!!set [a]",
    ],
)
def test_a_value_that_does_not_fit_its_explicit_tag(
    write: Write, refused: Refused, raw: str
) -> None:
    """PyYAML's constructors fail with plain Python errors here (the fuzz test found it)."""
    path = write(_with_line("title", raw), name="sample.yaml")
    tag = raw.split()[0]
    refused([path], path, field="(yaml)", allowed=(f"does not fit its tag {tag}", "line 2"))
    check = check_upload(path.read_bytes(), file="up.yaml", library_ids=frozenset())
    assert check.errors
