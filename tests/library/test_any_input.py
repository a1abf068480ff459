"""Whatever a file holds, loading it never crashes and every error says what is allowed."""

from __future__ import annotations

import copy
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from guide_bot.library.loader import parse_routine

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-1000, max_value=1000),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=20),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(min_size=1, max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
STEP_KEYS = st.sampled_from(
    ["title", "instruction", "technique", "hold_s", "sides", "reps", "rest_s", "pressure", "cues"]
)
VALID_STEP: dict[str, Any] = {
    "title": "Upper trapezius",
    "instruction": "Press.",
    "technique": "compress",
    "hold_s": 45,
    "pressure": 5,
    "cues": [{"at_s": 10, "text": "Breathe out."}],
}
VALID: dict[str, Any] = {
    "id": "sample",
    "title": "Sample",
    "summary": "A sample.",
    "areas": ["neck"],
    "complaints": ["neck-pain"],
    "tools": ["ball"],
    "steps": [VALID_STEP],
}


def _check(text: str) -> None:
    routine, issues = parse_routine(text, file="fuzz.yaml", expected_id="sample")
    assert (routine is None) == bool(issues)
    for issue in issues:
        assert issue.file == "fuzz.yaml"
        assert issue.field
        assert "allowed" in issue.message, str(issue)


@settings(deadline=None)
@given(key=STEP_KEYS, value=VALUES)
def test_any_value_in_a_step_field(key: str, value: Any) -> None:
    data = copy.deepcopy(VALID)
    data["steps"][0][key] = value
    _check(yaml.safe_dump(data, sort_keys=False))


@settings(deadline=None)
@given(data=VALUES)
def test_any_yaml_document(data: Any) -> None:
    _check(yaml.safe_dump(data))


@settings(deadline=None)
@given(text=st.text(max_size=200))
def test_any_text(text: str) -> None:
    _check(text)
