"""What Home Assistant reports about media players, and the errors of talking to it.

Pure values: `PlayerState` is parsed from a state object as the REST API (`GET /api/states`) and
`state_changed` events carry it; the error classes say, for a person, what went wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

DEFAULT_TIMEOUT_S = 10.0
MEDIA_PLAYER = "media_player."
UNAVAILABLE_STATES = frozenset({"unavailable", "unknown"})


class HomeAssistantError(Exception):
    """Something went wrong talking to Home Assistant; the message says what, for a person."""


class HomeAssistantUnreachable(HomeAssistantError):
    """No answer: wrong URL, Home Assistant down, network trouble, or a timeout."""


class HomeAssistantAuthError(HomeAssistantError):
    """The token was refused (REST 401 or websocket auth_invalid)."""


class UnknownEntity(HomeAssistantError):
    """No such entity in Home Assistant, or not a media player."""


class ServiceCallError(HomeAssistantError):
    """Home Assistant refused a service call (400: bad data or an unknown service, or worse)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class PlayerState:
    """What Home Assistant reports about one media player at one moment."""

    entity_id: str
    state: str  # playing, paused, idle, buffering, off, on, standby, unavailable, unknown
    name: str
    media_position_s: float | None = None
    position_updated_at: float | None = None  # epoch seconds
    media_duration_s: float | None = None
    media_content_id: str | None = None

    @property
    def available(self) -> bool:
        """Whether Home Assistant can reach the player at all."""
        return self.state not in UNAVAILABLE_STATES

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlayerState:
        """A state object as the REST API and state_changed events carry it."""
        attributes = data.get("attributes") or {}
        entity_id = str(data.get("entity_id", ""))
        return cls(
            entity_id=entity_id,
            state=str(data.get("state", "unknown")),
            name=str(attributes.get("friendly_name") or entity_id),
            media_position_s=_number(attributes.get("media_position")),
            position_updated_at=_epoch(attributes.get("media_position_updated_at")),
            media_duration_s=_number(attributes.get("media_duration")),
            media_content_id=(
                str(attributes["media_content_id"]) if attributes.get("media_content_id") else None
            ),
        )

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of `guide-bot speaker list --json`."""
        return {"entity_id": self.entity_id, "name": self.name, "state": self.state}


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _epoch(value: object) -> float | None:
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
        if moment.tzinfo is None:
            return None  # Home Assistant always sends an offset; a naive time cannot be placed
        return moment.timestamp()
    return None


def check_entity_id(entity_id: str) -> str:
    """The id, if it names a media player; UnknownEntity otherwise."""
    if not entity_id.startswith(MEDIA_PLAYER) or len(entity_id) == len(MEDIA_PLAYER):
        raise UnknownEntity(f"{entity_id!r} is not a media player (expected media_player.NAME)")
    return entity_id
