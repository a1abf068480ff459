"""A fake clock and a recording delivery for scheduler tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from guide_bot.reminders.rules import Dispatch
from guide_bot.reminders.store import StoredReminder
from guide_bot.telegram.sender import Sender


@dataclass
class FakeClock:
    """The only clock the code under test reads; tests move it."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta

    def set(self, moment: datetime) -> None:
        self.now = moment


@dataclass
class RecordingDeliver:
    """Records what would have been sent; can be told to fail for some users.

    A failure is a Telegram error, passed through the bot's at-most-once send (Sender.once) as
    the real delivery does, so the dispatcher sees the outcome the Telegram adapter gives it.
    """

    clock: FakeClock
    sent: list[tuple[int, datetime, bool]] = field(default_factory=list)
    fail_for: dict[int, Exception] = field(default_factory=dict)

    async def __call__(self, reminder: StoredReminder, decision: Dispatch) -> None:
        error = self.fail_for.get(reminder.user_id)
        if error is not None:

            async def fail() -> None:
                raise error

            await Sender(None).once(reminder.chat_id, "sendMessage", fail)  # type: ignore[arg-type]
        self.sent.append((reminder.id, self.clock(), decision.late))
