"""/remind, /reminders and /timezone, and the buttons under a reminder and under the list.

Thin: parse, call the repository, re-arm the dispatcher, answer with texts.reminders. Every button
names a reminder id; it is looked up again and must belong to the user who pressed it.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import CommandHandler, MessageHandler, filters

from guide_bot.reminders.parsing import ReminderInputError, ReminderRequest, parse_remind
from guide_bot.reminders.rules import ReminderRule, snooze_until
from guide_bot.reminders.store import StoredReminder
from guide_bot.reminders.words import vocabulary
from guide_bot.telegram.context import AnyHandler, BotContext, Services
from guide_bot.telegram.handlers.common import Press, current_user, tr_of
from guide_bot.telegram.reminders import flow as reminder_flow
from guide_bot.telegram.reminders import keyboards as kb
from guide_bot.telegram.reminders import texts as rt
from guide_bot.telegram.reminders.waiting import take_waiting, wait_for_zone
from guide_bot.telegram.routing import Routes
from guide_bot.telegram.texts.bound import bound
from guide_bot.timezones import find_zone, zone_at

log = logging.getLogger(__name__)


def _list_text(services: Services, user_id: int, reminders: list[StoredReminder]) -> str:
    t = bound(tr_of(user_id, services), rt)
    zone = services.reminders.get_timezone(user_id) or "UTC"
    if not reminders:
        return t.tr.gettext(rt.NO_REMINDERS)
    now = services.now_utc()
    lines = [t.REMINDERS_HEADER.format(zone=zone)]
    for n, r in enumerate(reminders, start=1):
        routine = services.catalog.find(user_id, r.rule.routine_id) if r.rule.routine_id else None
        title = services.catalog.localized(routine, t.tr.code).title if routine else None
        line = f"{n}. {t.rule_summary(r.rule, title)}"
        if r.blocked:
            line += t.BLOCKED
        elif r.rule.paused:
            line += t.PAUSED
        else:
            line += " — " + t.NEXT_AT.format(when=t.next_time(r.state.due_utc, r.rule.zone, now))
        lines.append(line)
    return "\n".join(lines)


async def send_list(services: Services, chat_id: int, user_id: int) -> None:
    """The /reminders message."""
    t = bound(tr_of(user_id, services), rt)
    reminders = services.reminders.for_user(user_id)
    keyboard = kb.reminder_list(reminders, tr=t.tr) if reminders else None
    await services.sender.text(chat_id, _list_text(services, user_id, reminders), keyboard)


async def parse_args(
    services: Services, chat_id: int, user_id: int, args: list[str]
) -> ReminderRequest | None:
    """The `/remind` arguments as a request, or None after answering what was wrong."""
    t = bound(tr_of(user_id, services), rt)
    known = {r.id for r in services.catalog.routines(user_id)}
    try:
        return parse_remind(args, known, vocabulary(t.tr.code))
    except ReminderInputError as error:
        await services.sender.text(chat_id, t.input_error(error))
        return None


async def create_from_args(
    services: Services, chat_id: int, user_id: int, zone: str, args: list[str]
) -> None:
    """Parse `/remind` arguments and store the reminder, or answer what was wrong."""
    request = await parse_args(services, chat_id, user_id, args)
    if request is None:
        return
    rule = ReminderRule(at=request.at, days=request.days, zone=zone, routine_id=request.routine_id)
    await reminder_flow.save(services, chat_id, user_id, 0, rule, message_id=None)


async def _send_with_reply_keyboard(
    services: Services, chat_id: int, text: str, markup: Any
) -> None:
    sender = services.sender
    await sender.call(
        chat_id,
        "sendMessage",
        lambda: sender.bot.send_message(chat_id, text, reply_markup=markup),
    )


async def set_zone(services: Services, chat_id: int, user_id: int, zone: str) -> None:
    """Keep the zone, move the user's reminders to it, then finish what was waiting for it."""
    t = bound(tr_of(user_id, services), rt)
    now = services.now_utc()
    services.reminders.set_timezone(user_id, zone, now)
    services.reminder_dispatcher.arm()
    await _send_with_reply_keyboard(
        services, chat_id, t.timezone_set(zone, now), ReplyKeyboardRemove()
    )
    waiting, offer = take_waiting(services, user_id)
    if waiting is not None and waiting.flow:
        await reminder_flow.start(services, chat_id, user_id, 0, message_id=None)
    elif waiting is not None:
        if waiting.routine and services.catalog.find(user_id, waiting.routine) is None:
            await services.sender.text(chat_id, t.ROUTINE_GONE)  # deleted meanwhile
        else:
            rule = waiting.rule(zone)
            await reminder_flow.save(services, chat_id, user_id, 0, rule, message_id=None)
    if offer is not None:
        await reminder_flow.finish_offer(services, chat_id, user_id, zone, offer)


async def ask_zone(services: Services, chat_id: int, user_id: int, current: str | None) -> None:
    """Ask for a city or a shared location."""
    t = bound(tr_of(user_id, services), rt)
    text = t.ASK_TIMEZONE if current is None else t.current_zone(current)
    await _send_with_reply_keyboard(services, chat_id, text, kb.share_location(tr=t.tr))


async def _owned(services: Services, press: Press, rid: int) -> StoredReminder | None:
    t = bound(tr_of(press.user_id, services), rt)
    stored = services.reminders.get(rid)
    sender = services.sender
    if stored is None:
        await sender.answer(press.query_id, t.GONE)
        return None
    if stored.user_id != press.user_id:
        log.info("reminder button pressed by someone else refused")
        await sender.answer(press.query_id, t.NOT_YOURS)
        return None
    return stored


async def remind(update: Update, context: BotContext) -> None:
    services = context.services
    user = current_user(update, services)
    if user is None:
        return
    args = list(context.args or [])
    zone = services.reminders.get_timezone(user.user_id)
    if zone is None:
        # checked now, so a mistake is answered at once; kept parsed until the zone is set
        request = await parse_args(services, user.chat_id, user.user_id, args) if args else None
        if args and request is None:
            return
        wait_for_zone(services, user.user_id, request)
        await ask_zone(services, user.chat_id, user.user_id, None)
        return
    if not args:
        await reminder_flow.start(services, user.chat_id, user.user_id, 0, message_id=None)
        return
    await create_from_args(services, user.chat_id, user.user_id, zone, args)


async def reminders(update: Update, context: BotContext) -> None:
    services = context.services
    user = current_user(update, services)
    if user is not None:
        await send_list(services, user.chat_id, user.user_id)


async def timezone(update: Update, context: BotContext) -> None:
    services = context.services
    user = current_user(update, services)
    if user is None:
        return
    t = bound(tr_of(user.user_id, services), rt)
    text = " ".join(context.args or [])
    if not text.strip():
        zone = services.reminders.get_timezone(user.user_id)
        await ask_zone(services, user.chat_id, user.user_id, zone)
        return
    match = find_zone(text)
    if match.zone is None:
        await services.sender.text(user.chat_id, t.timezone_unknown(text, match.suggestions))
        return
    await set_zone(services, user.chat_id, user.user_id, match.zone)


async def location(update: Update, context: BotContext) -> None:
    services = context.services
    message = update.effective_message
    user = current_user(update, services)
    if user is None or message is None or message.location is None:
        return
    t = bound(tr_of(user.user_id, services), rt)
    zone = zone_at(latitude=message.location.latitude, longitude=message.location.longitude)
    if zone is None:
        await services.sender.text(user.chat_id, t.TIMEZONE_NOT_FOUND_AT_LOCATION)
        return
    await set_zone(services, user.chat_id, user.user_id, zone)


async def on_button(
    data: kb.Snooze | kb.SkipToday | kb.PauseReminder | kb.DeleteReminder,
    press: Press,
    context: BotContext,
) -> None:
    services = context.services
    stored = await _owned(services, press, data.rid)
    if stored is None:
        return
    await _apply(services, press, stored, data)


HANDLERS: list[AnyHandler] = [
    CommandHandler("remind", remind),
    CommandHandler("reminders", reminders),
    CommandHandler("timezone", timezone),
    MessageHandler(filters.LOCATION & filters.ChatType.PRIVATE, location),
]


BUTTONS: Routes = {
    kb.Snooze: on_button,
    kb.SkipToday: on_button,
    kb.PauseReminder: on_button,
    kb.DeleteReminder: on_button,
}


async def _apply(
    services: Services,
    press: Press,
    stored: StoredReminder,
    data: kb.Snooze | kb.SkipToday | kb.PauseReminder | kb.DeleteReminder,
) -> None:
    t = bound(tr_of(stored.user_id, services), rt)
    repo, sender, now = services.reminders, services.sender, services.now_utc()
    chat_id, message_id = press.chat_id, press.message_id
    if isinstance(data, kb.Snooze | kb.SkipToday):
        if isinstance(data, kb.Snooze):
            until = snooze_until(now, data.minutes)
            repo.snooze(stored.id, until)
            toast = t.SNOOZED.format(time=t.next_time(until, stored.rule.zone, now))
        else:
            changed = repo.skip_today(stored.id, now)
            nxt = changed.state.due_utc if changed else now
            toast = t.SKIPPED.format(time=t.next_time(nxt, stored.rule.zone, now))
        services.reminder_dispatcher.arm()
        await sender.answer(press.query_id, toast)
        if message_id is not None:  # leave only "Start now" under the reminder
            routine = services.catalog.find(stored.user_id, stored.rule.routine_id or "")
            await sender.edit_keyboard(chat_id, message_id, kb.start_only(routine, tr=t.tr))
        return
    if isinstance(data, kb.PauseReminder):
        repo.set_paused(stored.id, data.paused, now)
        toast = t.PAUSED_TOAST if data.paused else t.RESUMED_TOAST
    else:
        repo.delete(stored.id)
        toast = t.DELETED
    services.reminder_dispatcher.arm()
    await sender.answer(press.query_id, toast)
    reminders = repo.for_user(stored.user_id)
    text = _list_text(services, stored.user_id, reminders)
    if message_id is not None:
        keyboard = kb.reminder_list(reminders, tr=t.tr) if reminders else None
        await sender.edit_text(chat_id, message_id, text, keyboard)
