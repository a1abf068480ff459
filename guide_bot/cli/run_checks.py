"""What `guide-bot run` checks before it builds anything: every setting, then the database.

Kept apart from run_cmds.py (the bot's wiring) so that the checks can be read and tested alone.
A wrong value raises ConfigError or Settings' ValidationError, which the `guide-bot` group turns
into one line and exit status 2 (guide_bot/cli/errors.py).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from guide_bot.config import Settings, check_database
from guide_bot.telegram.startup_errors import check_bot_api


def check_run_settings(*, library: Path, base_url: str | None, log_level: str | None) -> Settings:
    """The settings of a bot run, validated, with the command line's values over the env's.

    With a token, the database is also connected to once (an unreachable server, a wrong
    password or a data folder that cannot be created stops the run here, not mid-start-up) and
    the Bot API is asked `getMe` once (a refused token, a base URL that is no Bot API or cannot
    be reached); without a token nothing is touched: `run` stops at once and says how to get one.
    """
    overrides: dict[str, object] = {"library": library}
    if base_url:
        overrides["base_url"] = base_url
    if log_level:
        overrides["log_level"] = log_level
    settings = Settings(**overrides)  # type: ignore[arg-type]
    if settings.token is not None:
        check_database(settings)
        token = settings.token.get_secret_value()
        asyncio.run(check_bot_api(token, settings.base_url))
    return settings
