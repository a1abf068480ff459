"""The speaker HTTP API: what Home Assistant's voice control (rest_command) calls.

    POST /api/speaker/start     {"routine": "neck release", "entity": "media_player.kitchen"}
    POST /api/speaker/{action}  {"entity": "media_player.kitchen"}   (entity optional)
         action: pause, resume, toggle, next, previous, add-time, stop
    POST /api/speaker/control   {"action": "next", "entity": ...}  (the same, one URL for
                                 Home Assistant's rest_command)
    GET  /api/speaker/status[?entity=media_player.kitchen]

Every request needs `Authorization: Bearer GUIDE_BOT_API_TOKEN` (compared in constant time;
missing or wrong -> 401). Without `entity`, an action applies to the only session playing. Every
answer is JSON with `ok`, and a short `speech` sentence for the voice assistant to say; errors add
`error` and use 400 (bad request), 404 (unknown routine, entity or session), 409 (not possible
now), 502 (Home Assistant failed) or 503 (no speech engine).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from guide_bot.speakers.follower import Phase, SpeakerStatus
from guide_bot.speakers.homeassistant import HomeAssistantError, UnknownEntity
from guide_bot.speakers.routine_query import RoutineNotFound
from guide_bot.speakers.sessions import NoSession, SpeakerError, SpeakerNotAllowed, SpeakerSessions
from guide_bot.speech.ports import SpeechError
from guide_bot.web.server import WebFeature

logger = logging.getLogger(__name__)

PATH_ACTIONS = {
    "pause": "pause",
    "resume": "resume",
    "toggle": "toggle",
    "next": "next",
    "previous": "previous",
    "add-time": "add_time",
    "stop": "stop",
}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class _BadRequest(Exception):
    """The request body is not what the endpoint takes."""


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class StartBody(_Body):
    """The body of POST /api/speaker/start."""

    routine: str = Field(min_length=1, max_length=200)
    entity: str = Field(min_length=1, max_length=255)
    tts: Literal["gtts", "espeak", "auto"] | None = None


class ControlBody(_Body):
    """The body of POST /api/speaker/{action} (may be empty)."""

    entity: str | None = Field(default=None, max_length=255)


class CommandBody(ControlBody):
    """The body of POST /api/speaker/control."""

    action: Literal["pause", "resume", "toggle", "next", "previous", "add-time", "stop"]


def speech_for(action: str, status: SpeakerStatus) -> str:
    """The sentence a voice assistant says after an action."""
    step = status.reading.step
    where = f"Step {step}: {status.step_title}." if step else "Getting ready."
    if action == "start":
        return f"Starting {status.title} on {status.speaker}."
    if action in ("next", "previous"):
        return where
    if action == "add_time":
        return "Holding on for 15 more seconds."
    if action == "stop":
        return "Stopped."
    if status.phase is Phase.PAUSED:
        return "Paused."
    return "Resuming." if action in ("resume", "toggle") else "Done."


def _answer(status: int, message: str) -> web.Response:
    return web.json_response({"ok": False, "error": message, "speech": message}, status=status)


def _error_status(exc: Exception) -> int:
    if isinstance(exc, RoutineNotFound | UnknownEntity | NoSession):
        return 404
    if isinstance(exc, SpeakerNotAllowed):
        return 403
    if isinstance(exc, SpeakerError):
        return 409
    if isinstance(exc, SpeechError):
        return 503
    return 502  # HomeAssistantError: the home's side failed


def speaker_api_feature(sessions: SpeakerSessions, api_token: str) -> WebFeature:
    """The web feature of the speaker API, guarded by the bearer token."""
    if len(api_token) < 16:
        raise ValueError("GUIDE_BOT_API_TOKEN must be at least 16 characters long")
    expected = f"Bearer {api_token}".encode()

    def guarded(handler: Handler) -> Handler:
        async def check(request: web.Request) -> web.StreamResponse:
            given = request.headers.get("Authorization", "").encode("utf-8", "replace")
            if not hmac.compare_digest(given, expected):
                response = _answer(401, "missing or wrong API token")
                response.headers["WWW-Authenticate"] = 'Bearer realm="guide-bot"'
                return response
            try:
                return await handler(request)
            except _BadRequest as exc:
                return _answer(400, str(exc))
            except (RoutineNotFound, SpeakerError, HomeAssistantError, SpeechError) as exc:
                return _answer(_error_status(exc), str(exc))

        return check

    async def body_of(request: web.Request, model: type[_Body]) -> _Body:
        raw = await request.read()
        try:
            return model.model_validate_json(raw or b"{}")
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()
            )
            raise _BadRequest(f"bad request: {problems}") from exc

    async def start(request: web.Request) -> web.StreamResponse:
        body = await body_of(request, StartBody)
        assert isinstance(body, StartBody)
        status = await sessions.start(body.routine, body.entity, tts=body.tts)
        return web.json_response(
            {"ok": True, "speech": speech_for("start", status), "status": status.to_dict()}
        )

    async def act(entity: str | None, action: str) -> web.StreamResponse:
        status = await sessions.control(entity, action)
        return web.json_response(
            {"ok": True, "speech": speech_for(action, status), "status": status.to_dict()}
        )

    async def control(request: web.Request) -> web.StreamResponse:
        action = PATH_ACTIONS.get(request.match_info["action"])
        if action is None:
            return _answer(404, f"unknown action; use one of {', '.join(PATH_ACTIONS)}")
        body = await body_of(request, ControlBody)
        assert isinstance(body, ControlBody)
        return await act(body.entity, action)

    async def command(request: web.Request) -> web.StreamResponse:
        body = await body_of(request, CommandBody)
        assert isinstance(body, CommandBody)
        return await act(body.entity, PATH_ACTIONS[body.action])

    async def status(request: web.Request) -> web.StreamResponse:
        entity = request.query.get("entity")
        found = [s for s in sessions.statuses() if entity is None or s.entity == entity]
        if entity is not None and not found:
            return _answer(404, f"no session on {entity}")
        return web.json_response(
            {
                "ok": True,
                "connected": sessions.connected,
                "sessions": [s.to_dict() for s in found],
            }
        )

    def add(app: web.Application) -> None:
        app.router.add_post("/api/speaker/start", guarded(start))
        app.router.add_post("/api/speaker/control", guarded(command))
        app.router.add_post("/api/speaker/{action}", guarded(control))
        app.router.add_get("/api/speaker/status", guarded(status))

    return add
