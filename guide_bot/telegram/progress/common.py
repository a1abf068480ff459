"""What the progress handlers share: the user's time zone and routine lookups.

The user's zone is owned by the reminders feature (/timezone, stored with the reminders); when it
is not installed or the user never set one, days are counted in UTC and the texts say so.
"""

from __future__ import annotations

from typing import Protocol
from zoneinfo import ZoneInfo

from telegram.ext import filters

from guide_bot.domain.routine import Routine
from guide_bot.progress.records import zone_or_utc
from guide_bot.telegram.context import Services


class _ZoneSource(Protocol):
    def get_timezone(self, user_id: int) -> str | None: ...


def user_zone(services: Services, user_id: int) -> tuple[ZoneInfo, bool]:
    """(zone, whether the user set it): the zone /timezone stored, or UTC."""
    source: _ZoneSource | None = getattr(services, "reminders", None)
    return zone_or_utc(source.get_timezone(user_id) if source is not None else None)


def routine_title(services: Services, user_id: int, routine_id: str) -> str:
    """The routine's title as the user knows it (in their language), or its id when it is gone."""
    routine = find_routine(services, user_id, routine_id)
    if routine is None:
        return routine_id
    return services.catalog.localized(routine, services.users.locale_of(user_id)).title


def find_routine(services: Services, user_id: int, routine_id: str) -> Routine | None:
    """A library routine or this user's own routine by id."""
    return services.catalog.find(user_id, routine_id)


# What a user's own data is about stays between them and the bot: in a group these commands
# would show one person's history, figures or export to everyone, so they answer only in private.
PRIVATE = filters.ChatType.PRIVATE
