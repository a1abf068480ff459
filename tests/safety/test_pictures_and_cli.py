"""Pictures of where to press, and the safety commands: conditions, plan options, picture."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from guide_bot.cli import main
from guide_bot.domain.conditions import CONDITION_NAMES
from guide_bot.domain.routine import Routine
from guide_bot.library.body_picture import (
    DPI,
    HEIGHT_IN,
    WIDTH_IN,
    NoPicture,
    render_routine_picture,
    render_step_picture,
)

RED = (214, 39, 40)


def _pixel_at(png: bytes, point: tuple[float, float]) -> tuple[int, int, int]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    # The axes fill the width and the lower 93 % of the height (the title is above).
    x = point[0] * width
    y = height - (1 - point[1]) * height * 0.93
    return image.getpixel((int(x), int(y)))  # type: ignore[return-value]


def _close(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    return all(abs(x - y) <= 40 for x, y in zip(a, b, strict=True))


def test_the_picture_marks_the_point_in_red_and_every_shipped_step_has_one(
    shipped: dict[str, Routine],
) -> None:
    routine = shipped["lower-back-relief"]
    png = render_step_picture(routine, 0)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (int(WIDTH_IN * DPI), int(HEIGHT_IN * DPI))
    where = routine.steps[0].where
    assert where is not None
    assert where.point is not None
    assert _close(_pixel_at(png, where.point), RED)
    assert not _close(_pixel_at(png, (0.5, 0.9)), RED)  # between the legs: nothing marked
    for r in shipped.values():
        assert all(step.where is not None for step in r.steps), r.id


def test_no_picture_for_a_step_without_where_or_out_of_range(
    shipped: dict[str, Routine],
) -> None:
    routine = shipped["neck-release"]
    with pytest.raises(NoPicture, match="has no step 9; allowed: 1-4"):
        render_step_picture(routine, 8)
    bare = routine.model_copy(
        update={"steps": (routine.steps[0].model_copy(update={"where": None}),)}
    )
    with pytest.raises(NoPicture, match="has no `where:`"):
        render_step_picture(bare, 0)


def test_the_card_picture_numbers_every_step_on_each_view_it_uses(
    shipped: dict[str, Routine],
) -> None:
    routine = shipped["full-body-stretch"]  # front and back
    views = {s.where.view for s in routine.steps if s.where is not None}
    png = render_routine_picture(routine)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (int(WIDTH_IN * DPI) * len(views), int(HEIGHT_IN * DPI))
    pixels = np.asarray(image, dtype=int)
    reds = int((np.abs(pixels - np.array(RED)).max(axis=2) <= 40).sum())
    assert reds > 200 * len(routine.steps)  # a numbered red disc per step, at least
    bare = routine.model_copy(
        update={"steps": [s.model_copy(update={"where": None}) for s in routine.steps]}
    )
    with pytest.raises(NoPicture, match="full-body-stretch"):
        render_routine_picture(bare)


def test_picture_command_writes_the_png(tmp_path: Path) -> None:
    out = tmp_path / "step.png"
    result = CliRunner().invoke(main, ["picture", "chest-opener", "1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\x89PNG")
    missing = CliRunner(mix_stderr=False).invoke(
        main, ["picture", "chest-opener", "9", "-o", str(out)]
    )
    assert missing.exit_code == 2
    assert "allowed: 1-5" in missing.stderr


def test_conditions_lists_every_name_as_text_and_json() -> None:
    text = CliRunner().invoke(main, ["conditions"])
    assert text.exit_code == 0
    assert [line.split()[0] for line in text.output.splitlines()] == list(CONDITION_NAMES)
    rows = json.loads(CliRunner().invoke(main, ["conditions", "--json"]).output)
    assert [row["name"] for row in rows] == list(CONDITION_NAMES)
    assert set(rows[0]) == {"name", "label", "kind", "effect"}


def test_plan_with_conditions_lists_the_changes_and_leaves_the_steps_out() -> None:
    result = CliRunner().invoke(
        main, ["plan", "lower-back-relief", "--condition", "osteoporosis", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["conditions"] == ["osteoporosis"]
    assert {c["action"] for c in data["changes"]} == {"replaced", "left out"}
    spoken = " ".join(e["text"] for e in data["events"])
    assert "Hug both knees" not in spoken
    assert "Lying twist" not in spoken
    table = CliRunner().invoke(
        main, ["plan", "lower-back-relief", "--condition", "osteoporosis", "--length", "full"]
    )
    assert table.output.startswith("Adapted for: osteoporosis\n  - Step 3 (Knees to chest)")
    assert "(full)" in table.output


def test_plan_refuses_for_not_now_and_rejects_unknown_names() -> None:
    refused = CliRunner().invoke(
        main, ["plan", "neck-release", "--condition", "red_flags", "--json"]
    )
    assert refused.exit_code == 3
    data = json.loads(refused.output)
    assert data["refused"] is True
    assert data["advice"][0]["condition"] == "red_flags"
    assert "events" not in data
    unknown = CliRunner(mix_stderr=False).invoke(
        main, ["plan", "neck-release", "--condition", "flu"]
    )
    assert unknown.exit_code == 2
    assert "osteoporosis" in unknown.stderr
    assert "age_65_plus" in unknown.stderr


def test_plan_length_quick_and_a_routine_without_it(tmp_path: Path) -> None:
    quick = CliRunner().invoke(main, ["plan", "desk-micro-break", "--length", "quick", "--json"])
    assert quick.exit_code == 0
    assert 120 <= json.loads(quick.output)["total_s"] <= 240
    (tmp_path / "old.yaml").write_text(
        "id: old\ntitle: Old\nsummary: x\nareas: [neck]\ncomplaints: [neck-pain]\n"
        "tools: [hands]\nsteps:\n  - {title: A, instruction: x, technique: move, hold_s: 20}\n",
        encoding="utf-8",
    )
    missing = CliRunner(mix_stderr=False).invoke(
        main, ["plan", "old", "--length", "quick", "--library", str(tmp_path)]
    )
    assert missing.exit_code == 2
    assert "no quick length; allowed: standard, full" in missing.stderr


def test_play_refuses_before_any_session_for_a_not_now_condition() -> None:
    result = CliRunner(mix_stderr=False).invoke(
        main, ["play", "neck-release", "--text-only", "--condition", "fever_or_acute_illness"]
    )
    assert result.exit_code == 3
    assert "Not offered: Fever or an acute illness right now" in result.stderr
    assert "Get ready" not in result.output


def test_export_refuses_for_ask_first_before_any_speech(tmp_path: Path) -> None:
    out = tmp_path / "x.ogg"
    result = CliRunner(mix_stderr=False).invoke(
        main, ["export", "neck-release", "--condition", "recent_surgery", "-o", str(out)]
    )
    assert result.exit_code == 3
    assert "ask your surgeon first" in result.stderr
    assert not out.exists()
