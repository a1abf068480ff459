"""The PostgreSQL test fixture says clearly why it cannot run, and CI can forbid skipping."""

from __future__ import annotations

import pytest
from pg import REQUIRE_ENV, PostgresUnavailable, find_bindir, required


def test_no_server_binaries_is_a_clear_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pg.shutil.which", lambda _name: None)
    monkeypatch.setattr("pg.glob.glob", lambda _pattern: [])
    with pytest.raises(PostgresUnavailable, match="install Debian's `postgresql` package"):
        find_bindir()


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("", False), ("0", False)])
def test_ci_requires_postgres(monkeypatch: pytest.MonkeyPatch, value: str, expected: bool) -> None:
    monkeypatch.setenv(REQUIRE_ENV, value)
    assert required() is expected
