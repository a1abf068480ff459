"""Button payloads of "My routines" (kept apart from the handler so keyboards can use them)."""

from __future__ import annotations

from guide_bot.telegram.callbacks import Payload, RoutineRefStr, payload


@payload("myr")
class MyRoutines(Payload):
    """Show the user's own routines."""


@payload("myx")
class MyDelete(Payload):
    """Delete one of the user's routines: ask first (sure=False), then delete (sure=True)."""

    routine: RoutineRefStr
    sure: bool
