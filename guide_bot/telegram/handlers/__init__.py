"""Every handler of the bot, in one ordered list; `handlers_for` picks the features' parts.

Commands and messages are matched in this order (PTB stops at the first match in a group). All
button presses go to one router (telegram/routing.py) that parses each payload once and hands it
to the function registered for its type; the catch-all for stray messages comes last.
"""

from __future__ import annotations

from collections.abc import Collection

from guide_bot.telegram.context import AnyHandler
from guide_bot.telegram.group_policy import GroupPolicy, guard_commands
from guide_bot.telegram.handlers import (
    browse,
    fallback,
    help,
    language,
    pain,
    screening,
    session_controls,
    session_start,
    settings,
    start,
)
from guide_bot.telegram.progress import history, mydata, myroutines, stats
from guide_bot.telegram.reminders import flow as reminder_flow
from guide_bot.telegram.reminders import handlers as reminders
from guide_bot.telegram.routing import Routes, button_router
from guide_bot.telegram.speakers import handlers as speakers

FEATURES = ("reminders", "progress")

# (feature or "core", its handlers, its buttons), in matching order.
ORDER: tuple[tuple[str, list[AnyHandler], Routes], ...] = (
    ("core", start.HANDLERS, {}),
    ("core", screening.HANDLERS, screening.BUTTONS),
    ("core", browse.HANDLERS, browse.BUTTONS),
    ("core", session_start.HANDLERS, session_start.BUTTONS),
    ("core", session_controls.HANDLERS, session_controls.BUTTONS),
    ("core", [], pain.BUTTONS),
    ("core", settings.HANDLERS, settings.BUTTONS),
    ("core", help.HANDLERS, {}),
    ("core", language.HANDLERS, language.BUTTONS),
    ("core", speakers.HANDLERS, speakers.BUTTONS),
    ("reminders", reminders.HANDLERS, reminders.BUTTONS),
    ("reminders", [], reminder_flow.BUTTONS),
    ("progress", history.HANDLERS, {}),
    ("progress", stats.HANDLERS, {}),
    ("progress", mydata.HANDLERS, mydata.BUTTONS),
    ("progress", myroutines.HANDLERS, myroutines.BUTTONS),
)


# Run before every handler, in a group of their own (-1): the user's language at first contact.
PRE_HANDLERS: list[AnyHandler] = [*language.PRE_HANDLERS]


def handlers_for(features: Collection[str] = FEATURES) -> list[AnyHandler]:
    """The handlers of the core and these features, the button router, then the catch-all."""
    chosen = [entry for entry in ORDER if entry[0] == "core" or entry[0] in features]
    found: list[AnyHandler] = [handler for _, handlers, _ in chosen for handler in handlers]
    policy = GroupPolicy()  # one per bot: every command and every button asks it first
    guard_commands(found, policy)
    router = button_router(*(buttons for _, _, buttons in chosen), policy=policy)
    return [*found, router, *fallback.HANDLERS]
