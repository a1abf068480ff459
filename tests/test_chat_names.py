"""Every complaint of the shipped library and every screening condition has its chat label."""

from __future__ import annotations

from guide_bot.domain.conditions import CONDITIONS
from guide_bot.library.loader import load_routines
from guide_bot.paths import shipped_library_dir
from guide_bot.telegram import keyboards, texts


def test_where_does_it_hurt_names_every_complaint_of_the_library() -> None:
    result = load_routines((shipped_library_dir(),))
    complaints = {c for routine in result.routines.values() for c in routine.complaints}
    assert {"sciatica-like", "jaw-clenching", "micro-break"} <= complaints
    assert complaints <= set(texts.COMPLAINT_NAMES), complaints - set(texts.COMPLAINT_NAMES)


def test_the_checklist_has_a_button_per_condition_and_fits_callback_data() -> None:
    assert set(texts.CONDITION_BUTTONS) == {c.name for c in CONDITIONS}
    markup = keyboards.screening(["osteoporosis"])
    labels = [b.text for row in markup.inline_keyboard for b in row]
    assert len(labels) == len(CONDITIONS) + 2
    assert "✅ Osteoporosis" in labels
    text = texts.screening_checklist(["osteoporosis"])
    assert text.index("Not today") < text.index("Ask your clinician") < text.index("Changes")
