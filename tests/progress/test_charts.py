"""The /stats chart renders headless, for a year of history and for none."""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from guide_bot.i18n import translator
from guide_bot.progress.charts import (
    DPI,
    HEIGHT_IN,
    WIDTH_IN,
    progress_figure,
    render_progress_chart,
)
from guide_bot.progress.figures import SessionRecord

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_a_year_of_daily_history_renders_a_png() -> None:
    start = datetime(2025, 1, 1, 7, tzinfo=UTC)
    records = [
        SessionRecord(
            started_at=start + timedelta(days=day),
            duration_s=300 + day % 11 * 60,
            routine_id="neck-release",
            areas=("neck",),
            pain_before=3 + day % 5,
            pain_after=1 + day % 4 if day % 3 else None,
        )
        for day in range(365)
    ]
    data = render_progress_chart(records, ZoneInfo("Europe/Berlin"))
    assert png_size(data) == (int(WIDTH_IN * DPI), int(HEIGHT_IN * DPI))
    assert 10_000 < len(data) < 1_000_000


def test_empty_and_unrated_histories_render() -> None:
    zone = ZoneInfo("Asia/Tokyo")
    assert png_size(render_progress_chart([], zone)) == (800, 600)
    one = SessionRecord(
        started_at=datetime(2026, 1, 1, tzinfo=UTC), duration_s=90, routine_id="x", areas=()
    )
    assert png_size(render_progress_chart([one], zone)) == (800, 600)


def _tick_labels(code: str, days: int) -> list[str]:
    start = datetime(2026, 1, 20, 7, tzinfo=UTC)
    records = [
        SessionRecord(
            started_at=start + timedelta(days=day),
            duration_s=300,
            routine_id="neck-release",
            areas=("neck",),
            pain_before=3,
            pain_after=1,
        )
        for day in range(days)
    ]
    figure = progress_figure(records, ZoneInfo("Europe/Berlin"), translator(code))
    figure.canvas.draw()
    return [label.get_text() for label in figure.axes[1].get_xticklabels()]


@pytest.mark.parametrize(
    ("code", "first", "month_change"),
    [
        ("en", "Jan 21", "Feb 1"),
        ("es", "21 ene", "1 feb"),
        ("de", "21. Jan.", "1. Feb."),
        ("ru", "21 янв.", "1 февр."),
        ("pt-br", "21 de jan.", "1 de fev."),
    ],
)
def test_day_ticks_are_in_the_users_language(code: str, first: str, month_change: str) -> None:
    labels = _tick_labels(code, 20)
    assert labels[0] == first
    assert month_change in labels
    assert "25" in labels  # the other days by number only, as concise as matplotlib's own


@pytest.mark.parametrize(
    ("code", "months"),
    [("en", {"May", "Jul", "Nov"}), ("es", {"may", "jul", "nov"}), ("ru", {"май", "июль"})],
)
def test_month_ticks_are_in_the_users_language(code: str, months: set[str]) -> None:
    labels = _tick_labels(code, 365)
    assert months <= set(labels), labels
    assert labels[0].startswith({"en": "Mar", "es": "mar", "ru": "март"}[code])
    assert "2026" in labels[0]
