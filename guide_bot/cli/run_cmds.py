"""`guide-bot run`: the Telegram bot, by long polling (default) or by webhook."""

from __future__ import annotations

import logging
import secrets
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from guide_bot.cli.options import library_option
from guide_bot.logsafe import install_log_redaction

NO_TOKEN = """\
guide-bot run: no bot token.

Get one from Telegram's @BotFather: open a chat with @BotFather, send /newbot, choose a name and
a username ending in "bot", and copy the token it gives you (like 123456789:AAE...). Then:

    export TELEGRAM_BOT_TOKEN=123456789:AAE...
    guide-bot run

(GUIDE_BOT_TOKEN works too, as does a line TELEGRAM_BOT_TOKEN=... in a .env file here.)"""


BAD_TOKEN = """\
guide-bot run: Telegram refused the bot token.

Check it with @BotFather (send /mybots, pick the bot, "API Token"), then set it again:

    export TELEGRAM_BOT_TOKEN=123456789:AAE..."""


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then masks the bot token anywhere in the line or its traceback."""

    def __init__(self, token: str, fmt: str) -> None:
        super().__init__(fmt)
        self._token = token

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text.replace(self._token, "<token>") if self._token else text


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(token: str, level: str) -> None:
    """Plain log lines on stderr, with the token never shown."""
    logging.basicConfig(level=getattr(logging, level.upper(), logging.INFO), format=LOG_FORMAT)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(RedactingFormatter(token, LOG_FORMAT))
    install_log_redaction()  # no log line carries an update or what a user wrote
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line per step job otherwise
    # PTB logs whole updates, with what users wrote, at DEBUG: never below INFO.
    logging.getLogger("telegram").setLevel(max(logging.INFO, logging.getLogger().level))


def webhook_params(
    webhook_url: str, listen: str, port: int, secret_token: str | None
) -> dict[str, Any]:
    """Arguments of bootstrap.start_webhook: always with a secret token, random if not given, so
    that every request without Telegram's X-Telegram-Bot-Api-Secret-Token header is refused.
    """
    return {
        "listen": listen,
        "port": port,
        "url_path": urlsplit(webhook_url).path.lstrip("/"),
        "webhook_url": webhook_url,
        "secret_token": secret_token or secrets.token_urlsafe(32),
    }


@click.command("run")
@library_option
@click.option(
    "--base-url",
    envvar="GUIDE_BOT_BASE_URL",
    help="Bot API server to talk to (a self-hosted or local one), e.g. http://localhost:8081/bot.",
)
@click.option(
    "--webhook-url",
    envvar="GUIDE_BOT_WEBHOOK_URL",
    help="Public HTTPS URL Telegram posts updates to; without it the bot uses long polling.",
)
@click.option("--listen", default="127.0.0.1", show_default=True, help="Webhook listen address.")
@click.option("--port", default=8443, show_default=True, type=int, help="Webhook listen port.")
@click.option(
    "--secret-token",
    envvar="GUIDE_BOT_WEBHOOK_SECRET",
    help="Webhook secret (Telegram sends it in X-Telegram-Bot-Api-Secret-Token); random if unset.",
)
@click.option(
    "--log-level",
    envvar="GUIDE_BOT_LOG_LEVEL",
    default=None,
    help="DEBUG, INFO, WARNING, ERROR or CRITICAL (default INFO).",
)
def run_cmd(
    library: Path,
    base_url: str | None,
    webhook_url: str | None,
    listen: str,
    port: int,
    secret_token: str | None,
    log_level: str | None,
) -> None:
    """Run the Telegram bot (needs TELEGRAM_BOT_TOKEN or GUIDE_BOT_TOKEN)."""
    # hardening: every setting checked first; a bad one ends here with one line, exit 2.
    from guide_bot.cli.run_checks import check_run_settings

    settings = check_run_settings(library=library, base_url=base_url, log_level=log_level)
    token = settings.token.get_secret_value().strip() if settings.token else ""
    if not token:
        click.echo(NO_TOKEN, err=True)
        sys.exit(2)
    setup_logging(token, settings.log_level)

    from guide_bot.bootstrap import LeadershipLost, TokenRefused, build_bot, run_bot
    from guide_bot.storage.leadership import leadership_name, make_leadership

    leadership = make_leadership(settings.resolved_database_url(), leadership_name(token))
    bot = build_bot(settings, leadership=leadership)
    webhook = None
    if webhook_url is not None:
        webhook = webhook_params(webhook_url, listen, port, secret_token)
    try:
        run_bot(bot, webhook=webhook)
    except TokenRefused:
        click.echo(BAD_TOKEN, err=True)
        sys.exit(2)
    except LeadershipLost:
        click.echo(
            "guide-bot run: lost the database connection that holds the lead; stopped so that "
            "a standby takes over (restart this process to wait as a standby).",
            err=True,
        )
        sys.exit(3)
