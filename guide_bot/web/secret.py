"""The server secret that signs media URLs: from the settings, or made once and kept on disk.

When `GUIDE_BOT_MEDIA_SECRET` is unset a random secret is generated and stored in the data folder
(`media-secret`, readable by the owner only), so links handed to a speaker stay valid across a
restart of the process.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from pathlib import Path

from guide_bot.config import Settings

logger = logging.getLogger(__name__)

SECRET_FILE = "media-secret"
_MIN_LENGTH = 16


def media_secret(settings: Settings) -> bytes:
    """The signing key: the setting, else the stored one, else a new one (then stored)."""
    if settings.media_secret is not None:
        value = settings.media_secret.get_secret_value()
        if len(value) < _MIN_LENGTH:
            raise ValueError(
                f"GUIDE_BOT_MEDIA_SECRET is too short ({len(value)} characters; "
                f"use at least {_MIN_LENGTH}, e.g. the output of `openssl rand -hex 32`)"
            )
        return value.encode("utf-8")
    return _stored_secret(settings.data_dir / SECRET_FILE)


def _stored_secret(path: Path) -> bytes:
    with contextlib.suppress(FileNotFoundError):
        stored = path.read_text("ascii").strip()
        if len(stored) >= _MIN_LENGTH:
            return stored.encode("ascii")
        logger.warning("%s is too short; making a new media secret", path)
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32)
    temp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    os.replace(temp, path)
    logger.info("made a new media secret in %s", path)
    return value.encode("ascii")
