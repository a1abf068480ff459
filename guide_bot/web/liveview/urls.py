"""The live view's address, for the `web_app` buttons the bot sends and its menu button."""

from __future__ import annotations

from urllib.parse import quote

APP_PATH = "/app"


def app_url(public_url: str, session_id: str | None = None) -> str:
    """`<public_url>/app`, pinned to one session with `?session=<id>` for a session message.

    Telegram opens `web_app` URLs over HTTPS only; a plain http:// base is refused here so that
    the mistake shows at start-up rather than as a button that does nothing.
    """
    base = public_url.strip().rstrip("/")
    if not base.startswith("https://"):
        raise ValueError(
            f"GUIDE_BOT_PUBLIC_URL must start with https:// for the live view, not {base!r}"
        )
    url = f"{base}{APP_PATH}"
    return url if session_id is None else f"{url}?session={quote(session_id, safe='')}"
