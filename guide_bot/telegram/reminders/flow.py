"""The few-taps way to set or change a reminder (time, days, routine), and the daily offer.

Each step edits the same message; the choices so far travel in the buttons' data, so nothing is
kept between taps. A tap that needs the time zone first leaves what it asked for waiting in the
database (reminder_waiting.py). Saving checks the limit per user and re-arms the dispatcher.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from guide_bot.domain.routine import Routine
from guide_bot.library.catalog import routine_ref
from guide_bot.progress.history import HistoryEntry
from guide_bot.reminders.rules import EVERY_DAY, ReminderRule
from guide_bot.reminders.store import days_to_mask, mask_to_days
from guide_bot.telegram.context import BotContext, Services
from guide_bot.telegram.handlers.common import Press, tr_of
from guide_bot.telegram.reminders import keyboards as kb
from guide_bot.telegram.reminders import texts as rt
from guide_bot.telegram.reminders.waiting import (
    OpenOffer,
    WaitingOffer,
    offer_waits_for_zone,
    wait_for_zone,
)
from guide_bot.telegram.routing import Routes
from guide_bot.telegram.texts.bound import bound

log = logging.getLogger(__name__)

MAX_REMINDERS_PER_USER = 10


async def _show(
    services: Services,
    chat_id: int,
    message_id: int | None,
    text: str,
    keyboard: InlineKeyboardMarkup | None,
) -> None:
    sender = services.sender
    if message_id is None:
        await sender.text(chat_id, text, keyboard)
    else:
        await sender.edit_text(chat_id, message_id, text, keyboard)


async def start(
    services: Services, chat_id: int, user_id: int, rid: int, *, message_id: int | None
) -> None:
    """Step 1: the time (for a change, the current time and days are kept as defaults)."""
    t = bound(tr_of(user_id, services), rt)
    current, mask = None, days_to_mask(EVERY_DAY)
    if rid:
        stored = services.reminders.get(rid)
        if stored is None or stored.user_id != user_id:
            await _show(services, chat_id, message_id, t.GONE, None)
            return
        current, mask = kb.hhmm(stored.rule.at), days_to_mask(stored.rule.days)
    elif services.reminders.count_for_user(user_id) >= MAX_REMINDERS_PER_USER:
        await _show(services, chat_id, message_id, t.too_many(MAX_REMINDERS_PER_USER), None)
        return
    await _show(services, chat_id, message_id, t.CHOOSE_TIME, kb.times(rid, current, mask))


async def save(
    services: Services,
    chat_id: int,
    user_id: int,
    rid: int,
    rule: ReminderRule,
    *,
    message_id: int | None,
) -> None:
    """Create (rid 0) or change a reminder and confirm with its next time."""
    t = bound(tr_of(user_id, services), rt)
    repo, now = services.reminders, services.now_utc()
    if rid == 0:
        if repo.count_for_user(user_id) >= MAX_REMINDERS_PER_USER:
            await _show(services, chat_id, message_id, t.too_many(MAX_REMINDERS_PER_USER), None)
            return
        stored = repo.add(user_id=user_id, chat_id=chat_id, rule=rule, now=now)
    else:
        existing = repo.get(rid)
        if existing is None or existing.user_id != user_id:
            await _show(services, chat_id, message_id, t.GONE, None)
            return
        rule = replace(rule, paused=existing.rule.paused)  # a change does not resume it
        changed = repo.update_rule(rid, rule, now)
        if changed is None:
            await _show(services, chat_id, message_id, t.GONE, None)
            return
        stored = changed
    services.reminder_dispatcher.arm()
    routine = services.catalog.find(user_id, rule.routine_id) if rule.routine_id else None
    title = services.catalog.localized(routine, t.tr.code).title if routine else None
    text = t.reminder_created(stored.rule, title, stored.state.due_utc, now)
    await _show(services, chat_id, message_id, text, None)


def local_quarter_hour(now: datetime, zone: str) -> time:
    """The user's local time now, rounded to the nearest quarter hour (for the daily offer)."""
    local = now.astimezone(ZoneInfo(zone)) + timedelta(minutes=7, seconds=30)
    return time(local.hour, local.minute - local.minute % 15)


async def offer_daily(services: Services, chat_id: int, user_id: int, routine: Routine) -> bool:
    """After a user's first completed session: offer a daily reminder at about this time.

    Only once per user and only to someone with no reminder yet; returns whether it was offered.
    """
    t = bound(tr_of(user_id, services), rt)
    repo = services.reminders
    if repo.count_for_user(user_id) > 0 or repo.was_offered(user_id):
        return False
    zone = repo.get_timezone(user_id) or "UTC"
    at = local_quarter_hour(services.now_utc(), zone)
    now = services.now_utc()
    repo.mark_offered(user_id, now)
    offer = OpenOffer(hhmm=kb.hhmm(at), routine=routine_ref(routine.id))
    services.pending.put(user_id, "open_offer", offer, now)  # only this offer can be accepted
    await services.sender.text(chat_id, t.OFFER_DAILY, kb.offer_daily(at, routine, tr=t.tr))
    return True


def take_offer(services: Services, user_id: int, data: kb.OfferDaily) -> bool:
    """Whether this answer is to the offer made to this user and still open; closes it.

    A forged "yes" (no offer made, another time or routine) or a second tap finds none.
    """
    offer = services.pending.get(user_id, "open_offer", OpenOffer, services.now_utc())
    if offer is None or (offer.hhmm, offer.routine) != (data.hhmm, data.routine):
        return False
    services.pending.drop(user_id, "open_offer")
    return True


async def after_session(
    services: Services, chat_id: int, user_id: int, entry: HistoryEntry
) -> None:
    """Hooked after a session's pain rating: the first completed session gets the offer."""
    if not entry.completed:
        return
    completed = [e for e in services.history.recent(user_id, limit=5) if e.completed]
    routine = services.catalog.find(user_id, entry.routine_id)
    if len(completed) == 1 and routine is not None:
        await offer_daily(services, chat_id, user_id, routine)


async def on_button(
    data: kb.Flow | kb.PickDays | kb.PickRoutine | kb.OfferDaily, press: Press, context: BotContext
) -> None:
    services = context.services
    chat_id, user_id = press.chat_id, press.user_id
    t = bound(tr_of(user_id, services), rt)
    sender = services.sender
    message_id = press.message_id
    repo = services.reminders
    if isinstance(data, kb.Flow | kb.PickDays | kb.PickRoutine) and data.rid:
        stored = repo.get(data.rid)
        if stored is None or stored.user_id != user_id:
            await sender.answer(press.query_id, t.GONE if stored is None else t.NOT_YOURS)
            return
    if isinstance(data, kb.OfferDaily) and not take_offer(services, user_id, data):
        await sender.answer(press.query_id, t.OFFER_CLOSED)
        return
    zone = repo.get_timezone(user_id)
    await sender.answer(press.query_id)
    if isinstance(data, kb.Flow):
        if zone is None:
            wait_for_zone(services, user_id, None)
            await sender.text(chat_id, t.ASK_TIMEZONE)
            return
        await start(services, chat_id, user_id, data.rid, message_id=message_id)
    elif isinstance(data, kb.PickDays):
        if data.done and data.mask:
            catalog = services.catalog
            choices = [
                catalog.localized(r, t.tr.code) for r in catalog.routines(user_id, t.tr.code)
            ]
            keyboard = kb.routines(data.rid, data.hhmm, data.mask, choices, tr=t.tr)
            await _show(services, chat_id, message_id, t.CHOOSE_ROUTINE, keyboard)
        else:
            keyboard = kb.days(data.rid, data.hhmm, data.mask, tr=t.tr)
            await _show(services, chat_id, message_id, t.CHOOSE_DAYS, keyboard)
    elif isinstance(data, kb.PickRoutine):
        await _pick_routine(services, chat_id, user_id, zone, data, message_id)
    elif isinstance(data, kb.OfferDaily):
        await _answer_offer(services, chat_id, user_id, zone, data, message_id)


BUTTONS: Routes = {
    kb.Flow: on_button,
    kb.PickDays: on_button,
    kb.PickRoutine: on_button,
    kb.OfferDaily: on_button,
}


async def _pick_routine(
    services: Services,
    chat_id: int,
    user_id: int,
    zone: str | None,
    data: kb.PickRoutine,
    message_id: int | None,
) -> None:
    t = bound(tr_of(user_id, services), rt)
    routine_id: str | None = None
    if data.ref != kb.NO_ROUTINE:
        routine = services.catalog.find(user_id, data.ref)
        if routine is None:
            await _show(services, chat_id, message_id, t.ROUTINE_GONE, None)
            return
        routine_id = routine.id
    if not data.mask or zone is None:
        await _show(services, chat_id, message_id, t.GONE, None)
        return
    rule = ReminderRule(
        at=kb.parse_hhmm(data.hhmm),
        days=mask_to_days(data.mask),
        zone=zone,
        routine_id=routine_id,
    )
    await save(services, chat_id, user_id, data.rid, rule, message_id=message_id)


async def _answer_offer(
    services: Services,
    chat_id: int,
    user_id: int,
    zone: str | None,
    data: kb.OfferDaily,
    message_id: int | None,
) -> None:
    t = bound(tr_of(user_id, services), rt)
    if not data.yes:
        await _show(services, chat_id, message_id, t.OFFER_DECLINED, None)
        return
    routine = services.catalog.find(user_id, data.routine)
    if zone is None:
        # the offered time is UTC (no zone yet): finish once the zone is known, in local time
        offer_waits_for_zone(services, user_id, data.hhmm, routine.id if routine else None)
        await _show(services, chat_id, message_id, t.ASK_TIMEZONE, None)
        return
    rule = ReminderRule(
        at=kb.parse_hhmm(data.hhmm),
        days=EVERY_DAY,
        zone=zone,
        routine_id=routine.id if routine else None,
    )
    await save(services, chat_id, user_id, 0, rule, message_id=message_id)


async def finish_offer(
    services: Services, chat_id: int, user_id: int, zone: str, offer: WaitingOffer
) -> None:
    """The zone became known after "yes" to the daily offer: the same moment, in local time."""
    now = services.now_utc()
    utc_at = datetime.combine(now.date(), kb.parse_hhmm(offer.hhmm_utc), tzinfo=UTC)
    rule = ReminderRule(
        at=local_quarter_hour(utc_at, zone),
        days=EVERY_DAY,
        zone=zone,
        routine_id=offer.routine,
    )
    await save(services, chat_id, user_id, 0, rule, message_id=None)
