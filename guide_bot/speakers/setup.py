"""Building the HTTP server's parts from Settings: tracks, signed links, speaker sessions, features.

The composition root (`guide-bot serve`, `guide-bot speaker play`, the bot's bootstrap) calls
`build_web_parts` once and adds its own features (live view, Alexa) to `parts.features`.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass, field

from guide_bot.config import Settings
from guide_bot.domain.clock import Clock
from guide_bot.speakers.homeassistant import HomeAssistant
from guide_bot.speakers.http_api import speaker_api_feature
from guide_bot.speakers.sessions import SpeakerSessions
from guide_bot.speech.session_tracks import SessionTracks
from guide_bot.web.media import Localize, MediaLinks, RoutineSource, media_feature, same_routine
from guide_bot.web.secret import media_secret
from guide_bot.web.server import WebFeature
from guide_bot.web.signing import UrlSigner

logger = logging.getLogger(__name__)


class SetupError(Exception):
    """A setting is missing or wrong; the message names it."""


@dataclass
class WebParts:
    """Everything the HTTP server needs, built once."""

    tracks: SessionTracks
    signer: UrlSigner
    links: MediaLinks
    sessions: SpeakerSessions | None  # None when Home Assistant is not configured
    features: list[WebFeature] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what is off, and why


def is_loopback(host: str) -> bool:
    """Whether `host` is a loopback address or localhost."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def public_url(settings: Settings, port: int | None = None) -> str:
    """GUIDE_BOT_PUBLIC_URL, else http://LISTEN:PORT (a wildcard listen address has no URL)."""
    if settings.public_url:
        return settings.public_url
    host = settings.http_listen
    if host in ("0.0.0.0", "::", ""):
        raise SetupError(
            "GUIDE_BOT_PUBLIC_URL is not set and GUIDE_BOT_HTTP_LISTEN listens on every address: "
            "set GUIDE_BOT_PUBLIC_URL to the URL speakers reach, e.g. http://192.168.1.20:8080"
        )
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port if port is not None else settings.http_port}"


def home_assistant(settings: Settings) -> HomeAssistant | None:
    """The Home Assistant client, or None when GUIDE_BOT_HA_URL is unset."""
    if not settings.ha_url:
        return None
    if settings.ha_token is None or not settings.ha_token.get_secret_value():
        raise SetupError(
            "GUIDE_BOT_HA_URL is set but GUIDE_BOT_HA_TOKEN is not: make a long-lived access "
            "token in Home Assistant (your profile, Security tab) and set it"
        )
    try:
        return HomeAssistant(settings.ha_url, settings.ha_token.get_secret_value())
    except ValueError as exc:
        raise SetupError(str(exc)) from exc


def build_web_parts(
    settings: Settings,
    routines: RoutineSource,
    clock: Clock,
    *,
    port: int | None = None,
    tracks: SessionTracks | None = None,
    speaker_api: bool = True,
    localize: Localize = same_routine,
) -> WebParts:
    """Media always; speaker sessions when Home Assistant is set; the speaker API when a token
    is set too. `port` overrides the settings' port in the default public URL; `localize`
    (Catalog.localized) gives a routine in a user's language for their speaker sessions."""
    try:
        secret = media_secret(settings)
    except ValueError as exc:
        raise SetupError(str(exc)) from exc
    signer = UrlSigner(secret)
    tracks = tracks or SessionTracks(settings)
    try:
        links = MediaLinks(public_url(settings, port), signer, clock, default_tts=settings.tts)
    except ValueError as exc:
        raise SetupError(f"GUIDE_BOT_PUBLIC_URL: {exc}") from exc
    parts = WebParts(tracks=tracks, signer=signer, links=links, sessions=None)
    parts.features.append(media_feature(tracks, routines, signer, clock, localize=localize))
    if not settings.public_url and is_loopback(settings.http_listen):
        parts.notes.append(
            "GUIDE_BOT_PUBLIC_URL is not set and the server listens on loopback only: speakers "
            "on the network cannot fetch tracks"
        )
    ha = home_assistant(settings)
    if ha is None:
        parts.notes.append("Home Assistant is off: set GUIDE_BOT_HA_URL and GUIDE_BOT_HA_TOKEN")
        return parts
    parts.sessions = SpeakerSessions(
        ha, tracks, links, routines, clock, allowed=settings.ha_speakers, localize=localize
    )
    if not speaker_api:
        return parts
    if settings.api_token is None:
        parts.notes.append("the speaker API is off: set GUIDE_BOT_API_TOKEN")
        return parts
    try:
        parts.features.append(
            speaker_api_feature(parts.sessions, settings.api_token.get_secret_value())
        )
    except ValueError as exc:
        raise SetupError(str(exc)) from exc
    return parts
