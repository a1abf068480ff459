"""Where the shipped files live, in a source checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def is_shipped(path: Path) -> bool:
    """Whether a file is part of the package's own library (the shipped scripts_library/)."""
    return path.resolve().is_relative_to(shipped_library_dir().resolve())


def shipped_library_dir() -> Path:
    """The shipped scripts_library/: inside the wheel, or beside the package in a checkout."""
    bundled = PACKAGE_DIR / "_scripts_library"
    if bundled.is_dir():
        return bundled
    return PACKAGE_DIR.parent / "scripts_library"
