"""Every word the bot says to users, in one place (HTML parse mode; routine text is escaped).

One package, split by topic; import it as `from guide_bot.telegram import texts` and use `texts.X`.
The progress and reminder wording lives in its own modules (`texts.progress`, `texts.reminders`),
imported by name, since their names would clash with the rest.

Constants are English msgids (marked with `N_`); read them through `using(tr)` to get them in a
user's language. Functions take `tr=` (English when left out).
"""

from __future__ import annotations

import sys
from html import escape

from guide_bot.i18n import Translator
from guide_bot.telegram.texts.bound import Bound, bound
from guide_bot.telegram.texts.catalog import *  # noqa: F403
from guide_bot.telegram.texts.help import *  # noqa: F403
from guide_bot.telegram.texts.names import *  # noqa: F403
from guide_bot.telegram.texts.safety import *  # noqa: F403
from guide_bot.telegram.texts.session import *  # noqa: F403

__all__ = ["Bound", "escape", "using"]  # escape re-exported: handlers escape routine text


def using(tr: Translator) -> Bound:
    """Every name of this package in the language of `tr` (`texts.using(tr).WELCOME`)."""
    return bound(tr, sys.modules[__name__])
