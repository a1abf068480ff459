"""The media server: whole-session tracks at signed, expiring URLs, with HEAD and Range.

    GET|HEAD /media/track/{routine_id}/{variant}.{mp3|ogg|m4a}?exp=EPOCH&sig=HMAC
    GET|HEAD /media/track/{routine_id}/{lang}/{variant}.{mp3|ogg|m4a}?exp=EPOCH&sig=HMAC

The second form is a track in a user's language (en, de, es, ru, pt-br: the routine's
translation, the cue words and the voice of that language); the language is in the signed path,
so one language's track is never served for another's URL. The first form is in the server's
own voice (`guide-bot speaker play --lang` builds its tracks in the language it was given).

`variant` is the speech engine the track is spoken in (`gtts`, `espeak`; `auto` resolves once per
process, see speech/session_tracks.py). A missing, tampered or expired signature gets 403 before
anything else is looked at; an unknown routine, engine or format gets 404. aiohttp's FileResponse
answers HEAD, single Range requests (206 with Content-Range; 416 when unsatisfiable or for
several ranges at once), If-Range and conditional requests, with Accept-Ranges: bytes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING
from urllib.parse import quote

from guide_bot.domain.clock import Clock
from guide_bot.domain.routine import Routine
from guide_bot.i18n import LANGUAGES
from guide_bot.speech.ports import SpeechError
from guide_bot.speech.session_tracks import ENGINES, TRACK_FORMATS, SessionTracks
from guide_bot.web.signing import UrlSigner

if TYPE_CHECKING:
    from aiohttp import web

    from guide_bot.web.server import WebFeature

logger = logging.getLogger(__name__)

DEFAULT_TTL_S = 12 * 3600  # long enough for a session with long pauses; seeks re-fetch the URL
TRACK_ROUTE = "/media/track/{routine_id}/{variant:[a-z]+}.{ext:[a-z0-9]+}"
LANG_TRACK_ROUTE = "/media/track/{routine_id}/{lang:[a-z-]+}/{variant:[a-z]+}.{ext:[a-z0-9]+}"
RoutineSource = Callable[[], Mapping[str, Routine]]
Localize = Callable[[Routine, str], Routine]


def same_routine(routine: Routine, _code: str) -> Routine:
    """No translations: every language gets the routine's own words."""
    return routine


def track_path(routine_id: str, variant: str, fmt: str, lang: str | None = None) -> str:
    """The (encoded) path of a track: what is signed (`lang`: a user's language, or None)."""
    where = quote(routine_id, safe="")
    if lang is not None:
        where += "/" + quote(lang, safe="")
    return f"/media/track/{where}/{quote(variant, safe='')}.{fmt}"


class MediaLinks:
    """Makes absolute, signed track URLs under the public base URL."""

    def __init__(
        self,
        public_url: str,
        signer: UrlSigner,
        clock: Clock,
        *,
        default_tts: str = "auto",
    ) -> None:
        if not public_url.startswith(("http://", "https://")):
            raise ValueError(f"the public URL must start with http:// or https://: {public_url!r}")
        self.public_url = public_url.rstrip("/")
        self._signer = signer
        self._clock = clock
        self._default_tts = default_tts

    def track_url(
        self,
        routine_id: str,
        fmt: str,
        *,
        tts: str | None = None,
        ttl_s: int = DEFAULT_TTL_S,
        lang: str | None = None,
    ) -> str:
        """The URL of a routine's whole-session track, valid for `ttl_s` seconds.

        Pass `tts=PreparedTrack.engine` so the track is spoken in the voice its plan was made in,
        and `lang` (a guide-bot language code) for a track in a user's language.
        """
        if lang is not None and lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
        if fmt not in TRACK_FORMATS:
            raise ValueError(f"unknown track format {fmt!r}; use mp3, ogg or m4a")
        variant = tts or self._default_tts
        if variant not in (*ENGINES, "auto"):
            raise ValueError(f"unknown speech engine {variant!r}; use gtts, espeak or auto")
        path = track_path(routine_id, variant, fmt, lang)
        exp = int(self._clock.now()) + int(ttl_s)
        return f"{self.public_url}{path}?{self._signer.query(path, exp)}"


def media_feature(
    tracks: SessionTracks,
    routines: RoutineSource,
    signer: UrlSigner,
    clock: Clock,
    *,
    localize: Localize = same_routine,
) -> WebFeature:
    """The web feature that serves tracks (add it to `build_web_app`); `localize` gives a
    routine in a language (Catalog.localized) for the tracks with a language in their path."""
    # aiohttp's server side is imported here, not with MediaLinks, which the session service
    # uses: a bot that serves nothing does not load it at start-up
    from aiohttp import web

    async def serve_track(request: web.Request) -> web.StreamResponse:
        why = signer.check(request.rel_url.raw_path, request.query, now=clock.now())
        if why is not None:
            logger.info("media: refused a track request (%s)", why)
            raise web.HTTPForbidden(text=f"forbidden: {why}\n")
        info = request.match_info
        routine = routines().get(info["routine_id"])
        if routine is None:
            raise web.HTTPNotFound(text="no such routine\n")
        variant, fmt, lang = info["variant"], info["ext"], info.get("lang")
        if variant not in (*ENGINES, "auto") or fmt not in TRACK_FORMATS:
            raise web.HTTPNotFound(text="no such engine or format\n")
        if lang is not None and lang not in LANGUAGES:
            raise web.HTTPNotFound(text="no such language\n")
        speaking = tracks if lang is None else tracks.in_language(lang)
        if lang is not None:
            routine = localize(routine, lang)
        try:
            track = await speaking.track(routine, fmt, variant)
        except SpeechError as exc:
            logger.warning("media: cannot render %s: %s", routine.id, exc)
            raise web.HTTPServiceUnavailable(text="speech is not available right now\n") from exc
        headers = {"Content-Type": track.content_type, "Cache-Control": "private, max-age=3600"}
        if track.data is not None:  # the cache could not keep it (a full disk): from memory
            return web.Response(body=track.data, headers=headers)
        return web.FileResponse(track.path, headers=headers)

    def add(app: web.Application) -> None:
        app.router.add_get(TRACK_ROUTE, serve_track)  # also answers HEAD
        app.router.add_get(LANG_TRACK_ROUTE, serve_track)

    return add
