"""Offline time zone lookup: by city, country or IANA name, and by a shared location."""

from __future__ import annotations

from guide_bot.timezones.location import zone_at
from guide_bot.timezones.lookup import ZoneMatch, find_zone, is_valid_zone

__all__ = ["ZoneMatch", "find_zone", "is_valid_zone", "zone_at"]
