"""Why the bot could not start, in one line: which setting, what went wrong, what is allowed.

`guide-bot run` asks the Bot API `getMe` first (python-telegram-bot's `initialize`); what it
raises then says which setting is wrong. python-telegram-bot maps HTTP 401 and 404 to
`InvalidToken` (Telegram answers 401 to a well-formed token it does not know and 404 to a
malformed one; a server that is no Bot API answers 404 too), a body that is not JSON to
`TelegramError("Invalid server response")`, and a connection failure to `NetworkError`.
The token never appears in the line (the exception's own text is not quoted).

`check_bot_api` asks `getMe` once before the bot is built (`guide-bot run` does, through
cli/run_checks.py), so that these end the start with one line and exit status 2.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut

from guide_bot.config import ConfigError

TELEGRAM_API_URL = "https://api.telegram.org/bot"  # PTB's default base_url
TOKEN_SETTING = "TELEGRAM_BOT_TOKEN / GUIDE_BOT_TOKEN"
BASE_URL_SETTING = "GUIDE_BOT_BASE_URL / --base-url"
BOT_API_ALLOWED = (
    "the address of a Bot API server (telegram-bot-api), like http://localhost:8081/bot, "
    "running and reachable"
)


def _place(base_url: str) -> str:
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}{parts.path.split('{')[0]}"


def startup_config_error(exc: BaseException, *, base_url: str | None = None) -> ConfigError:
    """What an error raised while the bot starts says about the settings, as a ConfigError."""
    where = f"{BASE_URL_SETTING}={_place(base_url)!r}" if base_url else None
    server = "the Bot API server" if base_url else "Telegram"
    network = BOT_API_ALLOWED if where else "a working connection to api.telegram.org"
    if isinstance(exc, InvalidToken):
        not_found = "not found" in str(exc).lower()
        if where and not_found:
            return ConfigError(
                where,
                "the server answered 404 to getMe, so it is not a Bot API or the path is wrong",
                BOT_API_ALLOWED,
            )
        code = "404 Not Found" if not_found else "401 Unauthorized"
        # A Bot API server answers for Telegram: a 401 through it is Telegram's refusal too.
        return ConfigError(
            TOKEN_SETTING,
            f"Telegram refused the bot token (getMe: {code})",
            "the bot's current token from @BotFather (send /mybots, pick the bot, API Token)",
        )
    if isinstance(exc, TimedOut):
        return ConfigError(where or "network", f"{server} did not answer getMe in time", network)
    if isinstance(exc, NetworkError):
        return ConfigError(where or "network", f"cannot reach {server} ({_kind(exc)})", network)
    if isinstance(exc, TelegramError):
        return ConfigError(
            where or "network",
            f"the answer to getMe is not the Bot API's ({_kind(exc)})",
            network,
        )
    return ConfigError("guide-bot run", f"the bot could not start ({type(exc).__name__})", "-")


def describe_startup_error(exc: BaseException, *, base_url: str | None = None) -> str:
    """One line for stderr about an error raised while the bot starts (exit status 2)."""
    return f"guide-bot: {startup_config_error(exc, base_url=base_url)}"


def bot_api_url(base_url: str | None) -> str | None:
    """PTB's `base_url` for a server address like http://host:8081[/bot] (the token follows)."""
    if not base_url:
        return None
    url = base_url.rstrip("/")
    if "{token}" in url or url.endswith("/bot"):
        return url
    return url + "/bot"


async def check_bot_api(token: str, base_url: str | None, *, timeout_s: float = 10.0) -> None:
    """Ask the Bot API `getMe` once; raise ConfigError when the token or server will not do.

    `guide-bot run` calls this before it builds anything, so that a refused token or a server
    that is no Bot API ends the start with one line instead of PTB's retry-loop traceback.
    """
    from telegram import Bot

    from guide_bot.telegram.http import AiohttpRequest

    # The bot's own client: an httpx client here would cost a TLS context of its own (about a
    # tenth of a second of every start) for one call. It is also given as the getUpdates client
    # (never used here), which PTB would otherwise make as an httpx client, with its own context.
    request = AiohttpRequest(1, read_s=timeout_s, connect_s=timeout_s)
    url = bot_api_url(base_url)
    bot = Bot(token, base_url=url or TELEGRAM_API_URL, request=request, get_updates_request=request)
    # PTB logs what it could not parse (the server's whole answer) before raising; the raised
    # error says all that is needed, in one line.
    quiet = [logging.getLogger(name) for name in ("telegram", "aiohttp", "guide_bot.telegram")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        await request.initialize()
        await bot.get_me()
    except Exception as exc:
        raise startup_config_error(exc, base_url=base_url) from None
    finally:
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)
        await request.shutdown()


def _kind(exc: BaseException) -> str:
    """The error's class and, for PTB's fixed texts, their words (never a server's free text)."""
    text = str(exc)
    if text in {"Invalid server response", "Unknown HTTPError"} or text.startswith("httpx."):
        return text.split(":")[0]
    cause = exc.__cause__
    return type(cause).__name__ if cause is not None else type(exc).__name__
