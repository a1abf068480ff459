"""Log records from python-telegram-bot and httpx never carry what users wrote, nor the token.

python-telegram-bot puts whole updates into log lines in a few places, user text included:
- `Bot.get_updates`: "Error while parsing updates! Received data was %r" at CRITICAL, when an
  update has a field of the wrong type (`Update.de_list` fails) - every long-polling bot;
- its webhook handler: "Received data was: %r" at CRITICAL, and "Webhook received data" at DEBUG;
- `Application`: "Processing update %s" at DEBUG, and "No error handlers are registered, logging
  exception." with the handler's exception, whose message may quote the input;
- `Bot._post`: "Calling Bot API endpoint `%s` with parameters `%s`" at DEBUG (what is sent).
httpx logs each request's URL, which holds the bot token ("/bot123:ABC.../getMe").

`RedactTelegramRecords` rewrites such records, whatever their level, before any handler sees
them: payload arguments (mappings, lists, Telegram objects, JSON text) become a placeholder that
keeps only their size and update ids; exception messages are dropped (the type and frames stay,
which is what finds a bug); a token in a URL becomes `<token>`. `install_log_redaction()` applies
it to every record of those loggers through the log record factory, so it holds for handlers
added later too (the "telegram" logger's own filters would not reach its child loggers).
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable, Mapping
from typing import Any

REDACTED_LOGGERS = ("telegram", "httpx", "httpcore")
WITHHELD = "<withheld>"
_TOKEN_RE = re.compile(r"bot[0-9]+:[A-Za-z0-9_-]+")
# Keys under which Telegram carries what a person wrote or who they are, as they appear in a
# repr or JSON text ('text': ..., "caption": ..., text='...').
_USER_KEYS = (
    "text|caption|first_name|last_name|username|data|query|title|file_name|phone_number|"
    "question|description|bio|address|name|emoji|quote|explanation"
)
_USER_TEXT_RE = re.compile(rf"""(['"](?:{_USER_KEYS})['"]\s*:|\b(?:{_USER_KEYS})=['"])""")
_MAX_CHAIN = 5


def _update_ids(value: Any) -> list[int]:
    items = value if isinstance(value, list | tuple) else [value]
    ids: list[int] = []
    for item in items:
        if isinstance(item, Mapping) and isinstance(item.get("update_id"), int):
            ids.append(int(item["update_id"]))
        elif isinstance(getattr(item, "update_id", None), int):
            ids.append(int(item.update_id))
    return ids


def _placeholder(value: Any) -> str:
    ids = _update_ids(value)
    kind = type(value).__name__
    return f"<{kind} withheld{f', update ids {ids}' if ids else ''}>"


def _is_telegram_object(value: Any) -> bool:
    """An Update, Message, User...: python-telegram-bot's objects, known by their module.

    (Told apart without importing `telegram`: only the Telegram adapter may import it.)
    """
    return any(klass.__module__.split(".")[0] == "telegram" for klass in type(value).__mro__[:-1])


def _safe_arg(value: Any) -> Any:
    """An argument as it may appear in a log line: numbers and short plain words only."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple) and all(isinstance(v, int) for v in value):
        return value  # "Getting updates: [1, 2, 3]"
    if isinstance(value, Mapping | list | tuple | set | bytes | bytearray) or _is_telegram_object(
        value
    ):
        return _placeholder(value)
    text = str(value)
    if _USER_TEXT_RE.search(text) or text.lstrip().startswith(("{", "[")):
        return _placeholder(value)
    return _TOKEN_RE.sub("bot<token>", text)


def exception_without_messages(error: BaseException) -> str:
    """Type and frames of an exception and its causes, without their messages."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen and len(parts) < _MAX_CHAIN:
        seen.add(id(current))
        frames = "".join(traceback.format_list(traceback.extract_tb(current.__traceback__)))
        parts.append(f"{type(current).__name__} (message withheld)\n{frames}".rstrip())
        current = current.__cause__ or current.__context__
    return "Traceback (messages withheld):\n" + "\n  caused by / while handling: ".join(parts)


def redact_record(record: logging.LogRecord) -> None:
    """Rewrite one record in place: payloads withheld, exception messages dropped, no token."""
    if isinstance(record.args, Mapping):
        record.args = {key: _safe_arg(value) for key, value in record.args.items()}
    elif record.args:
        record.args = tuple(_safe_arg(arg) for arg in record.args)
    message = str(record.msg)
    if _USER_TEXT_RE.search(message):
        record.msg, record.args = f"{type(record.msg).__name__} message {WITHHELD}", ()
    elif _TOKEN_RE.search(message):
        record.msg = _TOKEN_RE.sub("bot<token>", message)
    if record.exc_info and record.exc_info[1] is not None:
        record.exc_text = exception_without_messages(record.exc_info[1])
        record.exc_info = None
    elif record.exc_text:
        record.exc_text = f"(exception text {WITHHELD})"


def _is_redacted(name: str) -> bool:
    return any(name == root or name.startswith(f"{root}.") for root in REDACTED_LOGGERS)


class RedactTelegramRecords(logging.Filter):
    """A filter (for a handler or logger) that redacts records of python-telegram-bot and httpx."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _is_redacted(record.name):
            redact_record(record)
        return True


_installed: Callable[..., logging.LogRecord] | None = None


def install_log_redaction() -> None:
    """Redact every telegram.*, httpx and httpcore record as it is made (idempotent)."""
    global _installed
    if _installed is not None:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if _is_redacted(record.name):
            redact_record(record)
        return record

    _installed = previous
    logging.setLogRecordFactory(factory)


def remove_log_redaction() -> None:
    """Undo `install_log_redaction` (for tests)."""
    global _installed
    if _installed is not None:
        logging.setLogRecordFactory(_installed)
        _installed = None
