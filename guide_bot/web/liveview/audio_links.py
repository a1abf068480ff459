"""Signed links to cue clips in the audio cache, so that the page can fetch them without headers.

A link names the clip by its cache key and carries an HMAC of that key under a key derived from
the bot token; only an API answer to a caller with valid initData hands one out. The clips are the
routine's spoken cues (no user data), so a link does not expire.
"""

from __future__ import annotations

import hashlib
import hmac
import re

_KEY_RE = re.compile(r"[0-9a-f]{64}")
_SIG_CHARS = 32  # 128 bits of the HMAC


class AudioLinks:
    """Makes and checks the `api/audio/<key>?sig=<hmac>` links of one bot."""

    def __init__(self, bot_token: str) -> None:
        self._key = hmac.new(
            bot_token.encode("utf-8"), b"guide-bot live view audio links", hashlib.sha256
        ).digest()

    def sig(self, key: str) -> str:
        """The signature of a clip key."""
        digest = hmac.new(self._key, key.encode("ascii"), hashlib.sha256).hexdigest()
        return digest[:_SIG_CHARS]

    def url(self, key: str) -> str:
        """The page-relative URL of a clip."""
        return f"api/audio/{key}?sig={self.sig(key)}"

    def valid(self, key: str, sig: str) -> bool:
        """Whether `sig` signs `key` (constant-time) and the key looks like a cache key."""
        if not _KEY_RE.fullmatch(key) or not sig.isascii():
            return False
        return hmac.compare_digest(self.sig(key), sig)
