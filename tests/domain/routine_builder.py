"""A valid routine from a few step fields, for the domain tests (imported by name, as
routine_strategies is: a module called `conftest` would clash with the other test folders')."""

from __future__ import annotations

from typing import Any

from guide_bot.domain.routine import Routine


def build_routine(steps: list[dict[str, Any]], **fields: Any) -> Routine:
    """A valid routine with the given steps; every other field has a plain default."""
    data: dict[str, Any] = {
        "id": "test-routine",
        "title": "Test routine",
        "summary": "A routine for tests.",
        "areas": ["neck"],
        "complaints": ["neck-pain"],
        "tools": ["ball"],
        "get_ready_s": 5,
        "steps": [
            {"title": f"Step {n}", "instruction": "Do it.", "technique": "compress", **step}
            for n, step in enumerate(steps, start=1)
        ],
    }
    data.update(fields)
    return Routine.model_validate(data)
