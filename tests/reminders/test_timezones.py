"""Offline time zone lookup by name and by location."""

from __future__ import annotations

import pytest

from guide_bot.telegram.reminders.texts import timezone_unknown
from guide_bot.timezones import find_zone, is_valid_zone, zone_at
from guide_bot.timezones.cities import CITY_ZONES


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Berlin", "Europe/Berlin"),
        ("  berlin ", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("New York", "America/New_York"),
        ("new_york", "America/New_York"),
        ("São Paulo", "America/Sao_Paulo"),
        ("sao paulo", "America/Sao_Paulo"),
        ("Munich", "Europe/Berlin"),
        ("San Francisco", "America/Los_Angeles"),
        ("Sydney", "Australia/Sydney"),
        ("Germany", "Europe/Berlin"),
        ("UTC", "UTC"),
    ],
)
def test_found_by_name(text: str, zone: str) -> None:
    assert find_zone(text).zone == zone


def test_unknown_gives_suggestions_and_examples() -> None:
    match = find_zone("Berln")
    assert match.zone is None
    assert "Europe/Berlin" in match.suggestions
    answer = timezone_unknown("Berln", match.suggestions)
    assert "Europe/Berlin" in answer
    assert "/timezone Berlin" in answer
    nothing = find_zone("Atlantis City")
    assert nothing.zone is None
    assert nothing.suggestions == ()
    assert "/timezone" in timezone_unknown("Atlantis City", ())
    assert find_zone("   ").zone is None


def test_city_table_is_valid() -> None:
    bad = {name: zone for name, zone in CITY_ZONES.items() if not is_valid_zone(zone)}
    assert bad == {}


@pytest.mark.parametrize(
    ("lat", "lng", "zone"),
    [
        (52.52, 13.40, "Europe/Berlin"),
        (40.71, -74.01, "America/New_York"),
        (-33.87, 151.21, "Australia/Sydney"),
        (35.68, 139.69, "Asia/Tokyo"),
    ],
)
def test_found_by_location(lat: float, lng: float, zone: str) -> None:
    assert zone_at(latitude=lat, longitude=lng) == zone


def test_location_out_of_range() -> None:
    assert zone_at(latitude=95.0, longitude=0.0) is None
    open_sea = zone_at(latitude=0.0, longitude=-30.0)
    assert open_sea is not None
    assert open_sea.startswith("Etc/")
