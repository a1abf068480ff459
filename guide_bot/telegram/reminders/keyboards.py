"""The reminder feature's buttons: their typed callback payloads and the keyboards built from them.

The few-taps flow keeps no state on the server: each button carries what was chosen so far
(reminder id or 0 for a new one, time as HHMM, days as a 7-bit mask), so it survives a restart
and a forged or stale button is simply checked again when it is pressed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time
from typing import Annotated

from pydantic import Field, field_validator
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from guide_bot.domain.routine import Length, Routine
from guide_bot.i18n import EN, Translator
from guide_bot.library.catalog import routine_ref
from guide_bot.reminders.parsing import DAY_NAMES
from guide_bot.reminders.rules import EVERY_DAY, SNOOZE_CHOICES_MIN, WEEKDAYS, WEEKENDS
from guide_bot.reminders.store import StoredReminder, days_to_mask
from guide_bot.telegram.callbacks import (
    Go,
    LengthCode,
    Menu,
    Offer,
    Payload,
    RoutineRefStr,
    payload,
)
from guide_bot.telegram.reminders import texts as rt
from guide_bot.telegram.texts.bound import bound
from guide_bot.telegram.texts.catalog import length_button

ReminderId = Annotated[int, Field(ge=0, le=2**31)]  # 0: a reminder being created
Hhmm = Annotated[str, Field(pattern=r"^(?:[01]\d|2[0-3])[0-5]\d$")]
Mask = Annotated[int, Field(ge=0, le=127)]
NO_ROUTINE = "-"
TIME_CHOICES: tuple[str, ...] = (
    "0630", "0700", "0730", "0800",
    "1200", "1300", "1730", "1800",
    "1900", "2000", "2100", "2200",
)  # fmt: skip
MAX_ROUTINE_BUTTONS = 40  # Telegram allows 100 buttons


@payload("rsn")
class Snooze(Payload):
    """Snooze a reminder message for 10 or 60 minutes."""

    rid: ReminderId
    minutes: int

    @field_validator("minutes")
    @classmethod
    def _offered(cls, value: int) -> int:
        if value not in SNOOZE_CHOICES_MIN:
            raise ValueError(f"snooze minutes must be one of {SNOOZE_CHOICES_MIN}")
        return value


@payload("rsk")
class SkipToday(Payload):
    """No more of this reminder today."""

    rid: ReminderId


@payload("rps")
class PauseReminder(Payload):
    """Pause (1) or resume (0) a reminder from the list."""

    rid: ReminderId
    paused: bool


@payload("rdl")
class DeleteReminder(Payload):
    """Delete a reminder from the list."""

    rid: ReminderId


@payload("rfl")
class Flow(Payload):
    """Start the few-taps flow: a new reminder (0) or a change of reminder `rid`."""

    rid: ReminderId


@payload("rdy")
class PickDays(Payload):
    """Flow step 2: days toggled so far; `done` moves on to the routine."""

    rid: ReminderId
    hhmm: Hhmm
    mask: Mask
    done: bool


@payload("rrt")
class PickRoutine(Payload):
    """Flow step 3: the routine (or `-` for none); saves the reminder."""

    rid: ReminderId
    hhmm: Hhmm
    mask: Mask
    ref: Annotated[str, Field(pattern=r"^(?:-|[a-z0-9]+(?:-[a-z0-9]+)*|~[0-9a-f]{16})$")]


@payload("rof")
class OfferDaily(Payload):
    """After a first session: yes (a daily reminder at `hhmm` for `routine`) or no."""

    hhmm: Hhmm
    routine: RoutineRefStr
    yes: bool


def hhmm(at: time) -> str:
    """A time as the HHMM of a payload."""
    return f"{at.hour:02d}{at.minute:02d}"


def parse_hhmm(text: str) -> time:
    """The time of a validated HHMM payload field."""
    return time(int(text[:2]), int(text[2:]))


def _b(label: str, data: Payload) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data.pack())


def reminder_message(
    rid: int,
    routine: Routine | None,
    *,
    lengths: Sequence[tuple[Length, LengthCode, float]] = (),
    tr: Translator = EN,
) -> InlineKeyboardMarkup:
    """Under a reminder: the lengths to start in (Quick · 3 min, Standard · 9 min, ...: one tap
    opens the start offer in that length) or Start now, then Snooze 10 min, Snooze 1 h, Skip
    today."""
    t = bound(tr, rt)
    start = Go(routine=routine_ref(routine.id)) if routine else Menu(view="home")
    first = [_b(t.START_NOW, start)]
    if routine is not None and len(lengths) > 1:
        ref = routine_ref(routine.id)
        first = [
            _b(
                length_button(length, seconds, False, tr=tr),
                Offer(routine=ref, length=code, ok=False),
            )
            for length, code, seconds in lengths
        ]
    return InlineKeyboardMarkup(
        [
            first,
            [
                _b(t.SNOOZE_10, Snooze(rid=rid, minutes=10)),
                _b(t.SNOOZE_60, Snooze(rid=rid, minutes=60)),
            ],
            [_b(t.SKIP_TODAY, SkipToday(rid=rid))],
        ]
    )


def start_only(routine: Routine | None, *, tr: Translator = EN) -> InlineKeyboardMarkup:
    """What stays under a reminder once it was snoozed or skipped."""
    t = bound(tr, rt)
    start = Go(routine=routine_ref(routine.id)) if routine else Menu(view="home")
    return InlineKeyboardMarkup([[_b(t.START_NOW, start)]])


def reminder_list(
    reminders: Sequence[StoredReminder], *, tr: Translator = EN
) -> InlineKeyboardMarkup:
    """One row per reminder: pause or resume, change, delete; and a button to add one."""
    t = bound(tr, rt)
    rows: list[list[InlineKeyboardButton]] = []
    for n, r in enumerate(reminders, start=1):
        active = r.active
        rows.append(
            [
                _b(
                    f"{t.PAUSE if active else t.RESUME} {n}",
                    PauseReminder(rid=r.id, paused=active),
                ),
                _b(f"{t.CHANGE} {n}", Flow(rid=r.id)),
                _b(f"{t.DELETE} {n}", DeleteReminder(rid=r.id)),
            ]
        )
    rows.append([_b(t.ADD_REMINDER, Flow(rid=0))])
    return InlineKeyboardMarkup(rows)


def times(rid: int, current: str | None, mask: int) -> InlineKeyboardMarkup:
    """Flow step 1: common times (and the current one when changing); days keep `mask`."""
    choices = list(TIME_CHOICES)
    if current and current not in choices:
        choices.insert(0, current)
    buttons = [
        _b(f"{c[:2]}:{c[2:]}", PickDays(rid=rid, hhmm=c, mask=mask, done=False)) for c in choices
    ]
    return InlineKeyboardMarkup([buttons[i : i + 4] for i in range(0, len(buttons), 4)])


def days(rid: int, at: str, mask: int, *, tr: Translator = EN) -> InlineKeyboardMarkup:
    """Flow step 2: every day, weekdays, weekends, or days toggled one by one."""
    t = bound(tr, rt)
    sets = [
        (t.EVERY_DAY, EVERY_DAY),
        (t.WEEKDAYS, WEEKDAYS),
        (t.WEEKENDS, WEEKENDS),
    ]
    rows = [
        [
            _b(label, PickDays(rid=rid, hhmm=at, mask=days_to_mask(s), done=True))
            for label, s in sets
        ]
    ]
    toggles = []
    for d, name in enumerate(DAY_NAMES):
        on = bool(mask & (1 << d))
        label = ("✓ " if on else "") + name.capitalize()
        toggles.append(_b(label, PickDays(rid=rid, hhmm=at, mask=mask ^ (1 << d), done=False)))
    rows += [toggles[:4], toggles[4:]]
    if mask:
        rows.append([_b(t.NEXT, PickDays(rid=rid, hhmm=at, mask=mask, done=True))])
    return InlineKeyboardMarkup(rows)


def routines(
    rid: int, at: str, mask: int, choices: Sequence[Routine], *, tr: Translator = EN
) -> InlineKeyboardMarkup:
    """Flow step 3: which routine the reminder suggests (or none)."""
    t = bound(tr, rt)
    rows = [
        [_b(r.title[:40], PickRoutine(rid=rid, hhmm=at, mask=mask, ref=routine_ref(r.id)))]
        for r in choices[:MAX_ROUTINE_BUTTONS]
    ]
    rows.append([_b(t.ANY_ROUTINE, PickRoutine(rid=rid, hhmm=at, mask=mask, ref=NO_ROUTINE))])
    return InlineKeyboardMarkup(rows)


def offer_daily(at: time, routine: Routine, *, tr: Translator = EN) -> InlineKeyboardMarkup:
    """After a first session: a daily reminder at this time, yes or no."""
    t = bound(tr, rt)
    ref = routine_ref(routine.id)
    return InlineKeyboardMarkup(
        [
            [
                _b(
                    t.OFFER_YES.format(time=f"{at:%H:%M}"),
                    OfferDaily(hhmm=hhmm(at), routine=ref, yes=True),
                )
            ],
            [_b(t.OFFER_NO, OfferDaily(hhmm=hhmm(at), routine=ref, yes=False))],
        ]
    )


def share_location(*, tr: Translator = EN) -> ReplyKeyboardMarkup:
    """A one-time keyboard with the share-location button for /timezone."""
    t = bound(tr, rt)
    return ReplyKeyboardMarkup(
        [[KeyboardButton(t.SHARE_LOCATION, request_location=True)]],
        one_time_keyboard=True,
        resize_keyboard=True,
    )
