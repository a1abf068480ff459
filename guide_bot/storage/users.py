"""Users of the bot: their settings, their safety-screening answers and whether they blocked us.

Stored is the minimum: the Telegram user id and private chat id, the settings, and yes/no answers
to the screening questions with the time they were given. No names, no free text.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import JSON, BigInteger, Boolean, String, select
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from guide_bot.storage.base import Base
from guide_bot.storage.types import UtcDateTime

DeliveryMode = Literal["voice", "text", "both", "hands"]
# "hands": hands-free, the whole session as one audio message (fits the String(8) column)
DELIVERY_MODES: tuple[DeliveryMode, ...] = ("voice", "text", "both", "hands")


class UserRow(Base):
    """One row per Telegram user."""

    __tablename__ = "users"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    blocked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    mode: Mapped[str] = mapped_column(String(8), default="voice")
    language: Mapped[str | None] = mapped_column(String(16), default=None)
    slow: Mapped[bool] = mapped_column(Boolean, default=False)
    countdown: Mapped[bool] = mapped_column(Boolean, default=True)
    screening: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    screened_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)


@dataclass(frozen=True, kw_only=True, slots=True)
class UserSettings:
    """How a user wants sessions delivered; `language` None means the bot's default."""

    mode: DeliveryMode = "voice"
    language: str | None = None
    slow: bool = False
    countdown: bool = True


@dataclass(frozen=True, kw_only=True, slots=True)
class User:
    """What the bot knows about a user."""

    user_id: int
    chat_id: int
    created_at: datetime
    settings: UserSettings = field(default_factory=UserSettings)
    screening: dict[str, bool] | None = None
    screened_at: datetime | None = None
    blocked_at: datetime | None = None

    @property
    def screened(self) -> bool:
        """Whether the safety screening was answered."""
        return self.screening is not None


def _to_user(row: UserRow) -> User:
    mode: DeliveryMode = row.mode if row.mode in DELIVERY_MODES else "voice"
    return User(
        user_id=row.user_id,
        chat_id=row.chat_id,
        created_at=row.created_at,
        settings=UserSettings(
            mode=mode, language=row.language, slow=row.slow, countdown=row.countdown
        ),
        screening={str(k): bool(v) for k, v in row.screening.items()} if row.screening else None,
        screened_at=row.screened_at,
        blocked_at=row.blocked_at,
    )


class UserRepository:
    """Users, their settings and screening answers."""

    def __init__(self, sessions: sessionmaker[Any]) -> None:
        self._sessions = sessions

    def get(self, user_id: int) -> User | None:
        """The user, or None if they never talked to the bot (or asked to be forgotten)."""
        with self._sessions() as db:
            row = db.get(UserRow, user_id)
            return _to_user(row) if row else None

    def ensure(self, user_id: int, chat_id: int, now: datetime) -> User:
        """The user, created on first contact; a user who writes again is no longer blocked."""
        with self._sessions.begin() as db:
            row = db.get(UserRow, user_id)
            if row is None:
                row = UserRow(user_id=user_id, chat_id=chat_id, created_at=now)
                db.add(row)
            else:
                row.chat_id = chat_id
                row.blocked_at = None
            db.flush()
            return _to_user(row)

    def update_settings(self, user_id: int, settings: UserSettings) -> None:
        """Store the user's settings."""
        with self._sessions.begin() as db:
            row = db.get(UserRow, user_id)
            if row is None:
                return
            row.mode = settings.mode
            row.language = settings.language
            row.slow = settings.slow
            row.countdown = settings.countdown

    def change_settings(self, user_id: int, **changes: Any) -> UserSettings | None:
        """Change some settings; returns the new ones (None for an unknown user)."""
        user = self.get(user_id)
        if user is None:
            return None
        settings = replace(user.settings, **changes)
        self.update_settings(user_id, settings)
        return settings

    def set_screening(self, user_id: int, answers: dict[str, bool], now: datetime) -> None:
        """Store the screening answers (yes/no per question key)."""
        with self._sessions.begin() as db:
            row = db.get(UserRow, user_id)
            if row is not None:
                row.screening = dict(answers)
                row.screened_at = now

    def mark_blocked(self, user_id: int, now: datetime) -> None:
        """The user blocked the bot: nothing more is sent until they write again."""
        with self._sessions.begin() as db:
            row = db.get(UserRow, user_id)
            if row is not None:
                row.blocked_at = now

    def blocked_user_ids(self) -> set[int]:
        """Users who blocked the bot."""
        with self._sessions() as db:
            rows = db.scalars(select(UserRow.user_id).where(UserRow.blocked_at.is_not(None)))
            return set(rows)
