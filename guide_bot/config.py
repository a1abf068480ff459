"""Settings from the environment (prefix GUIDE_BOT_) and a .env file; the token is a secret."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from guide_bot.paths import shipped_library_dir

_MEDIA_PLAYER = re.compile(r"media_player\.[a-z0-9_]+")
TtsChoice = Literal["gtts", "espeak", "auto"]


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
    audio_cache_max_mb: float = Field(default=200.0, gt=0)
    tts_timeout_s: float = Field(default=10.0, gt=0)
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

    def resolved_database_url(self) -> str:
        """The database to use: the setting, or SQLite in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'guide-bot.sqlite3'}"
