"""A small Home Assistant client: media players over REST, their state changes over the websocket.

REST (`Authorization: Bearer TOKEN`): `GET /api/states`, `GET /api/states/<entity_id>` (404 for an
unknown entity), `POST /api/services/media_player/<service>`. Home Assistant answers a service call
on an entity that does not exist with 200 and nothing changed, so callers look the entity up first.

The websocket (`/api/websocket`, state_changed events) is in ha_websocket.py, the state values
and errors in ha_states.py; this module re-exports them, so callers import from one place.

Every failure is one of the `HomeAssistantError` subclasses, with a message fit for a person; the
token never appears in a message or a log line.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import aiohttp

from guide_bot.speakers.ha_states import (
    DEFAULT_TIMEOUT_S,
    MEDIA_PLAYER,
    UNAVAILABLE_STATES,
    HomeAssistantAuthError,
    HomeAssistantError,
    HomeAssistantUnreachable,
    PlayerState,
    ServiceCallError,
    UnknownEntity,
    check_entity_id,
)
from guide_bot.speakers.ha_websocket import StateChanges

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_TIMEOUT_S",
    "MEDIA_PLAYER",
    "UNAVAILABLE_STATES",
    "HomeAssistant",
    "HomeAssistantAuthError",
    "HomeAssistantError",
    "HomeAssistantUnreachable",
    "PlayerState",
    "ServiceCallError",
    "StateChanges",
    "UnknownEntity",
    "check_entity_id",
]


class HomeAssistant:
    """REST calls and the websocket stream of one Home Assistant instance."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(
                f"GUIDE_BOT_HA_URL must start with http:// or https://, not {base_url!r}"
            )
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._timeout_s = timeout_s
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._http: aiohttp.ClientSession | None = None

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=self._timeout)
        return self._http

    async def close(self) -> None:
        """Close the HTTP connections."""
        if self._http is not None:
            await self._http.close()
            self._http = None

    # -- REST --------------------------------------------------------------------------------

    async def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        headers = {"Authorization": f"Bearer {self._token}"}
        url = f"{self.base_url}{path}"
        try:
            async with self._session().request(method, url, json=body, headers=headers) as resp:
                text = await resp.text()
                if resp.status == 401:
                    raise HomeAssistantAuthError(
                        f"Home Assistant at {self.base_url} refused the token (401); "
                        "make a new long-lived access token and set GUIDE_BOT_HA_TOKEN"
                    )
                if resp.status == 404:
                    return _NOT_FOUND
                if resp.status >= 400:
                    detail = _message(text)
                    raise ServiceCallError(
                        f"Home Assistant answered {resp.status} to {method} {path}"
                        + (f": {detail}" if detail else "")
                    )
                return json.loads(text) if text else None
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise HomeAssistantUnreachable(
                f"cannot reach Home Assistant at {self.base_url} ({type(exc).__name__}); "
                "check GUIDE_BOT_HA_URL and that Home Assistant is running"
            ) from exc
        except ValueError as exc:
            raise HomeAssistantError(f"Home Assistant's reply to {path} is not JSON") from exc

    async def media_players(self) -> list[PlayerState]:
        """Every media_player entity, sorted by entity id."""
        data = await self._request("GET", "/api/states")
        if not isinstance(data, list):
            raise HomeAssistantError("Home Assistant's /api/states did not return a list")
        players = [
            PlayerState.from_json(item)
            for item in data
            if isinstance(item, dict) and str(item.get("entity_id", "")).startswith(MEDIA_PLAYER)
        ]
        return sorted(players, key=lambda p: p.entity_id)

    async def player(self, entity_id: str) -> PlayerState:
        """One media player's state; UnknownEntity when Home Assistant has no such entity."""
        check_entity_id(entity_id)
        data = await self._request("GET", f"/api/states/{entity_id}")
        if data is _NOT_FOUND:
            raise UnknownEntity(
                f"Home Assistant has no entity {entity_id}; `guide-bot speaker list` shows the "
                "media players"
            )
        if not isinstance(data, dict):
            raise HomeAssistantError(f"Home Assistant's state of {entity_id} is not an object")
        return PlayerState.from_json(data)

    async def call(self, service: str, entity_id: str, **data: Any) -> None:
        """Call `media_player.<service>` on one entity."""
        check_entity_id(entity_id)
        found = await self._request(
            "POST", f"/api/services/media_player/{service}", {"entity_id": entity_id, **data}
        )
        if found is _NOT_FOUND:
            raise ServiceCallError(f"Home Assistant has no service media_player.{service}")

    async def play_media(self, entity_id: str, url: str, content_type: str = "music") -> None:
        """Start playing a URL."""
        await self.call(
            "play_media", entity_id, media_content_id=url, media_content_type=content_type
        )

    async def pause(self, entity_id: str) -> None:
        """media_pause."""
        await self.call("media_pause", entity_id)

    async def play(self, entity_id: str) -> None:
        """media_play (resume)."""
        await self.call("media_play", entity_id)

    async def seek(self, entity_id: str, position_s: float) -> None:
        """media_seek to a position in seconds."""
        await self.call("media_seek", entity_id, seek_position=round(max(0.0, position_s), 3))

    async def stop(self, entity_id: str) -> None:
        """media_stop."""
        await self.call("media_stop", entity_id)

    # -- websocket ---------------------------------------------------------------------------

    def websocket_url(self) -> str:
        """ws(s)://host/api/websocket for the base URL."""
        scheme, rest = self.base_url.split("://", 1)
        return f"{'wss' if scheme == 'https' else 'ws'}://{rest}/api/websocket"

    async def state_changes(self) -> StateChanges:
        """An authenticated websocket subscribed to state_changed (raises on refusal)."""
        stream = StateChanges(
            self._session(), self.websocket_url(), self._token, timeout_s=self._timeout_s
        )
        await stream.connect()
        return stream


_NOT_FOUND = object()


def _message(text: str) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        return text.strip()[:200]
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return str(data["message"])[:200]
    return text.strip()[:200]
