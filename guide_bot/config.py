"""Settings from the environment (prefix GUIDE_BOT_) and a .env file; the token is a secret."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from guide_bot.paths import shipped_library_dir

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
    audio_cache: Path = Path("audio_cache")
    audio_cache_max_mb: float = Field(default=200.0, gt=0)
    tts_timeout_s: float = Field(default=10.0, gt=0)
    language: str = "en"
    tld: str = "com"
    audio_player: str = "auto"  # `guide-bot play`: auto, none, sounddevice or a player's name

    def resolved_database_url(self) -> str:
        """The database to use: the setting, or SQLite in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'guide-bot.sqlite3'}"
