"""Where the shipped files live, in a source checkout and in an installed wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def is_shipped(path: Path) -> bool:
    """Whether a file is part of the package's own library (the shipped scripts_library/)."""
    return path.resolve().is_relative_to(_shipped_root())


@cache
def _shipped_root() -> Path:
    """The shipped library's real path, found once (every routine file at start-up asks)."""
    return shipped_library_dir().resolve()


def shipped_library_dir() -> Path:
    """The shipped scripts_library/: inside the wheel, or beside the package in a checkout."""
    bundled = PACKAGE_DIR / "_scripts_library"
    if bundled.is_dir():
        return bundled
    return PACKAGE_DIR.parent / "scripts_library"
