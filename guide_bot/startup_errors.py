"""Why the bot could not start, in one line: which setting, what went wrong, what is allowed.

`guide-bot run` asks the Bot API `getMe` first (python-telegram-bot's `initialize`); what it
raises then says which setting is wrong. python-telegram-bot maps HTTP 401 and 404 to
`InvalidToken` (Telegram answers 401 to a well-formed token it does not know and 404 to a
malformed one; a server that is no Bot API answers 404 too), a body that is not JSON to
`TelegramError("Invalid server response")`, and a connection failure to `NetworkError`.
The token never appears in the line (the exception's own text is not quoted).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut

TOKEN_SETTING = "TELEGRAM_BOT_TOKEN / GUIDE_BOT_TOKEN"
BASE_URL_SETTING = "GUIDE_BOT_BASE_URL / --base-url"
BOT_API_ALLOWED = (
    "the address of a Bot API server (telegram-bot-api), like http://localhost:8081/bot, "
    "running and reachable"
)


def _place(base_url: str) -> str:
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}{parts.path.split('{')[0]}"


def describe_startup_error(exc: BaseException, *, base_url: str | None = None) -> str:
    """One line for stderr about an error raised while the bot starts (exit status 2)."""
    where = f"{BASE_URL_SETTING}={_place(base_url)!r}" if base_url else None
    server = "the Bot API server" if base_url else "Telegram"
    if isinstance(exc, InvalidToken):
        not_found = "not found" in str(exc).lower()
        if where and not_found:
            return (
                f"guide-bot: {where}: the server answered 404 to getMe, so it is not a Bot API "
                f"or the path is wrong; allowed: {BOT_API_ALLOWED}"
            )
        code = "404 Not Found" if not_found else "401 Unauthorized"
        # A Bot API server answers for Telegram: a 401 through it is Telegram's refusal too.
        return (
            f"guide-bot: {TOKEN_SETTING}: Telegram refused the bot token (getMe: {code}); "
            "allowed: the bot's current token from @BotFather (send /mybots, pick the bot, "
            "API Token)"
        )
    if isinstance(exc, TimedOut):
        return (
            f"guide-bot: {where or 'network'}: {server} did not answer getMe in time; allowed: "
            f"{BOT_API_ALLOWED if where else 'a working connection to api.telegram.org'}"
        )
    if isinstance(exc, NetworkError):
        return (
            f"guide-bot: {where or 'network'}: cannot reach {server} ({_kind(exc)}); allowed: "
            f"{BOT_API_ALLOWED if where else 'a working connection to api.telegram.org'}"
        )
    if isinstance(exc, TelegramError):
        if where:
            return (
                f"guide-bot: {where}: the server's answer to getMe is not the Bot API's "
                f"({_kind(exc)}); allowed: {BOT_API_ALLOWED}"
            )
        return f"guide-bot: Telegram's answer to getMe was not understood ({_kind(exc)})"
    return f"guide-bot: the bot could not start ({type(exc).__name__})"


def _kind(exc: BaseException) -> str:
    """The error's class and, for PTB's fixed texts, their words (never a server's free text)."""
    text = str(exc)
    if text in {"Invalid server response", "Unknown HTTPError"} or text.startswith("httpx."):
        return text.split(":")[0]
    cause = exc.__cause__
    return type(cause).__name__ if cause is not None else type(exc).__name__
