"""Reminder requests waiting for the user's time zone: a /remind, the few-taps flow, a daily offer.

A user without a time zone is asked for one first; what they asked for waits in the database
(storage/pending.py), not in memory, so a restart of the bot before they answer does not lose it.
Kept parsed (a time, days, a routine id), never as the text typed; dropped after a day. The
handlers in reminders.py finish it once the zone is set.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from guide_bot.reminders.parsing import ReminderRequest
from guide_bot.reminders.rules import EVERY_DAY, ReminderRule
from guide_bot.reminders.store import days_to_mask, mask_to_days
from guide_bot.telegram.context import Services
from guide_bot.telegram.reminders import keyboards as kb
from guide_bot.telegram.reminders.keyboards import Hhmm, Mask

RoutineId = Annotated[str, Field(min_length=1, max_length=64)]


class WaitingReminder(BaseModel):
    """A new reminder asked for before the zone was known; no time means the few-taps flow."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    hhmm: Hhmm | None = None
    mask: Mask = days_to_mask(EVERY_DAY)
    routine: RoutineId | None = None

    @property
    def flow(self) -> bool:
        """Whether it is the few-taps flow (/remind alone) rather than a whole reminder."""
        return self.hhmm is None

    def rule(self, zone: str) -> ReminderRule:
        """The reminder in the zone now known."""
        assert self.hhmm is not None
        return ReminderRule(
            at=kb.parse_hhmm(self.hhmm),
            days=mask_to_days(self.mask),
            zone=zone,
            routine_id=self.routine,
        )


class OpenOffer(BaseModel):
    """The daily reminder offer made and not answered yet: its time and routine, as offered."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    hhmm: Hhmm
    routine: Annotated[str, Field(min_length=1, max_length=80)]


class WaitingOffer(BaseModel):
    """ "Yes" to the daily offer before the zone was known: the offered time (UTC) and routine."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    hhmm_utc: Hhmm
    routine: RoutineId | None = None


def wait_for_zone(services: Services, user_id: int, request: ReminderRequest | None) -> None:
    """Keep a parsed /remind (or, for None, the few-taps flow) until the zone is set."""
    waiting = (
        WaitingReminder()
        if request is None
        else WaitingReminder(
            hhmm=kb.hhmm(request.at), mask=days_to_mask(request.days), routine=request.routine_id
        )
    )
    services.pending.put(user_id, "remind", waiting, services.now_utc())


def offer_waits_for_zone(
    services: Services, user_id: int, hhmm_utc: str, routine_id: str | None
) -> None:
    """Keep a "yes" to the daily offer until the zone is set."""
    waiting = WaitingOffer(hhmm_utc=hhmm_utc, routine=routine_id)
    services.pending.put(user_id, "daily_offer", waiting, services.now_utc())


def take_waiting(
    services: Services, user_id: int
) -> tuple[WaitingReminder | None, WaitingOffer | None]:
    """What was waiting for this user's zone (each at most a day old); gone afterwards."""
    pending, now = services.pending, services.now_utc()
    return (
        pending.take(user_id, "remind", WaitingReminder, now),
        pending.take(user_id, "daily_offer", WaitingOffer, now),
    )
