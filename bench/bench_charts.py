"""Benchmark: the median time to render the /stats chart for a year of daily history.

Run: `python bench/bench_charts.py [--runs N] [--days N]`. Prints the figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from guide_bot.progress.charts import render_progress_chart
from guide_bot.progress.figures import SessionRecord


def year_of_history(days: int) -> list[SessionRecord]:
    """One session a day (two on Sundays), with pain ratings, like a steady user's year."""
    start = datetime(2025, 1, 1, 7, 30, tzinfo=UTC)
    records: list[SessionRecord] = []
    for day in range(days):
        for extra in range(2 if day % 7 == 6 else 1):
            records.append(
                SessionRecord(
                    started_at=start + timedelta(days=day, hours=10 * extra),
                    duration_s=420 + (day * 37) % 600,
                    routine_id="neck-release",
                    areas=("neck", "shoulders-upper-back"),
                    completed=day % 9 != 0,
                    pain_before=4 + day % 4,
                    pain_after=2 + day % 3,
                )
            )
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    records = year_of_history(args.days)
    zone = ZoneInfo("Europe/Berlin")
    first = time.perf_counter()
    png = render_progress_chart(records, zone)
    first_s = time.perf_counter() - first
    times: list[float] = []
    for _ in range(args.runs):
        began = time.perf_counter()
        render_progress_chart(records, zone)
        times.append(time.perf_counter() - began)
    print(f"sessions: {len(records)} over {args.days} days; PNG {len(png)} bytes")
    print(f"first render (fonts, imports warm-up): {first_s * 1000:.0f} ms")
    print(
        f"median of {args.runs}: {statistics.median(times) * 1000:.0f} ms "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})"
    )


if __name__ == "__main__":
    main()
