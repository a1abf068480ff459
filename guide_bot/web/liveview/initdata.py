"""Telegram Mini App `initData` validation, exactly as Telegram documents it (pure: time passed in).

https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app
- the data-check-string is every received field except `hash`, as `key=value` lines sorted by
  key and joined with "\\n" (values URL-decoded);
- secret_key = HMAC-SHA-256(key=b"WebAppData", msg=bot_token);
- `hash` must equal hex(HMAC-SHA-256(key=secret_key, msg=data_check_string)), compared in
  constant time;
- `auth_date` (Unix seconds) must be no older than `max_age_s` and not in the future beyond a
  small skew; `user` is a JSON object whose `id` is the caller.
A field given twice is refused: which copy would be signed is ambiguous.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

DEFAULT_MAX_AGE_S = 86400.0
FUTURE_SKEW_S = 60.0  # a phone's clock may run a little ahead of the server's
_HEX64 = re.compile(r"[0-9a-f]{64}")


class InitDataError(Exception):
    """initData that cannot be trusted; the message says why (never echoes the data)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class WebAppUser:
    """The caller as Telegram signed them (only what the live view needs)."""

    id: int
    first_name: str | None = None
    language_code: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class InitData:
    """Validated initData: the user, when Telegram signed it, and the raw fields."""

    user: WebAppUser
    auth_date: int
    fields: dict[str, str]


def secret_key(bot_token: str) -> bytes:
    """HMAC-SHA-256 of the bot token keyed with "WebAppData" (Telegram's derived key)."""
    return hmac.new(b"WebAppData", bot_token.encode("utf-8"), hashlib.sha256).digest()


def data_check_string(fields: dict[str, str]) -> str:
    """Every field except `hash`, as sorted `key=value` lines joined by newlines."""
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def sign(fields: dict[str, str], bot_token: str) -> str:
    """The hex `hash` Telegram would put on these fields (also used by tests to sign)."""
    check = data_check_string(fields).encode("utf-8")
    return hmac.new(secret_key(bot_token), check, hashlib.sha256).hexdigest()


def parse_fields(raw: str) -> dict[str, str]:
    """The fields of an initData query string; refuses a malformed or repeated field."""
    if not raw:
        raise InitDataError("no initData: open the live view from the bot's button in Telegram")
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=True, errors="strict")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InitDataError("initData is not a valid query string") from exc
    fields: dict[str, str] = {}
    for key, value in pairs:
        if key in fields:
            raise InitDataError(f"initData has the field {key!r} more than once")
        fields[key] = value
    return fields


def validate_init_data(
    raw: str,
    *,
    bot_token: str,
    now: float,
    max_age_s: float = DEFAULT_MAX_AGE_S,
    future_skew_s: float = FUTURE_SKEW_S,
) -> InitData:
    """The trusted content of `raw` at `now`; raises InitDataError with the reason otherwise."""
    fields = parse_fields(raw)
    given = fields.get("hash")
    if given is None:
        raise InitDataError("initData has no hash")
    if not _HEX64.fullmatch(given):
        raise InitDataError("initData's hash is not 64 lowercase hex digits")
    if not hmac.compare_digest(sign(fields, bot_token), given):
        raise InitDataError("initData's hash does not match: not signed by this bot's Telegram")
    auth_date = _auth_date(fields, now=now, max_age_s=max_age_s, future_skew_s=future_skew_s)
    return InitData(user=_user(fields), auth_date=auth_date, fields=fields)


def _auth_date(
    fields: dict[str, str], *, now: float, max_age_s: float, future_skew_s: float
) -> int:
    text = fields.get("auth_date")
    if text is None or not text.isascii() or not text.isdigit():
        raise InitDataError("initData has no auth_date in Unix seconds")
    auth_date = int(text)
    if auth_date > now + future_skew_s:
        raise InitDataError("initData's auth_date is in the future")
    if now - auth_date > max_age_s:
        raise InitDataError(
            f"initData is older than {max_age_s:g} s: close the live view and open it again"
        )
    return auth_date


def _user(fields: dict[str, str]) -> WebAppUser:
    text = fields.get("user")
    if text is None:
        raise InitDataError("initData has no user")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InitDataError("initData's user is not JSON") from exc
    if not isinstance(data, dict):
        raise InitDataError("initData's user is not a JSON object")
    user_id = data.get("id")
    if isinstance(user_id, bool) or not isinstance(user_id, int) or user_id <= 0:
        raise InitDataError("initData's user has no positive integer id")
    first_name = data.get("first_name")
    language = data.get("language_code")
    return WebAppUser(
        id=user_id,
        first_name=first_name if isinstance(first_name, str) else None,
        language_code=language if isinstance(language, str) else None,
    )
