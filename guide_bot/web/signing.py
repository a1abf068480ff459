"""Signed, expiring URLs: HMAC-SHA256 over the path and the expiry, checked in constant time.

The signature covers `path` and `exp` (epoch seconds) only; the host is not part of it, so a link
made for the public URL works behind any proxy that keeps the path.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping


class UrlSigner:
    """Signs and checks (path, expiry) pairs with one server secret."""

    def __init__(self, secret: bytes) -> None:
        if not secret:
            raise ValueError("the signing secret is empty")
        self._secret = secret

    def signature(self, path: str, exp: int) -> str:
        """The URL-safe signature of a path valid until `exp`."""
        mac = hmac.new(self._secret, f"{path}\n{exp}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")

    def query(self, path: str, exp: int) -> str:
        """The query string that makes `path` valid until `exp`."""
        return f"exp={exp}&sig={self.signature(path, exp)}"

    def check(self, path: str, query: Mapping[str, str], *, now: float) -> str | None:
        """None when the query signs `path` and has not expired, else the reason it fails."""
        exp_text, sig = query.get("exp", ""), query.get("sig", "")
        if not exp_text.isdigit() or not sig:
            return "missing or malformed exp/sig"
        exp = int(exp_text)
        expected = self.signature(path, exp)
        if not hmac.compare_digest(expected.encode("ascii"), sig.encode("ascii", "replace")):
            return "bad signature"
        if exp <= now:
            return "expired"
        return None
