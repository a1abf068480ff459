"""Home Assistant's websocket API: authenticate, subscribe to state_changed, stream players.

`auth_required` -> `{"type": "auth", "access_token": ...}` -> `auth_ok` or `auth_invalid` (then
the server closes); commands carry increasing integer ids and are answered by `result` messages;
`subscribe_events` with `event_type: state_changed` streams every state change as `event`
messages carrying the subscription's id (possibly coalesced into lists).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp

from guide_bot.speakers.ha_states import (
    MEDIA_PLAYER,
    HomeAssistantAuthError,
    HomeAssistantError,
    HomeAssistantUnreachable,
    PlayerState,
)

_CLOSED = (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)


class StateChanges:
    """One websocket connection: authenticated, subscribed, yielding media players' new states."""

    def __init__(
        self, http: aiohttp.ClientSession, url: str, token: str, *, timeout_s: float
    ) -> None:
        self._http = http
        self._url = url
        self._token = token
        self._timeout_s = timeout_s
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._next_id = 1
        self._subscription: int | None = None

    async def connect(self) -> None:
        """Authenticate and subscribe; HomeAssistantAuthError or HomeAssistantUnreachable."""
        url = self._url
        try:
            self._ws = await self._http.ws_connect(url, heartbeat=30.0)
            first = await self._receive()
            if first.get("type") != "auth_required":
                raise HomeAssistantError(f"unexpected websocket greeting {first.get('type')!r}")
            await self._ws.send_json({"type": "auth", "access_token": self._token})
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
        msg = await asyncio.wait_for(self._ws.receive(), timeout=self._timeout_s)
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
