"""Bad configuration on the command line: one line on stderr naming the setting, exit status 2.

Every command reads its settings through `Settings` (pydantic) and `--library`; a wrong value
raises `ConfigError` or pydantic's `ValidationError` for `Settings`, and `GuideBotGroup` (the
`guide-bot` group) turns either into one line such as

    guide-bot: GUIDE_BOT_TTS is 'foo', not an allowed value; allowed: gtts, espeak, auto

The token's value is never printed.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel, ValidationError

from guide_bot.config import LOG_LEVELS, ConfigError, Settings
from guide_bot.library.loader import ROUTINE_SUFFIXES

CONFIG_EXIT = 2
MAX_SHOWN = 60
SECRET_FIELDS = frozenset({"token", "TELEGRAM_BOT_TOKEN", "GUIDE_BOT_TOKEN"})
SETTING_NAMES = {
    "token": "TELEGRAM_BOT_TOKEN / GUIDE_BOT_TOKEN",
    "library": "GUIDE_BOT_LIBRARY / --library",
    "tts": "GUIDE_BOT_TTS",
    "base_url": "GUIDE_BOT_BASE_URL / --base-url",
    "log_level": "GUIDE_BOT_LOG_LEVEL / --log-level",
}
ALLOWED = {
    "tts": "gtts, espeak, auto",
    "log_level": ", ".join(LOG_LEVELS),
    "audio_cache_max_mb": "a number of megabytes above 0, like 200",
    "tts_timeout_s": "a number of seconds above 0, like 10",
    "data_dir": "a folder (it is created if missing)",
    "audio_cache": "a folder (it is created if missing)",
}
LIBRARY_ALLOWED = "a folder holding routine files (.yaml or .yml), see docs/routines.md"


def _is_secret(field: str, model: type[BaseModel]) -> bool:
    """Whether a field holds a secret (the token, any SecretStr setting): never echo its value."""
    if field in SECRET_FIELDS:
        return True
    info = model.model_fields.get(field)
    return info is not None and "SecretStr" in str(info.annotation)


def setting_name(field: str) -> str:
    """The environment variable (and option) a person sets for a field of Settings."""
    if field in SECRET_FIELDS:
        return SETTING_NAMES["token"]
    return SETTING_NAMES.get(field, f"GUIDE_BOT_{field.upper()}")


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"


def config_error(exc: ValidationError, model: type[BaseModel] = Settings) -> ConfigError:
    """The first problem of a Settings validation error, as a ConfigError (no token inside)."""
    err = exc.errors()[0]
    field = str(err["loc"][0]) if err["loc"] else "settings"
    message = err["msg"].removeprefix("Value error, ")
    problem, _, allowed = message.partition("; allowed: ")
    if not allowed:
        allowed = ALLOWED.get(field, "see the README's table of settings")
        problem = {
            "literal_error": "not an allowed value",
            "float_parsing": "not a number",
            "greater_than": "too small",
            "finite_number": "not a finite number",
        }.get(err["type"], problem)
    name = setting_name(field)
    value = err.get("input")
    if field == "database_url":
        value = _without_password(value)
    if not _is_secret(field, model) and isinstance(value, str | int | float):
        name = f"{name}={_shown(value)}"  # what was set, so that a typo shows
    return ConfigError(name, problem, allowed)


def _without_password(url: object) -> str | None:
    """A database URL with its password masked; None when it cannot be parsed to mask it."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(str(url)).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return None


def check_library(path: Path) -> Path:
    """The routine folder, or ConfigError when it is missing, a file, or holds no routines."""
    name = SETTING_NAMES["library"]
    if not path.exists():
        raise ConfigError(name, f"{path} does not exist", LIBRARY_ALLOWED)
    if not path.is_dir():
        raise ConfigError(name, f"{path} is a file, not a folder", LIBRARY_ALLOWED)
    try:
        empty = not any(p.suffix in ROUTINE_SUFFIXES for p in path.iterdir())
    except OSError as exc:
        raise ConfigError(
            name, f"{path} cannot be read ({exc.strerror})", LIBRARY_ALLOWED
        ) from None
    if empty:
        raise ConfigError(name, f"{path} holds no routine files", LIBRARY_ALLOWED)
    return path


class GuideBotGroup(click.Group):
    """The `guide-bot` group: a bad setting in any command ends it with one line and status 2.

    Its sub-commands are named in `lazy_commands` ("module:attribute" under guide_bot.cli) and
    imported only when used or listed, so that one command does not pay for the others' imports.
    """

    def __init__(
        self, *args: Any, lazy_commands: Mapping[str, str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_commands and cmd_name not in self.commands:
            self.add_command(self._load(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def _load(self, cmd_name: str) -> click.Command:
        module_name, _, attribute = self.lazy_commands[cmd_name].partition(":")
        module = importlib.import_module(f"guide_bot.cli.{module_name}")
        command = getattr(module, attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"guide_bot.cli.{module_name}.{attribute} is not a click command")
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            _stop(ctx, exc)
        except ValidationError as exc:
            if exc.title != "Settings":
                raise
            _stop(ctx, config_error(exc))


def _stop(ctx: click.Context, exc: ConfigError) -> None:
    click.echo(f"guide-bot: {exc}", err=True)
    ctx.exit(CONFIG_EXIT)
