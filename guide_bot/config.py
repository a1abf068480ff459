"""Settings from the environment (prefix GUIDE_BOT_) and a .env file; the token is a secret.

Every setting is checked when the settings are read, so that a wrong value stops a command at
once with one line that names the setting and what is allowed (guide_bot/cli/errors.py prints
it), instead of a traceback later or a silent fallback. What needs the outside world (is the
database reachable, does the Bot API accept the token) is checked where it is used:
`check_database` here, and the bot's start-up (guide_bot/telegram/startup_errors.py).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from guide_bot.i18n.languages import LANGUAGES, UnknownLanguage, parse_language
from guide_bot.paths import shipped_library_dir

_MEDIA_PLAYER = re.compile(r"media_player\.[a-z0-9_]+")
TtsChoice = Literal["gtts", "espeak", "auto"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LOG_LEVELS: tuple[str, ...] = LogLevel.__args__  # type: ignore[attr-defined]
TOKEN_RE = re.compile(r"^[0-9]+:[A-Za-z0-9_-]{35,}$")
TOKEN_ALLOWED = (
    "the token @BotFather gives, digits, a colon and 35 or more letters, digits, - or _ "
    "(like 123456789:AAE...)"
)


class ConfigError(Exception):
    """A setting with a value that cannot work: which setting, what is wrong, what is allowed.

    The message is one line and never holds the token.
    """

    def __init__(self, setting: str, problem: str, allowed: str) -> None:
        self.setting = setting
        self.problem = problem
        self.allowed = allowed
        super().__init__(f"{setting}: {problem}; allowed: {allowed}")


class Settings(BaseSettings):
    """Everything that can be set from outside; see the README's table of settings."""

    model_config = SettingsConfigDict(
        env_prefix="GUIDE_BOT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "GUIDE_BOT_TOKEN")
    )
    library: Path = Field(default_factory=shipped_library_dir)
    tts: TtsChoice = "auto"
    data_dir: Path = Path("data")
    # The Alexa skill (POST /alexa): its id from the developer console, and the request checks,
    # which may be turned off only while the HTTP server listens on loopback (local tests).
    alexa_skill_id: str | None = None
    alexa_verify: bool = True
    database_url: str | None = None
    base_url: str | None = None
    webapp_max_age_s: float = Field(default=86400.0, gt=0)  # live view: oldest initData accepted
    audio_cache: Path = Path("audio_cache")
    audio_cache_max_mb: float = Field(default=200.0, gt=0, allow_inf_nan=False)
    tts_timeout_s: float = Field(default=10.0, gt=0, allow_inf_nan=False)
    # GUIDE_BOT_LANG: the language of the command line's words and voice (--lang wins); a shipped
    # code (en, de, es, ru, pt-br). GUIDE_BOT_LANGUAGE and GUIDE_BOT_TLD are the English voice's
    # gTTS language and accent (e.g. en + co.uk); other languages use their own (speech/languages).
    lang: str = "en"
    language: str = "en"
    tld: str = "com"
    audio_player: str = "auto"  # `guide-bot play`: auto, none, sounddevice or a player's name
    # The HTTP server (`guide-bot serve`, `guide-bot speaker play`): media, speaker API, ...
    http_listen: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    public_url: str | None = None  # the base URL phones and speakers reach (HTTPS in production)
    media_secret: SecretStr | None = None  # signs media URLs; made and kept in data_dir if unset
    api_token: SecretStr | None = None  # the speaker API's bearer token (Home Assistant)
    # Home Assistant
    ha_url: str | None = None
    ha_token: SecretStr | None = None  # a long-lived access token
    ha_speakers: Annotated[tuple[str, ...], NoDecode] = ()  # entity ids chat users may play on

    @field_validator("ha_speakers", mode="before")
    @classmethod
    def _split_speakers(cls, value: object) -> object:
        """`GUIDE_BOT_HA_SPEAKERS` is a comma-separated list of entity ids."""
        if isinstance(value, str):
            value = tuple(part.strip() for part in value.split(",") if part.strip())
        if isinstance(value, (tuple, list)):
            for entity in value:
                if not isinstance(entity, str) or not _MEDIA_PLAYER.fullmatch(entity):
                    raise ValueError(
                        f"{entity!r} is not a media player entity id "
                        "(expected e.g. media_player.kitchen)"
                    )
        return value

    @field_validator("public_url", "ha_url", mode="before")
    @classmethod
    def _strip_slash(cls, value: object) -> object:
        """Base URLs are joined with paths that start with "/"; an empty value means unset."""
        if isinstance(value, str):
            return value.strip().rstrip("/") or None
        return value

    log_level: LogLevel = "INFO"

    @field_validator("token", mode="before")
    @classmethod
    def _token_shape(cls, value: object) -> object:
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        if isinstance(text, str):
            text = text.strip()
            if text and not TOKEN_RE.fullmatch(text):
                raise PydanticCustomError(
                    "token_shape",
                    "not a bot token (value not shown); allowed: {allowed}",
                    {"allowed": TOKEN_ALLOWED},
                )
            return text or None
        return value

    @field_validator("lang", mode="before")
    @classmethod
    def _shipped_language(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return parse_language(value)
            except UnknownLanguage:
                raise PydanticCustomError(
                    "lang",
                    "not a language guide-bot speaks; allowed: {allowed}",
                    {"allowed": ", ".join(LANGUAGES)},
                ) from None
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        if isinstance(value, str):
            if value.strip().upper() not in LOG_LEVELS:
                raise PydanticCustomError(
                    "log_level",
                    "not a log level; allowed: {allowed}",
                    {"allowed": ", ".join(LOG_LEVELS)},
                )
            return value.strip().upper()
        return value

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise PydanticCustomError(
                "not_a_url",
                "not an http(s) URL; allowed: the Bot API server's address, like "
                "http://localhost:8081/bot",
            )
        return value.strip()

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        describe_database_url(value.strip())
        return value.strip()

    @field_validator("data_dir", "audio_cache")
    @classmethod
    def _a_folder(cls, value: Path) -> Path:
        for part in (value, *value.parents):
            if part.exists() and not part.is_dir():
                raise PydanticCustomError(
                    "not_a_folder",
                    "{path} is a file, not a folder; allowed: a folder (it is created if missing)",
                    {"path": str(part)},
                )
        return value

    def resolved_database_url(self) -> str:
        """The database to use: the setting, or SQLite in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'guide-bot.sqlite3'}"

    def log_level_number(self) -> int:
        """The `logging` level of GUIDE_BOT_LOG_LEVEL."""
        return int(logging.getLevelName(self.log_level))


DATABASE_ALLOWED = (
    "a SQLAlchemy URL such as sqlite:///data/guide-bot.sqlite3 or "
    "postgresql+psycopg://user:password@host/dbname, with its driver installed"
)


def describe_database_url(url: str) -> None:
    """Refuse a database URL that SQLAlchemy cannot parse or has no dialect/driver for."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise PydanticCustomError(
            "db_url", "not a database URL; allowed: {allowed}", {"allowed": DATABASE_ALLOWED}
        ) from None
    try:
        parsed.get_dialect().import_dbapi()
    except NoSuchModuleError:
        raise PydanticCustomError(
            "db_dialect",
            "unknown database kind '{name}'; allowed: {allowed}",
            {"name": parsed.drivername, "allowed": DATABASE_ALLOWED},
        ) from None
    except ImportError as exc:
        raise PydanticCustomError(
            "db_driver",
            "needs the driver module '{module}', which is not installed; allowed: {allowed}",
            {"module": exc.name or parsed.drivername, "allowed": DATABASE_ALLOWED},
        ) from None


def check_database(settings: Settings, *, timeout_s: float = 5.0) -> None:
    """Connect once to the database the bot will use; raise ConfigError when it cannot."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    url = settings.resolved_database_url()
    name = "GUIDE_BOT_DATABASE_URL" if settings.database_url else "GUIDE_BOT_DATA_DIR"
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        folder = Path(url.removeprefix("sqlite:///")).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                name, f"cannot create the folder {folder} ({exc.strerror})", "a writable folder"
            ) from None
    args = {"connect_timeout": int(max(1, timeout_s))} if url.startswith("postgres") else {}
    engine = create_engine(url, connect_args=args)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        reason = type(getattr(exc, "orig", None) or exc).__name__
        where = _database_place(url)
        raise ConfigError(
            name,
            f"cannot connect to the database {where} ({reason})",
            "a database that is running and reachable, with the right user and password",
        ) from None
    finally:
        engine.dispose()


def _database_place(url: str) -> str:
    """The database's kind, host and name, without user or password."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    host = f"{parsed.host}:{parsed.port}" if parsed.port else (parsed.host or "")
    return f"{parsed.drivername}://{host}/{parsed.database or ''}"
