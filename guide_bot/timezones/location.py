"""The zone of a shared location, offline, with timezonefinder's bundled boundary data.

Building the finder reads its data files, so it is built once, on first use; timezonefinder is
imported then too (about 0.1 s), not at the bot's start-up.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import TYPE_CHECKING

from guide_bot.timezones.lookup import is_valid_zone

if TYPE_CHECKING:
    from timezonefinder import TimezoneFinder

logger = logging.getLogger(__name__)


@cache
def _finder() -> TimezoneFinder:
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


def zone_at(*, latitude: float, longitude: float) -> str | None:
    """The IANA zone at a point (over the sea: an `Etc/GMT±N` zone), or None if out of range."""
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        return None
    zone: str | None = _finder().timezone_at(lng=longitude, lat=latitude)
    if zone is None or not is_valid_zone(zone):
        logger.info("no usable zone at a shared location: %s", zone)
        return None
    return zone
