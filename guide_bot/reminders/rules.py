"""Reminder rules and their arithmetic: when a reminder fires next, snooze, skip today, catch-up.

Pure: times come in as arguments (aware UTC datetimes), zones are IANA names read with the stdlib
`zoneinfo`. A rule is a local time of day on a set of weekdays in one zone, so daylight-saving
changes never move it off its local time:

* a local time that does not exist (spring forward, e.g. 02:30 in Berlin on the last Sunday of
  March) fires at the first valid instant after the gap (03:00 local that day);
* a local time that happens twice (fall back) fires once, at its first occurrence (fold=0);
* a local day that does not exist at all (Samoa skipped 30 December 2011) has no reminder.

There is exactly one candidate instant per local date and candidates are strictly increasing, so
a reminder is never sent twice nor skipped across a change.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS: frozenset[int] = frozenset(range(5))  # Monday=0 .. Friday=4
WEEKENDS: frozenset[int] = frozenset({5, 6})
EVERY_DAY: frozenset[int] = frozenset(range(7))

SNOOZE_CHOICES_MIN: tuple[int, ...] = (10, 60)
# A reminder that fell due while the bot was down is still sent if it is at most this late.
DEFAULT_GRACE = timedelta(hours=1)


@dataclass(frozen=True, kw_only=True, slots=True)
class ReminderRule:
    """When a reminder fires: a local time of day on some weekdays in one IANA zone."""

    at: time  # local wall time, minutes precision
    days: frozenset[int]  # weekday numbers, Monday=0
    zone: str
    routine_id: str | None = None
    paused: bool = False

    def __post_init__(self) -> None:
        if not self.days or not self.days <= EVERY_DAY:
            raise ValueError("days must be a non-empty subset of 0..6")
        if self.at.tzinfo is not None:
            raise ValueError("at is a local wall time without tzinfo")
        ZoneInfo(self.zone)  # raises ZoneInfoNotFoundError for an unknown zone

    @property
    def tz(self) -> ZoneInfo:
        """The rule's zone."""
        return ZoneInfo(self.zone)


def _require_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("expected an aware datetime")
    return moment.astimezone(UTC)


def _exists(local: datetime) -> bool:
    """Whether an aware local wall time exists (round-trips through UTC unchanged)."""
    back = local.astimezone(UTC).astimezone(local.tzinfo)
    return back.replace(tzinfo=None, fold=0) == local.replace(tzinfo=None, fold=0)


def _end_of_gap(local: datetime) -> datetime:
    """The first valid instant (UTC) after the gap that the non-existent `local` falls in."""
    # PEP 495: in a gap, fold=1 maps with the offset after the change (an earlier instant) and
    # fold=0 with the offset before it; the change lies between the two. Bisect on seconds.
    lo = local.replace(fold=1).astimezone(UTC)
    hi = local.replace(fold=0).astimezone(UTC)
    if lo > hi:
        lo, hi = hi, lo
    after = hi.astimezone(local.tzinfo).utcoffset()
    while (hi - lo) > timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        mid = mid.replace(microsecond=0)
        if mid.astimezone(local.tzinfo).utcoffset() == after:
            hi = mid
        else:
            lo = mid
    return hi


def occurrence_on(rule: ReminderRule, day: date) -> datetime | None:
    """The UTC instant the rule fires on local `day`, or None when it does not fire that day."""
    if day.weekday() not in rule.days:
        return None
    tz = rule.tz
    local = datetime.combine(day, rule.at, tzinfo=tz)  # fold=0: the first of two, if ambiguous
    if _exists(local):
        return local.astimezone(UTC)
    fired = _end_of_gap(local)
    if fired.astimezone(tz).date() != day:
        return None  # the whole local day was skipped by the zone
    return fired


def _occurrences(rule: ReminderRule, start: date) -> Iterator[tuple[date, datetime]]:
    day = start
    for _ in range(15):  # any non-empty day set has a candidate within a week (+ odd days)
        instant = occurrence_on(rule, day)
        if instant is not None:
            yield day, instant
        day += timedelta(days=1)


def local_date(zone: str, moment: datetime) -> date:
    """The local calendar date of an instant in a zone."""
    return _require_utc(moment).astimezone(ZoneInfo(zone)).date()


def next_fire(rule: ReminderRule, after_utc: datetime) -> datetime:
    """The first instant strictly after `after_utc` at which the rule fires (UTC, aware).

    Ignores `paused`: a paused reminder keeps its schedule and simply is not sent.
    """
    after = _require_utc(after_utc)
    start = local_date(rule.zone, after) - timedelta(days=1)
    for _day, instant in _occurrences(rule, start):
        if instant > after:
            return instant
    raise AssertionError("a rule with days always fires within two weeks")  # pragma: no cover


def skip_today(rule: ReminderRule, now_utc: datetime) -> datetime:
    """The next regular fire after the user's local today: today's (remaining) one is skipped."""
    now = _require_utc(now_utc)
    today = local_date(rule.zone, now)
    for _day, instant in _occurrences(rule, today + timedelta(days=1)):
        if instant > now:
            return instant
    raise AssertionError("a rule with days always fires within two weeks")  # pragma: no cover


def snooze_until(now_utc: datetime, minutes: int) -> datetime:
    """When a snoozed reminder comes back; only the offered choices are accepted."""
    if minutes not in SNOOZE_CHOICES_MIN:
        raise ValueError(f"snooze minutes must be one of {SNOOZE_CHOICES_MIN}")
    return _require_utc(now_utc) + timedelta(minutes=minutes)


@dataclass(frozen=True, kw_only=True, slots=True)
class ReminderState:
    """Where a reminder stands: its next regular fire and an optional pending snooze."""

    next_fire_utc: datetime
    snooze_until_utc: datetime | None = None
    last_sent_utc: datetime | None = None

    @property
    def due_utc(self) -> datetime:
        """The earliest of the regular fire and the snooze."""
        if self.snooze_until_utc is not None and self.snooze_until_utc < self.next_fire_utc:
            return self.snooze_until_utc
        return self.next_fire_utc


@dataclass(frozen=True, kw_only=True, slots=True)
class Dispatch:
    """What to do with a reminder that is due now: send it or not, and its state afterwards."""

    send: bool
    lateness: timedelta  # how long ago it fell due (0 or a few seconds when on time)
    late: bool  # more than the tolerance, e.g. it fell due while the bot was down
    state: ReminderState


def dispatch(
    rule: ReminderRule,
    state: ReminderState,
    now_utc: datetime,
    *,
    grace: timedelta = DEFAULT_GRACE,
    tolerance: timedelta = timedelta(minutes=1),
) -> Dispatch:
    """Decide a due reminder: send once if at most `grace` late, and advance past `now`.

    The new state never leaves anything due at or before `now`, so deciding again cannot send a
    second time; the caller stores it before it sends (at most once, see docs/reminders.md).
    """
    now = _require_utc(now_utc)
    due = state.due_utc
    if due > now:
        return Dispatch(send=False, lateness=timedelta(0), late=False, state=state)
    lateness = now - due
    send = not rule.paused and lateness <= grace
    snooze = state.snooze_until_utc
    new_state = replace(
        state,
        # a missed regular fire is superseded by the send (or the skip); never replayed
        next_fire_utc=next_fire(rule, now) if state.next_fire_utc <= now else state.next_fire_utc,
        snooze_until_utc=None if snooze is not None and snooze <= now else snooze,
        last_sent_utc=now if send else state.last_sent_utc,
    )
    return Dispatch(send=send, lateness=lateness, late=lateness > tolerance, state=new_state)
