"""A small Home Assistant client: media players over REST, their state changes over the websocket.

REST (`Authorization: Bearer TOKEN`): `GET /api/states`, `GET /api/states/<entity_id>` (404 for an
unknown entity), `POST /api/services/media_player/<service>`. Home Assistant answers a service call
on an entity that does not exist with 200 and nothing changed, so callers look the entity up first.

Websocket `/api/websocket`: `auth_required` -> `{"type": "auth", "access_token": ...}` ->
`auth_ok` or `auth_invalid` (then the server closes); commands carry increasing integer ids and are
answered by `result` messages; `subscribe_events` with `event_type: state_changed` streams every
state change as `event` messages carrying the subscription's id.

Every failure is one of the `HomeAssistantError` subclasses, with a message fit for a person; the
token never appears in a message or a log line.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp

logger = logging.getLogger(__name__)

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
        stream = StateChanges(self)
        await stream.connect()
        return stream


_NOT_FOUND = object()
_CLOSED = (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)


def _message(text: str) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        return text.strip()[:200]
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return str(data["message"])[:200]
    return text.strip()[:200]


class StateChanges:
    """One websocket connection: authenticated, subscribed, yielding media players' new states."""

    def __init__(self, ha: HomeAssistant) -> None:
        self._ha = ha
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._next_id = 1
        self._subscription: int | None = None

    async def connect(self) -> None:
        """Authenticate and subscribe; HomeAssistantAuthError or HomeAssistantUnreachable."""
        url = self._ha.websocket_url()
        try:
            self._ws = await self._ha._session().ws_connect(url, heartbeat=30.0)
            first = await self._receive()
            if first.get("type") != "auth_required":
                raise HomeAssistantError(f"unexpected websocket greeting {first.get('type')!r}")
            await self._ws.send_json({"type": "auth", "access_token": self._ha._token})
            answer = await self._receive()
            if answer.get("type") == "auth_invalid":
                raise HomeAssistantAuthError(
                    "Home Assistant refused the token on the websocket (auth_invalid); "
                    "make a new long-lived access token and set GUIDE_BOT_HA_TOKEN"
                )
            if answer.get("type") != "auth_ok":
                raise HomeAssistantError(f"unexpected websocket answer {answer.get('type')!r}")
            self._subscription = await self._command(
                {"type": "subscribe_events", "event_type": "state_changed"}
            )
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            await self.close()
            raise HomeAssistantUnreachable(
                f"cannot open Home Assistant's websocket at {url} ({type(exc).__name__})"
            ) from exc
        except HomeAssistantError:
            await self.close()
            raise

    async def _command(self, message: dict[str, Any]) -> int:
        """Send a command with the next id and wait for its result."""
        assert self._ws is not None
        ident = self._next_id
        self._next_id += 1
        await self._ws.send_json({"id": ident, **message})
        while True:
            reply = await self._receive()
            if reply.get("id") == ident and reply.get("type") == "result":
                if not reply.get("success"):
                    error = reply.get("error") or {}
                    raise HomeAssistantError(
                        f"Home Assistant refused {message['type']}: {error.get('message', error)}"
                    )
                return ident

    async def _receive(self) -> dict[str, Any]:
        assert self._ws is not None
        msg = await asyncio.wait_for(self._ws.receive(), timeout=self._ha._timeout.total)
        if msg.type in _CLOSED:
            raise aiohttp.ServerDisconnectedError("websocket closed")
        if msg.type is aiohttp.WSMsgType.ERROR:
            raise aiohttp.ClientConnectionError("websocket error")
        if msg.type is not aiohttp.WSMsgType.TEXT:
            raise HomeAssistantError("Home Assistant sent a websocket message that is not text")
        data = json.loads(msg.data)
        if not isinstance(data, dict):
            raise HomeAssistantError("Home Assistant sent a websocket message that is no object")
        return data

    async def states(self) -> AsyncIterator[PlayerState]:
        """New states of media players, until the connection drops (then it returns)."""
        assert self._ws is not None
        async for msg in self._ws:
            if msg.type is not aiohttp.WSMsgType.TEXT:
                break
            try:
                data = json.loads(msg.data)
            except ValueError:
                continue
            for item in data if isinstance(data, list) else [data]:  # coalesced messages
                state = _state_of(item, self._subscription)
                if state is not None:
                    yield state

    async def close(self) -> None:
        """Close the websocket."""
        if self._ws is not None:
            await self._ws.close()
            self._ws = None


def _state_of(item: object, subscription: int | None) -> PlayerState | None:
    """The media player state in a state_changed event message, if it is one."""
    if not isinstance(item, dict) or item.get("type") != "event" or item.get("id") != subscription:
        return None
    event = item.get("event") or {}
    if event.get("event_type") != "state_changed":
        return None
    data = event.get("data") or {}
    entity_id = str(data.get("entity_id", ""))
    if not entity_id.startswith(MEDIA_PLAYER):
        return None
    new_state = data.get("new_state")
    if not isinstance(new_state, dict):  # the entity was removed
        return PlayerState(entity_id=entity_id, state="unavailable", name=entity_id)
    return PlayerState.from_json(new_state)
