"""The Telegram webhook receiver: the secret token is checked before a byte of the body is read.

python-telegram-bot's own webhook server (tornado) reads the whole request body into memory
before it looks at `X-Telegram-Bot-Api-Secret-Token`, so anyone who can reach the port can make
it buffer any amount. This receiver, a route on an aiohttp application, answers in this order:

1. 403 when the header is missing or wrong (compared in constant time), body unread;
2. 413 when Content-Length is over `max_body_bytes`, body unread;
3. 413 when a body without Content-Length (chunked) grows past the cap, reading stopped there;
4. 400 when the body is not a JSON object with an integer `update_id`;
5. 200 once the update is handed to `on_update` (for python-telegram-bot,
   `guide_bot.telegram.webhook_updates.ptb_update_sink(application)` turns it into a
   `telegram.Update` and puts it on `application.update_queue`; one it cannot parse is skipped).

After a refusal the connection is closed instead of kept alive, so that aiohttp does not read and
discard the rest of the body ("lingering close"). The update itself is never logged.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from guide_bot.capped_read import TooLarge, read_capped

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what setWebhook accepts as secret_token
MAX_BODY_BYTES = 1024 * 1024  # an update is a few KB; 1 MB leaves room and bounds memory
UpdateCallback = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass
class WebhookStats:
    """What the receiver did, for logs and tests: counts and body bytes actually read."""

    accepted: int = 0
    refused_token: int = 0
    too_large: int = 0
    bad_body: int = 0
    failed: int = 0
    body_bytes_read: int = 0
    last_status: int | None = field(default=None, repr=False)


def webhook_feature(
    app: web.Application,
    *,
    path: str,
    secret_token: str,
    on_update: UpdateCallback,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> WebhookStats:
    """Add `POST /<path>` to `app`: Telegram's updates, checked, to `on_update`."""
    if not SECRET_RE.fullmatch(secret_token):
        raise ValueError("secret_token: 1-256 characters A-Z, a-z, 0-9, _ and - (Telegram's rule)")
    if max_body_bytes < 1:
        raise ValueError("max_body_bytes must be positive")
    expected = secret_token.encode()
    stats = WebhookStats()

    async def refuse(request: web.Request, status: int, reason: str) -> web.StreamResponse:
        stats.last_status = status
        response = web.Response(status=status, text=reason)
        response.force_close()
        await response.prepare(request)
        await response.write_eof()
        # Close now: aiohttp would otherwise read and discard the unread body for up to 10 s.
        request.protocol.force_close()
        return response

    async def receive(request: web.Request) -> web.StreamResponse:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            stats.refused_token += 1
            log.warning("webhook: request without the right secret token refused")
            return await refuse(request, 403, "Forbidden")
        length = request.content_length
        if length is not None and length > max_body_bytes:
            stats.too_large += 1
            log.warning("webhook: body of %d bytes refused (cap %d)", length, max_body_bytes)
            return await refuse(request, 413, "Request Entity Too Large")
        try:
            body = await read_capped(request.content, limit=max_body_bytes)
        except TooLarge as exc:
            stats.body_bytes_read += exc.read
            stats.too_large += 1
            log.warning("webhook: body over %d bytes refused while reading", max_body_bytes)
            return await refuse(request, 413, "Request Entity Too Large")
        stats.body_bytes_read += len(body)
        update = _update_from(body)
        if update is None:
            stats.bad_body += 1
            log.warning("webhook: body that is not an update refused (%d bytes)", len(body))
            stats.last_status = 400
            return web.Response(status=400, text="Bad Request")
        try:
            await on_update(update)
        except Exception as exc:  # Telegram retries a failed delivery; say what, not the update
            stats.failed += 1
            log.error("webhook: update %s not taken: %s", update["update_id"], type(exc).__name__)
            stats.last_status = 500
            return web.Response(status=500, text="Internal Server Error")
        stats.accepted += 1
        stats.last_status = 200
        return web.Response(status=200)

    app.router.add_post("/" + path.strip("/"), receive)
    return stats


def _update_from(body: bytes) -> dict[str, Any] | None:
    """The update object in a body, or None when it is not JSON of an update."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or type(data.get("update_id")) is not int:
        return None
    return data
