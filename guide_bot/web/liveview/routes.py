"""The live view's HTTP routes on the bot's aiohttp server: the page, its JSON API and its audio.

Routes (page-relative URLs, so the app also works under a path prefix):
- GET  /app                 the page (static/index.html); /app-static/* its script and style
- GET  /api/live            the caller's session as a snapshot, or 404 no_session
- POST /api/live/{action}   pause, resume, skip, back, add (+15 s) or stop
- GET  /api/audio/{key}     a cue clip from the audio cache, by a signed link from a snapshot
- GET  /api/picture/{version}  the shown step's body-map picture (PNG), by a signed link from a
                            snapshot (web/liveview/pictures.py)
Every API call carries the Mini App's initData as `Authorization: tma <initData>`; a missing,
forged or stale one is refused with 401. `?session=<id>` pins a call to one session: if that is
not the caller's current session the answer is 403 not_your_session and nothing is done.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from aiohttp import web

from guide_bot.domain.clock import Clock
from guide_bot.web.liveview.audio_links import AudioLinks
from guide_bot.web.liveview.initdata import (
    DEFAULT_MAX_AGE_S,
    FUTURE_SKEW_S,
    InitDataError,
    validate_init_data,
)
from guide_bot.web.liveview.pictures import PictureLinks, StepPictures
from guide_bot.web.liveview.ports import ACTIONS, ClipStore, LiveSessions, LiveSnapshot, Refused
from guide_bot.web.liveview.wire import error_json, snapshot_json

logger = logging.getLogger(__name__)

# The same shape as guide_bot.web.server.WebFeature: a function that adds routes to the app.
WebFeature = Callable[[web.Application], None]

AUTH_SCHEME = "tma"
_CONTENT_TYPES = {"wav": "audio/wav", "mp3": "audio/mpeg", "ogg": "audio/ogg", "m4a": "audio/mp4"}
_NO_STORE = {"Cache-Control": "no-store"}
_PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' https://telegram.org; style-src 'self'; "
        "img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; "
        "base-uri 'none'"
    ),
}
_STATIC_FILES = {"app.js": "text/javascript", "app.css": "text/css"}


def static_dir() -> Path:
    """The folder of the page's files, shipped inside the package."""
    return Path(str(resources.files("guide_bot.web.liveview") / "static"))


class _Api:
    """The handlers, bound to one session service, bot token and clock."""

    def __init__(
        self,
        sessions: LiveSessions,
        *,
        bot_token: str,
        clock: Clock,
        clips: ClipStore | None,
        max_age_s: float,
        future_skew_s: float,
    ) -> None:
        self.sessions = sessions
        self.bot_token = bot_token
        self.clock = clock
        self.clips = clips
        self.max_age_s = max_age_s
        self.future_skew_s = future_skew_s
        self.links = AudioLinks(bot_token)
        self.picture_links = PictureLinks(bot_token)
        self.pictures = StepPictures()
        self.page = (static_dir() / "index.html").read_bytes()

    # -- the page ---------------------------------------------------------------------------

    async def app_page(self, _request: web.Request) -> web.Response:
        return web.Response(
            body=self.page, content_type="text/html", charset="utf-8", headers=_PAGE_HEADERS
        )

    async def static_file(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        content_type = _STATIC_FILES.get(name)
        if content_type is None:
            raise web.HTTPNotFound()
        return web.FileResponse(
            static_dir() / name, headers={"Content-Type": content_type, **_PAGE_HEADERS}
        )

    # -- the API ----------------------------------------------------------------------------

    def _caller(self, request: web.Request) -> int:
        """The user id from a valid initData, or a 401 that says why."""
        header = request.headers.get("Authorization", "")
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != AUTH_SCHEME or not raw.strip():
            raise _refuse(
                web.HTTPUnauthorized,
                "no_init_data",
                "No Telegram initData: open the live view from the bot's button in Telegram.",
            )
        try:
            data = validate_init_data(
                raw.strip(),
                bot_token=self.bot_token,
                now=self.clock.now(),
                max_age_s=self.max_age_s,
                future_skew_s=self.future_skew_s,
            )
        except InitDataError as exc:
            logger.info("live view: initData refused (%s)", exc)
            raise _refuse(web.HTTPUnauthorized, "bad_init_data", str(exc)) from exc
        return data.user.id

    def _own(self, request: web.Request, user_id: int) -> LiveSnapshot:
        """The caller's snapshot, refused when they have none or it is not the pinned one."""
        snapshot = self.sessions.snapshot(user_id)
        if snapshot is None:
            raise _refuse(
                web.HTTPNotFound,
                "no_session",
                "You have no session running. Start a routine in the chat; this page follows it.",
            )
        pinned = request.query.get("session")
        if pinned is not None and pinned != snapshot.session_id:
            raise _refuse(
                web.HTTPForbidden,
                "not_your_session",
                "This live view was opened for a session that is not your current one: "
                "open it again from your current session's message.",
            )
        return snapshot

    def _answer(self, snapshot: LiveSnapshot) -> web.Response:
        audio = self.links.url if self.clips is not None else None
        if snapshot.picture is not None:
            self.pictures.remember(snapshot.picture)
        body = snapshot_json(snapshot, audio, self.picture_links.url)
        return web.json_response(body, headers=_NO_STORE)

    async def live(self, request: web.Request) -> web.Response:
        user_id = self._caller(request)
        return self._answer(self._own(request, user_id))

    async def control(self, request: web.Request) -> web.Response:
        action = request.match_info["action"]
        if action not in ACTIONS:
            raise _refuse(
                web.HTTPNotFound,
                "unknown_action",
                f"No action {action!r}; allowed: {', '.join(ACTIONS)}.",
            )
        user_id = self._caller(request)
        self._own(request, user_id)
        try:
            snapshot = await self.sessions.control(user_id, action)
        except Refused as exc:
            raise _refuse(web.HTTPConflict, "refused", exc.reason) from exc
        logger.info("live view: user %d did %s", user_id, action)
        return self._answer(snapshot)

    async def audio(self, request: web.Request) -> web.Response:
        key = request.match_info["key"]
        if not self.links.valid(key, request.query.get("sig", "")):
            raise _refuse(web.HTTPForbidden, "bad_link", "This audio link is not signed.")
        entry = await asyncio.to_thread(self.clips.get, key) if self.clips else None
        if entry is None:
            raise _refuse(web.HTTPNotFound, "no_clip", "This clip is not in the audio cache.")
        ext = str(entry.meta.get("ext", ""))
        return web.Response(
            body=entry.data,
            content_type=_CONTENT_TYPES.get(ext, "application/octet-stream"),
            headers={"Cache-Control": "private, max-age=86400, immutable"},
        )

    async def picture(self, request: web.Request) -> web.Response:
        version = request.match_info["version"]
        if not self.picture_links.valid(version, request.query.get("sig", "")):
            raise _refuse(web.HTTPForbidden, "bad_link", "This picture link is not signed.")
        data = await self.pictures.png(version)
        if data is None:
            raise _refuse(
                web.HTTPNotFound, "no_picture", "This picture is not known here any more."
            )
        return web.Response(
            body=data,
            content_type="image/png",
            headers={"Cache-Control": "private, max-age=86400, immutable"},
        )


def _refuse(kind: type[web.HTTPError], code: str, message: str) -> web.HTTPError:
    return kind(
        text=json.dumps(error_json(code, message)),
        content_type="application/json",
        headers=_NO_STORE,
    )


def liveview_feature(
    sessions: LiveSessions,
    *,
    bot_token: str,
    clock: Clock,
    clips: ClipStore | None = None,
    max_age_s: float = DEFAULT_MAX_AGE_S,
    future_skew_s: float = FUTURE_SKEW_S,
) -> WebFeature:
    """The live view as a feature of the bot's web server.

    `clips` is the audio cache the cue keys of the snapshots point into (`AudioCache`); without
    it the snapshots carry no audio URLs and the page stays silent. `max_age_s` is
    GUIDE_BOT_WEBAPP_MAX_AGE_S: the oldest initData (by auth_date) accepted.
    """
    if not bot_token:
        raise ValueError("the live view needs the bot token to check Telegram's initData")
    api = _Api(
        sessions,
        bot_token=bot_token,
        clock=clock,
        clips=clips,
        max_age_s=max_age_s,
        future_skew_s=future_skew_s,
    )

    def mount(app: web.Application) -> None:
        app.router.add_get("/app", api.app_page)
        app.router.add_get("/app-static/{name}", api.static_file)
        app.router.add_get("/api/live", api.live)
        app.router.add_post("/api/live/{action}", api.control)
        app.router.add_get("/api/audio/{key}", api.audio)
        app.router.add_get("/api/picture/{version}", api.picture)

    return mount
