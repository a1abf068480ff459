"""Every word the bot says to users, in one place (HTML parse mode; routine text is escaped).

One package, split by topic; import it as `from guide_bot.telegram import texts` and use `texts.X`.
The progress and reminder wording lives in its own modules (`texts.progress`, `texts.reminders`),
imported by name, since their names would clash with the rest.
"""

from __future__ import annotations

from html import escape

from guide_bot.telegram.texts.catalog import *  # noqa: F403
from guide_bot.telegram.texts.help import *  # noqa: F403
from guide_bot.telegram.texts.names import *  # noqa: F403
from guide_bot.telegram.texts.safety import *  # noqa: F403
from guide_bot.telegram.texts.session import *  # noqa: F403

__all__ = ["escape"]  # re-exported: handlers escape routine text with it
