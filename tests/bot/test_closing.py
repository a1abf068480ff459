"""The closing message says the end once: after the final text cue it does not repeat it."""

from __future__ import annotations

from guide_bot.domain.cues import FINAL_RELEASE_TEXT
from guide_bot.telegram import texts


def test_after_the_final_cue_in_text_the_end_is_not_repeated() -> None:
    line = texts.closing(True, end_said=True, title="Neck <release>")
    assert line == "✅ <b>Neck &lt;release&gt;</b> done."
    assert "complete" not in line.lower()
    assert "well done" not in line.lower()
    assert "Session complete" in FINAL_RELEASE_TEXT  # ... because the cue already said it


def test_voice_mode_or_a_skipped_last_step_keeps_the_full_closing() -> None:
    assert texts.closing(True, end_said=False, title="x") == texts.COMPLETE
    assert texts.closing(False, end_said=True, title="x") == texts.STOPPED
