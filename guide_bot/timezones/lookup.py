"""Finding an IANA zone from what a person types: a city, a country or a zone name.

Offline: the city table plus every IANA name from the stdlib `zoneinfo` (backed by `tzdata`),
matched on the whole name ("europe/berlin") and on its last part ("berlin", "new york"),
ignoring case, spaces, underscores and accents. A miss returns close names via difflib.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from guide_bot.timezones.cities import CITY_ZONES

# Old or administrative names that are not what a person means by a city.
_SKIP_PREFIXES = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/", "posix/")
_SKIP_PREFIXES_RIGHT = ("right/",)


def _key(text: str) -> str:
    """Case-, accent- and separator-insensitive key: "São_Paulo " -> "sao paulo"."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    for sep in ("_", "-", ".", ","):
        plain = plain.replace(sep, " ")
    return " ".join(plain.split())


@dataclass(frozen=True, kw_only=True, slots=True)
class ZoneMatch:
    """The zone found (or None) and up to a few suggestions for the user."""

    zone: str | None
    suggestions: tuple[str, ...] = ()


@cache
def _index() -> dict[str, str]:
    """Search key -> zone for IANA full names, their last parts and the city table."""
    index: dict[str, str] = {}
    zones = sorted(available_timezones())
    for zone in zones:
        if zone.startswith(_SKIP_PREFIXES_RIGHT):
            continue
        index[_key(zone)] = zone
    for zone in zones:
        if "/" not in zone or zone.startswith(_SKIP_PREFIXES + _SKIP_PREFIXES_RIGHT):
            continue
        index.setdefault(_key(zone.rsplit("/", 1)[1]), zone)
    for name, zone in CITY_ZONES.items():
        index.setdefault(_key(name), zone)
    return index


def is_valid_zone(name: str) -> bool:
    """Whether the name is an IANA zone the stdlib can load."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def find_zone(text: str, *, limit: int = 3) -> ZoneMatch:
    """The zone for a city, country or zone name, else suggestions of close names."""
    key = _key(text)
    if not key:
        return ZoneMatch(zone=None)
    index = _index()
    if key in index:
        return ZoneMatch(zone=index[key])
    close = difflib.get_close_matches(key, list(index), n=limit * 3, cutoff=0.75)
    suggestions: list[str] = []
    for match in close:
        zone = index[match]
        if zone not in suggestions:
            suggestions.append(zone)
    return ZoneMatch(zone=None, suggestions=tuple(suggestions[:limit]))
