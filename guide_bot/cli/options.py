"""Options shared by several sub-commands, so that each is spelled the same everywhere."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from guide_bot.paths import shipped_library_dir

F = TypeVar("F", bound=Callable[..., Any])


def library_option(func: F) -> F:
    """`--library DIR` (or GUIDE_BOT_LIBRARY): the routine folder, the shipped one by default."""
    return click.option(
        "--library",
        "library",
        type=click.Path(path_type=Path, file_okay=False),
        envvar="GUIDE_BOT_LIBRARY",
        default=shipped_library_dir,
        show_default="the shipped scripts_library/",
        help="Folder of routine YAML files.",
    )(func)


def json_option(func: F) -> F:
    """`--json`: machine-readable output with the documented shape."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(func)
