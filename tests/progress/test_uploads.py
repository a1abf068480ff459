"""Uploaded routines are untrusted: every hostile or broken file is refused, stores nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml
from sqlalchemy.orm import sessionmaker

from guide_bot.library.uploads import (
    MAX_ROUTINES_PER_USER,
    MAX_UPLOAD_BYTES,
    check_upload,
    describe,
    size_issue,
)
from guide_bot.progress.routine_store import UserRoutineRepository
from guide_bot.progress.user_routines import UserRoutines

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
LIBRARY_IDS = frozenset({"neck-release"})


def routine(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "my-evening",
        "title": "My evening stretch",
        "summary": "Calf and hip stretches before bed.",
        "areas": ["calves-feet", "hips-glutes"],
        "complaints": ["sleep"],
        "tools": ["wall"],
        "steps": [
            {
                "title": "Calf stretch",
                "instruction": "Hands on the wall, one foot back, heel down.",
                "technique": "stretch",
                "hold_s": 30,
                "sides": "left-right",
            }
        ],
    }
    data.update(overrides)
    return data


class _NoAliasDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def as_bytes(data: dict[str, Any]) -> bytes:
    """YAML text as a person would write it: repeated values written out, no aliases."""
    return yaml.dump(data, Dumper=_NoAliasDumper, sort_keys=False).encode()


@pytest.fixture
def store(db: sessionmaker[Any]) -> UserRoutines:
    return UserRoutines(UserRoutineRepository(db), LIBRARY_IDS)


ALIAS_BOMB = b"""
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
"""


def _wrong_types() -> bytes:
    return as_bytes(routine(steps=[{**routine()["steps"][0], "hold_s": "forever"}], areas="neck"))


def _huge_string() -> bytes:
    step = {**routine()["steps"][0], "instruction": "y" * 20_000}
    return as_bytes(routine(title="x" * 20_000, steps=[step], cautions=["z" * 20_000]))


def _too_many_steps() -> bytes:
    return as_bytes(routine(steps=[routine()["steps"][0]] * 41))


HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "alias bomb": (lambda: ALIAS_BOMB, "aliases"),
    "python object tag": (
        lambda: b"id: !!python/object/apply:os.system ['echo pwned']\n",
        "not valid YAML",
    ),
    "not yaml": (lambda: b"id: [unclosed\n  - : :\n", "not valid YAML"),
    "not a mapping": (lambda: b"- just\n- a list\n", "YAML mapping"),
    "binary": (lambda: b"\xff\xfe\x00\x01\x02garbage", "UTF-8"),
    "control characters": (lambda: b"id: a\x00b\n", "not valid YAML"),
    "deep nesting": (lambda: b"[" * 50_000, "nests too deeply"),
    "oversized": (lambda: b"# " + b"x" * MAX_UPLOAD_BYTES, "at most 65,536 bytes (64 KB)"),
    "wrong types": (_wrong_types, "hold_s"),
    "huge string": (_huge_string, "1-80 characters"),
    "too many steps": (_too_many_steps, "1 to 40 steps"),
    "duplicate key": (lambda: b"id: a\nid: b\n", "appears twice"),
    "unknown field": (lambda: as_bytes(routine(run="rm -rf /")), "unknown field"),
    "library id": (lambda: as_bytes(routine(id="neck-release")), "library routine"),
    "unsafe id": (lambda: as_bytes(routine(id="../../etc/passwd")), "not a safe id"),
    "long id": (lambda: as_bytes(routine(id="a" * 50)), "at most 40"),
    "too many cautions": (lambda: as_bytes(routine(cautions=["careful"] * 11)), "at most 10"),
    "long caution": (lambda: as_bytes(routine(cautions=["c" * 201])), "at most 200"),
    "too many cues": (
        lambda: as_bytes(
            routine(
                steps=[
                    {
                        **routine()["steps"][0],
                        "cues": [{"at_s": 1 + i, "text": "breathe"} for i in range(11)],
                    }
                ]
            )
        ),
        "at most 10 a step",
    ),
    "session too long": (
        lambda: as_bytes(
            routine(
                steps=[
                    {
                        **routine()["steps"][0],
                        "hold_s": 600,
                        "reps": 10,
                        "sides": "left-right",
                    }
                ]
                * 3
            )
        ),
        "at most 120 minutes",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_uploads_are_refused_and_store_nothing(store: UserRoutines, name: str) -> None:
    make, expected = HOSTILE[name]
    outcome = store.upload(7, make(), file="upload.yaml", now=NOW)
    assert not outcome.stored
    assert outcome.errors, name
    lines = [describe(issue) for issue in outcome.errors]
    text = "\n".join(lines)
    assert expected in text, text
    assert all(len(line) <= 400 for line in lines), "a refused value is echoed whole"
    assert store.entries(7) == []


def test_wrong_types_name_every_field(store: UserRoutines) -> None:
    outcome = store.upload(7, _wrong_types(), file="upload.yaml", now=NOW)
    lines = [describe(issue) for issue in outcome.errors]
    assert any(line.startswith("step 1 (Calf stretch), 'hold_s'") for line in lines), lines
    assert any(line.startswith("'areas'") for line in lines), lines
    assert not any("at least 1 item" in line for line in lines), lines  # the step is there


def test_size_is_checked_before_download() -> None:
    assert size_issue(MAX_UPLOAD_BYTES, "a.yaml") is None
    assert size_issue(None, "a.yaml") is None
    issue = size_issue(10 * 1024 * 1024, "a.yaml")
    assert issue is not None
    assert "10,485,760 bytes" in issue.message


def test_a_valid_upload_is_stored_under_my_namespace(store: UserRoutines) -> None:
    outcome = store.upload(7, as_bytes(routine()), file="evening.yaml", now=NOW)
    assert outcome.stored
    assert not outcome.replaced
    assert outcome.ref == "my:my-evening"
    entries = store.entries(7)
    assert [(e.ref, e.title) for e in entries] == [("my:my-evening", "My evening stretch")]
    loaded = store.get(7, "my:my-evening")
    assert loaded is not None
    assert loaded.id == "my:my-evening"
    assert loaded.steps[0].title == "Calf stretch"
    assert store.get(7, "my-evening") is None  # bare ids are library ids


def test_lint_warnings_come_back_but_do_not_refuse() -> None:
    step = {**routine()["steps"][0], "technique": "compress", "hold_s": 200}
    check = check_upload(as_bytes(routine(steps=[step])), file="u.yaml", library_ids=LIBRARY_IDS)
    assert check.ok
    assert any("outside the usual" in w.message for w in check.warnings)


def test_other_users_never_see_or_collide(store: UserRoutines) -> None:
    assert store.upload(7, as_bytes(routine()), file="a.yaml", now=NOW).stored
    other = routine(title="Someone else's", steps=[{**routine()["steps"][0], "hold_s": 45}])
    outcome = store.upload(8, as_bytes(other), file="b.yaml", now=NOW)
    assert outcome.stored
    assert not outcome.replaced  # a separate routine, not an override of user 7's
    seven = store.get(7, "my:my-evening")
    eight = store.get(8, "my:my-evening")
    assert seven is not None
    assert eight is not None
    assert seven.title == "My evening stretch"
    assert eight.title == "Someone else's"
    assert store.get(9, "my:my-evening") is None
    assert not store.delete(9, "my:my-evening")
    assert store.get(7, "my:my-evening") is not None


def test_reupload_replaces_only_your_own(store: UserRoutines) -> None:
    assert store.upload(7, as_bytes(routine()), file="a.yaml", now=NOW).stored
    again = store.upload(7, as_bytes(routine(title="Renamed")), file="a.yaml", now=NOW)
    assert again.stored
    assert again.replaced
    assert [e.title for e in store.entries(7)] == ["Renamed"]


def test_a_refused_reupload_keeps_the_old_version(store: UserRoutines) -> None:
    assert store.upload(7, as_bytes(routine()), file="a.yaml", now=NOW).stored
    bad = store.upload(7, as_bytes(routine(title="")), file="a.yaml", now=NOW)
    assert not bad.stored
    assert [e.title for e in store.entries(7)] == ["My evening stretch"]


def test_per_user_limit(store: UserRoutines) -> None:
    for n in range(MAX_ROUTINES_PER_USER):
        assert store.upload(7, as_bytes(routine(id=f"r-{n}")), file="a.yaml", now=NOW).stored
    over = store.upload(7, as_bytes(routine(id="one-more")), file="a.yaml", now=NOW)
    assert not over.stored
    assert "delete one first" in over.errors[0].message
    # Replacing one you have is still fine, and another user is not affected.
    assert store.upload(7, as_bytes(routine(id="r-0")), file="a.yaml", now=NOW).stored
    assert store.upload(8, as_bytes(routine(id="one-more")), file="a.yaml", now=NOW).stored


def test_delete(store: UserRoutines) -> None:
    store.upload(7, as_bytes(routine()), file="a.yaml", now=NOW)
    assert store.delete(7, "my:my-evening")
    assert not store.delete(7, "my:my-evening")
    assert not store.delete(7, "neck-release")
    assert store.entries(7) == []
