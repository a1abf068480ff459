"""Users of the bot: their settings, their safety-screening answers and whether they blocked us.

Stored is the minimum: the Telegram user id and private chat id, the settings, and the names of
the screening conditions the user ticked (domain/conditions.py, a JSON list) with the time they
were given. No names, no free text. Answers in the old format (yes/no per question, a JSON
object) are not mapped: the old questions lumped conditions together that are now treated
apart, so such a user is asked again (`User.screening_outdated`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import JSON, BigInteger, Boolean, String, select, update
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from guide_bot.domain.conditions import CONDITION_NAMES
from guide_bot.i18n import DEFAULT_LANGUAGE, LANGUAGES
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
    language: Mapped[str | None] = mapped_column(String(16), default=None)  # English accent
    # The language the bot speaks to the user (guide_bot/i18n codes); None until first contact.
    locale: Mapped[str | None] = mapped_column(String(8), default=None)
    slow: Mapped[bool] = mapped_column(Boolean, default=False)
    countdown: Mapped[bool] = mapped_column(Boolean, default=True)
    screening: Mapped[Any] = mapped_column(JSON, nullable=True, default=None)
    screened_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)


@dataclass(frozen=True, kw_only=True, slots=True)
class UserSettings:
    """How a user wants sessions delivered; `language` is the English voice's accent of
    /settings (`en`, `en-gb`, ...; None: the bot's default), not the language the bot speaks
    (`User.locale`, set by /language)."""

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
    screening: tuple[str, ...] | None = None  # the condition names ticked; () for none
    screened_at: datetime | None = None
    blocked_at: datetime | None = None
    screening_outdated: bool = False  # answers in the old yes/no format: ask again
    locale: str | None = None  # the language the bot speaks to them; None: not chosen yet

    @property
    def language_code(self) -> str:
        """The language the bot speaks to this user (English until one is chosen)."""
        return self.locale or DEFAULT_LANGUAGE

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
        screening=_condition_names(row.screening),
        screened_at=row.screened_at,
        blocked_at=row.blocked_at,
        screening_outdated=isinstance(row.screening, dict),
        locale=row.locale if row.locale in LANGUAGES else None,
    )


def _condition_names(stored: Any) -> tuple[str, ...] | None:
    """The stored list of condition names; None for none stored or the old yes/no format."""
    if not isinstance(stored, list):
        return None
    known = set(CONDITION_NAMES)
    return tuple(str(name) for name in stored if name in known)


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

    def set_locale(self, user_id: int, code: str) -> None:
        """Store the language the bot speaks to the user (a shipped language code)."""
        if code not in LANGUAGES:
            raise ValueError(f"unknown language {code!r}; allowed: {', '.join(LANGUAGES)}")
        with self._sessions.begin() as db:
            row = db.get(UserRow, user_id)
            if row is not None:
                row.locale = code

    def first_locale(self, user_id: int, chat_id: int, code: str, now: datetime) -> bool:
        """At first contact: create the user if new and store `code` as their language unless
        one is stored already. True if this call stored it (once per user, even when two updates
        of theirs race)."""
        if code not in LANGUAGES:
            raise ValueError(f"unknown language {code!r}; allowed: {', '.join(LANGUAGES)}")
        self.ensure(user_id, chat_id, now)
        with self._sessions.begin() as db:
            done = db.execute(
                update(UserRow)
                .where(UserRow.user_id == user_id, UserRow.locale.is_(None))
                .values(locale=code)
            )
            return bool(done.rowcount)

    def locale_of(self, user_id: int) -> str:
        """The language the bot speaks to the user (English for an unknown user)."""
        with self._sessions() as db:
            code = db.scalar(select(UserRow.locale).where(UserRow.user_id == user_id))
        return code if code in LANGUAGES else DEFAULT_LANGUAGE

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

    def set_screening(self, user_id: int, conditions: Iterable[str], now: datetime) -> None:
        """Store the screening answers: only the names of the conditions ticked."""
        names = sorted(set(conditions))
        unknown = [name for name in names if name not in CONDITION_NAMES]
        if unknown:
            raise ValueError(
                f"unknown condition {unknown[0]!r}; allowed: {', '.join(CONDITION_NAMES)}"
            )
        with self._sessions.begin() as db:
            row = db.get(UserRow, user_id)
            if row is not None:
                row.screening = names
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
