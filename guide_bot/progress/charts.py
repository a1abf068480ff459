"""The /stats chart: pain before and after over time, and minutes per day, as one PNG.

Drawn with matplotlib's object API on the Agg canvas: no pyplot, no global figure state and no
display, so it is safe in a server and in a thread. Kept cheap for a year of daily history: the
minutes are one collection of vertical lines rather than hundreds of bar patches.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, num2date
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter

from guide_bot.domain.wording import N_, Wording
from guide_bot.i18n import EN
from guide_bot.progress.figures import SessionRecord, minutes_per_day, pain_series

WIDTH_IN = 8.0
HEIGHT_IN = 6.0
DPI = 100
BEFORE_COLOUR = "#d95f02"
AFTER_COLOUR = "#1b9e77"
MINUTES_COLOUR = "#7570b3"
MIN_SPAN = timedelta(days=7)  # a first session still shows on a week, not on a day of hours


def _noon(day: date, zone: ZoneInfo) -> datetime:
    # A day's bar stands in the middle of the day, where that day's sessions are.
    return datetime.combine(day, time(12), tzinfo=zone)


class ChartWording(Wording, Protocol):
    """The chart's words and its dates' formats (a `Translator`)."""

    def skeleton(self, moment: date | datetime, skeleton: str) -> str:
        """A date in the language's pattern for a CLDR skeleton."""
        ...


class LocalDates(Formatter):
    """Date ticks in the user's language, as concise as matplotlib's own: the day number, with
    the month where it starts or changes; months, with the year at January; or years."""

    def __init__(self, w: ChartWording, zone: ZoneInfo) -> None:
        self.w = w
        self.zone = zone

    def __call__(self, x: float, pos: int | None = None) -> str:
        return self.format_ticks([x])[0]

    def format_ticks(self, values: Any) -> list[str]:
        moments = [num2date(value, tz=self.zone) for value in values]  # type: ignore[no-untyped-call]
        if not moments:
            return []
        step = moments[1] - moments[0] if len(moments) > 1 else timedelta(days=1)
        labels = []
        for i, moment in enumerate(moments):
            before = moments[i - 1] if i else None
            if step >= timedelta(days=300):
                skeleton = "y"
            elif step >= timedelta(days=28):
                first = before is None or before.year != moment.year
                skeleton = "yMMM" if first else "MMM"
            elif step >= timedelta(hours=20):
                first = before is None or before.month != moment.month
                skeleton = "MMMd" if first else "d"
            else:
                skeleton = "Hm"
            labels.append(self.w.skeleton(moment, skeleton))
        return labels


# matplotlib does not promise thread safety, and callers render in worker threads: one at a time.
_RENDER_LOCK = threading.Lock()


def render_progress_chart(
    records: Sequence[SessionRecord], zone: ZoneInfo, w: ChartWording = EN
) -> bytes:
    """A PNG with two panels for the user's history, dates in the user's zone, its words in the
    language of `w`."""
    with _RENDER_LOCK:
        return _render(records, zone, w)


def _render(records: Sequence[SessionRecord], zone: ZoneInfo, w: ChartWording) -> bytes:
    figure = progress_figure(records, zone, w)
    out = io.BytesIO()
    # zlib level 1: a third of the encoding time for a slightly larger file (a photo of ~100 KB).
    figure.savefig(out, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    return out.getvalue()


def progress_figure(records: Sequence[SessionRecord], zone: ZoneInfo, w: ChartWording) -> Figure:
    """The chart's figure, not yet drawn (callers hold the render lock)."""
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(figure)
    pain_ax, minutes_ax = figure.subplots(2, 1, sharex=True)
    # Fixed margins: a layout engine measures every label and would double the drawing time.
    figure.subplots_adjust(left=0.08, right=0.98, top=0.95, bottom=0.07, hspace=0.25)

    pain = pain_series(records, zone)
    before = [(at, b) for at, b, _ in pain if b is not None]
    after = [(at, a) for at, _, a in pain if a is not None]
    for series, colour, label in (
        (before, BEFORE_COLOUR, N_("before")),
        (after, AFTER_COLOUR, N_("after")),
    ):
        if series:
            xs, ys = zip(*series, strict=True)
            pain_ax.plot(
                xs, ys, "o-", color=colour, markersize=3, linewidth=1, label=w.gettext(label)
            )
    if before or after:
        pain_ax.legend(loc="upper left", frameon=False, ncols=2)
    else:
        pain_ax.text(
            0.5,
            0.5,
            w.gettext(N_("no pain ratings yet")),
            ha="center",
            va="center",
            transform=pain_ax.transAxes,
            color="grey",
        )
    pain_ax.set_ylim(-0.5, 10.5)
    pain_ax.set_yticks(range(0, 11, 2))
    pain_ax.set_ylabel(w.gettext(N_("pain (0-10)")))
    pain_ax.set_title(w.gettext(N_("Pain before and after a session")))
    pain_ax.grid(axis="y", alpha=0.3)

    per_day = minutes_per_day(records, zone)
    if per_day:
        days = [_noon(day, zone) for day, _ in per_day]
        minutes = [value for _, value in per_day]
        width = 4 if len(days) < 60 else 1.5
        minutes_ax.vlines(days, 0, minutes, color=MINUTES_COLOUR, linewidth=width)
        minutes_ax.set_ylim(0, max(minutes) * 1.1)
        low, high = days[0] - timedelta(days=1), days[-1] + timedelta(days=1)
        minutes_ax.set_xlim(min(low, high - MIN_SPAN), high)
    else:
        minutes_ax.text(
            0.5,
            0.5,
            w.gettext(N_("no sessions yet")),
            ha="center",
            va="center",
            transform=minutes_ax.transAxes,
            color="grey",
        )
    minutes_ax.set_ylabel(w.gettext(N_("minutes")))
    minutes_ax.set_title(w.gettext(N_("Minutes per day")))
    minutes_ax.grid(axis="y", alpha=0.3)

    locator = AutoDateLocator(tz=zone)  # type: ignore[no-untyped-call]
    minutes_ax.xaxis.set_major_locator(locator)
    minutes_ax.xaxis.set_major_formatter(LocalDates(w, zone))
    return figure
