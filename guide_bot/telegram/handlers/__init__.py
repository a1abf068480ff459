"""Handler modules, one per feature; each has `register(app, services)`.

`CORE` is the bot's own features in registration order. Other features (reminders, progress) are
passed to `bootstrap.build_application(..., extra=[...])` and registered after these; `fallback`
(unknown buttons and messages, and the error handler) always comes last.
"""

from __future__ import annotations

from guide_bot.telegram.handlers import (
    browse,
    fallback,
    help,
    pain,
    screening,
    session_controls,
    session_start,
    settings,
    start,
)
from guide_bot.telegram.services import Register

CORE: tuple[Register, ...] = (
    start.register,
    screening.register,
    browse.register,
    session_start.register,
    session_controls.register,
    pain.register,
    settings.register,
    help.register,
)
LAST: tuple[Register, ...] = (fallback.register,)
