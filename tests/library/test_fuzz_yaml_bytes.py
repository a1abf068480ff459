"""Arbitrary YAML-ish bytes: the loader, the upload check and `guide-bot validate` give a valid
routine or clean file/field errors, never an exception or a traceback."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guide_bot.cli import main
from guide_bot.library.loader import load_routines
from guide_bot.library.uploads import check_upload
from tests.library.conftest import BASE, dump

FRAGMENTS = [
    "id: ",
    "title: ",
    "summary: ",
    "steps:\n",
    "- ",
    "  ",
    "\n",
    ": ",
    "? ",
    "[a, b]",
    "{a: 1}",
    "2024-01-01",
    "2001-12-14t21:59:43.10-05:00",
    "12:30:00",
    "1:30",
    "0x1F",
    "0o17",
    "1_000",
    "9" * 50,
    "9" * 4400,
    ".nan",
    "-.inf",
    "1e400",
    "!!binary aGVsbG8=",
    "!!set {a: null}",
    "!!omap [{a: 1}]",
    "!!pairs [{a: 1}]",
    "!!timestamp 2001-12-14",
    "!!python/object:os.system",
    "!!str",
    "!!float",
    "!!bool",
    "!!timestamp",
    "!!binary",
    "!!null x",
    "!!seq x",
    "!!map x",
    "!!set [a]",
    "!!merge",
    "!!value",
    "!!int",
    "!!float x",
    "!foo",
    "&a ",
    "*a",
    "<<: {a: 1}",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "null",
    "~",
    "yes",
    "on",
    "'",
    '"',
    '"\\ud800"',
    '"\\x1b"',
    "\u202e",
    "\u2066",
    "\u200b",
    "\ufeff",
    "\x00",
    "\t",
    "\r",
    "|\n  ",
    ">-\n  ",
    "#",
    "[" * 40,
    "]" * 40,
    "{" * 40,
    "}",
    "hold_s: ",
    "cues:\n  - at_s: ",
    "technique: compress",
    "é",
    "x" * 700,
]
RAW_BYTES = [b"\xff", b"\xc3", b"\xef\xbb\xbf", b"\x00", b"\xed\xa0\x80"]
CHUNKS = st.one_of(
    st.sampled_from(FRAGMENTS).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.sampled_from(RAW_BYTES),
    st.binary(max_size=8),
)
BASE_BYTES = dump(BASE).encode()


@st.composite
def yamlish(draw: st.DrawFn) -> bytes:
    """Fragments alone, or the valid routine with fragments spliced in at random places."""
    chunks = draw(st.lists(CHUNKS, max_size=12))
    if draw(st.booleans()):
        return b"".join(chunks)
    data = BASE_BYTES
    for chunk in chunks:
        at = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:at] + chunk + data[at:]
    return data


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=yamlish())
def test_loader_and_upload_check_never_raise(tmp_path_factory: object, data: bytes) -> None:
    folder = Path(str(tmp_path_factory.mktemp("fuzz")))  # type: ignore[attr-defined]
    path = folder / "sample.yaml"
    path.write_bytes(data)
    loaded = load_routines([path])
    assert bool(loaded.routines) != bool(loaded.errors)
    for issue in loaded.errors:
        assert issue.file == str(path)
        assert issue.field
        assert "allowed" in issue.message, issue.message
        assert "could not be checked" not in issue.message  # the last guard never fires
    check = check_upload(data, file="up.yaml", library_ids=frozenset())
    assert check.ok != bool(check.errors)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=yamlish())
def test_validate_cli_answers_cleanly(tmp_path_factory: object, data: bytes) -> None:
    folder = Path(str(tmp_path_factory.mktemp("fuzzcli")))  # type: ignore[attr-defined]
    path = folder / "sample.yaml"
    path.write_bytes(data)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    last = result.output.strip().splitlines()[-1]
    assert last.endswith(("valid", "invalid")), result.output
