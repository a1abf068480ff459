"""Options shared by several sub-commands, so that each is spelled the same everywhere."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from guide_bot.cli.errors import check_library
from guide_bot.paths import shipped_library_dir

F = TypeVar("F", bound=Callable[..., Any])


def _checked_library(_ctx: click.Context, _param: click.Parameter, value: Path) -> Path:
    return check_library(value)


def _library(*, checked: bool) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        return click.option(
            "--library",
            "library",
            type=click.Path(path_type=Path),
            envvar="GUIDE_BOT_LIBRARY",
            default=shipped_library_dir,
            show_default="the shipped scripts_library/",
            help="Folder of routine YAML files.",
            callback=_checked_library if checked else None,
        )(func)

    return decorate


library_option = _library(checked=True)
"""`--library DIR` (or GUIDE_BOT_LIBRARY): the routine folder, the shipped one by default.

A folder that does not exist, a file, or a folder without routine files ends the command with one
line and exit status 2 (guide_bot/cli/errors.py)."""

unchecked_library_option = _library(checked=False)
"""`--library` for `validate`, which checks the folder only when it is used (no PATH given)."""


def json_option(func: F) -> F:
    """`--json`: machine-readable output with the documented shape."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(func)
