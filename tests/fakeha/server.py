"""A fake Home Assistant: the documented REST and websocket APIs over a real socket.

REST (developers.home-assistant.io/docs/api/rest): every call needs `Authorization: Bearer
TOKEN`, else 401 with aiohttp's plain "401: Unauthorized"; `GET /api/states`, `GET
/api/states/<entity_id>` (404 `{"message": "Entity not found."}`), `POST /api/services/<domain>/
<service>` returning the list of states changed; bad JSON -> 400 `{"message": "Data should be
valid JSON."}`, an unknown service or data the service schema refuses -> 400 (HTTPBadRequest);
a service call on an entity that does not exist or is unavailable changes nothing and returns
200 `[]`, as Home Assistant does (it only logs a warning).

Websocket (.../docs/api/websocket): `auth_required`, then `auth` -> `auth_ok` or `auth_invalid`
and the server closes; commands need an `id` that increases (else an `id_reuse` error);
`subscribe_events` -> result, then `event` messages with the subscription id; `ping` -> `pong`.

The fake speakers behave like a Cast or Sonos player seen through Home Assistant: `play_media`
fetches the URL (HEAD and the first bytes, as a player would) and plays from 0, reporting
`media_position` and `media_position_updated_at` at each change; time comes from a clock the
test moves.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import aiohttp
from aiohttp import web

HA_VERSION = "2026.1.0"


class _Clock(Protocol):
    def now(self) -> float: ...


def iso(epoch: float) -> str:
    """A timestamp as Home Assistant writes it."""
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat()


@dataclass
class FakePlayer:
    """One media player entity."""

    entity_id: str
    name: str
    state: str = "idle"
    position: float | None = None
    updated_at: float | None = None
    content_id: str | None = None
    duration: float | None = None
    reports_position: bool = True
    fetched: list[int] = field(default_factory=list)  # HTTP statuses of media fetches

    def to_json(self) -> dict[str, Any]:
        attributes: dict[str, Any] = {"friendly_name": self.name, "supported_features": 152463}
        if self.content_id is not None and self.state not in ("idle", "off", "unavailable"):
            attributes["media_content_id"] = self.content_id
            attributes["media_content_type"] = "music"
            if self.duration is not None:
                attributes["media_duration"] = self.duration
            if self.reports_position and self.position is not None:
                attributes["media_position"] = self.position
                attributes["media_position_updated_at"] = iso(self.updated_at or 0.0)
        stamp = iso(self.updated_at or 0.0)
        return {
            "entity_id": self.entity_id,
            "state": self.state,
            "attributes": attributes,
            "last_changed": stamp,
            "last_updated": stamp,
            "context": {"id": "01FAKE", "parent_id": None, "user_id": None},
        }


class FakeHomeAssistant:
    """The fake instance: start it, point the client at `url`, steer speakers from the test."""

    def __init__(self, clock: _Clock, *, token: str = "ha-token", fetch_media: bool = True) -> None:
        self.clock = clock
        self.token = token
        self.fetch_media = fetch_media
        self.players: dict[str, FakePlayer] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.sockets: set[web.WebSocketResponse] = set()
        self._subscriptions: dict[web.WebSocketResponse, list[int]] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.changed = asyncio.Event()

    def add_player(self, entity_id: str, name: str, state: str = "idle") -> FakePlayer:
        player = FakePlayer(entity_id=entity_id, name=name, state=state)
        self.players[entity_id] = player
        return player

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/api/states", self._states)
        app.router.add_get("/api/states/{entity_id}", self._state)
        app.router.add_post("/api/services/{domain}/{service}", self._service)
        app.router.add_get("/api/websocket", self._websocket)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Go away (as a restart or a crash does): sockets closed, the port refuses."""
        for ws in list(self.sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- helpers for tests -------------------------------------------------------------------

    async def set_state(self, entity_id: str, state: str, **changes: Any) -> None:
        """Change a player as if someone used it directly (remote, app, voice)."""
        player = self.players[entity_id]
        old = player.to_json()
        self._advance(player)
        player.state = state
        for key, value in changes.items():
            setattr(player, key, value)
        await self._broadcast(old, player)

    async def remove(self, entity_id: str) -> None:
        """The entity disappears (an integration reloaded): new_state is null."""
        player = self.players.pop(entity_id)
        await self._send_event(entity_id, player.to_json(), None)

    async def wait_for_call(self, service: str, count: int = 1) -> None:
        while sum(1 for name, _ in self.calls if name == service) < count:
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), timeout=5)

    def _advance(self, player: FakePlayer) -> None:
        """Bring a playing player's position up to now (HA does this at each state write)."""
        now = self.clock.now()
        if player.state == "playing" and player.position is not None:
            player.position += now - (player.updated_at or now)
        player.updated_at = now

    # -- REST --------------------------------------------------------------------------------

    def _authorized(self, request: web.Request) -> None:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            raise web.HTTPUnauthorized()

    async def _states(self, request: web.Request) -> web.Response:
        self._authorized(request)
        sun = {"entity_id": "sun.sun", "state": "above_horizon", "attributes": {}}
        return web.json_response([sun, *(p.to_json() for p in self.players.values())])

    async def _state(self, request: web.Request) -> web.Response:
        self._authorized(request)
        player = self.players.get(request.match_info["entity_id"])
        if player is None:
            return web.json_response({"message": "Entity not found."}, status=404)
        return web.json_response(player.to_json())

    async def _service(self, request: web.Request) -> web.Response:
        self._authorized(request)
        domain, service = request.match_info["domain"], request.match_info["service"]
        body = await request.text()
        try:
            data = json.loads(body) if body else {}
        except ValueError:
            return web.json_response({"message": "Data should be valid JSON."}, status=400)
        handlers = {
            "play_media": self._play_media,
            "media_pause": self._pause,
            "media_play": self._play,
            "media_seek": self._seek,
            "media_stop": self._stop,
        }
        required = {
            "play_media": ("media_content_id", "media_content_type"),
            "media_seek": ("seek_position",),
        }
        if domain != "media_player" or service not in handlers:
            raise web.HTTPBadRequest()  # ServiceNotFound
        if not isinstance(data, dict) or any(k not in data for k in required.get(service, ())):
            raise web.HTTPBadRequest()  # vol.Invalid
        self.calls.append((service, data))
        self.changed.set()
        player = self.players.get(str(data.get("entity_id", "")))
        if player is None or player.state == "unavailable":
            return web.json_response([])  # HA logs "Referenced entities ... are missing"
        old = player.to_json()
        self._advance(player)
        await handlers[service](player, data)
        await self._broadcast(old, player)
        return web.json_response([player.to_json()])

    async def _play_media(self, player: FakePlayer, data: dict[str, Any]) -> None:
        url = str(data["media_content_id"])
        if self.fetch_media:
            async with aiohttp.ClientSession() as http:
                async with http.head(url) as head:
                    player.fetched.append(head.status)
                async with http.get(url, headers={"Range": "bytes=0-4095"}) as part:
                    player.fetched.append(part.status)
                    await part.read()
            if player.fetched[-1] not in (200, 206):
                player.state, player.content_id, player.position = "idle", None, None
                return
        player.state, player.content_id, player.position = "playing", url, 0.0

    async def _pause(self, player: FakePlayer, data: dict[str, Any]) -> None:
        if player.state == "playing":
            player.state = "paused"

    async def _play(self, player: FakePlayer, data: dict[str, Any]) -> None:
        if player.state == "paused":
            player.state = "playing"

    async def _seek(self, player: FakePlayer, data: dict[str, Any]) -> None:
        if player.state in ("playing", "paused"):
            player.position = float(data["seek_position"])

    async def _stop(self, player: FakePlayer, data: dict[str, Any]) -> None:
        player.state, player.position = "idle", None

    # -- websocket ---------------------------------------------------------------------------

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "auth_required", "ha_version": HA_VERSION})
        auth = await ws.receive_json()
        if auth.get("type") != "auth" or auth.get("access_token") != self.token:
            await ws.send_json(
                {"type": "auth_invalid", "message": "Invalid access token or password"}
            )
            await ws.close()
            return ws
        await ws.send_json({"type": "auth_ok", "ha_version": HA_VERSION})
        self.sockets.add(ws)
        self._subscriptions[ws] = []
        last_id = 0
        try:
            async for msg in ws:
                if msg.type is not aiohttp.WSMsgType.TEXT:
                    break
                command = json.loads(msg.data)
                ident = command.get("id")
                if not isinstance(ident, int) or ident <= last_id:
                    await ws.send_json(
                        {
                            "id": ident,
                            "type": "result",
                            "success": False,
                            "error": {
                                "code": "id_reuse",
                                "message": "Identifier values have to increase.",
                            },
                        }
                    )
                    continue
                last_id = ident
                if command.get("type") == "subscribe_events":
                    if command.get("event_type") == "state_changed":
                        self._subscriptions[ws].append(ident)
                    await ws.send_json(
                        {"id": ident, "type": "result", "success": True, "result": None}
                    )
                elif command.get("type") == "ping":
                    await ws.send_json({"id": ident, "type": "pong"})
                else:
                    await ws.send_json(
                        {
                            "id": ident,
                            "type": "result",
                            "success": False,
                            "error": {"code": "unknown_command", "message": "Unknown command."},
                        }
                    )
        finally:
            self.sockets.discard(ws)
            self._subscriptions.pop(ws, None)
        return ws

    async def _broadcast(self, old: dict[str, Any], player: FakePlayer) -> None:
        await self._send_event(player.entity_id, old, player.to_json())

    async def _send_event(
        self, entity_id: str, old: dict[str, Any] | None, new: dict[str, Any] | None
    ) -> None:
        now = iso(self.clock.now())
        for ws, ids in list(self._subscriptions.items()):
            for ident in ids:
                event = {
                    "id": ident,
                    "type": "event",
                    "event": {
                        "event_type": "state_changed",
                        "data": {"entity_id": entity_id, "old_state": old, "new_state": new},
                        "origin": "LOCAL",
                        "time_fired": now,
                        "context": {"id": "01FAKE", "parent_id": None, "user_id": None},
                    },
                }
                if not ws.closed:
                    await ws.send_json(event)
