"""The Alexa custom skill: `POST /alexa`, playing whole-session tracks through AudioPlayer.

The composition root builds it in a few calls (inside the running event loop):

    check_alexa_verify_setting(settings.alexa_verify, settings.http_listen)
    links = BridgedTrackLinks(source, asyncio.get_running_loop())  # or any sync TrackLinks
    skill = build_alexa_skill(
        AlexaCatalog.from_routines(routines.values()), links, skill_id=settings.alexa_skill_id
    )
    features.append(alexa_feature(skill, verify=settings.alexa_verify))

where `source` implements `AsyncTrackLinks` (signed MP3 URL and step starts of the same track).
"""

from __future__ import annotations

from guide_bot.speakers.alexa.bridge import AsyncTrackLinks, BridgedTrackLinks
from guide_bot.speakers.alexa.catalog import AlexaCatalog
from guide_bot.speakers.alexa.playback import PositionStore
from guide_bot.speakers.alexa.ports import ALEXA_TRACK_FORMAT, TrackLinks
from guide_bot.speakers.alexa.skill import build_alexa_skill
from guide_bot.speakers.alexa.verify import (
    AlexaRequestVerifier,
    AlexaSetupError,
    alexa_verifiers,
    check_alexa_verify_setting,
)
from guide_bot.speakers.alexa.web import ALEXA_PATH, WebFeature, alexa_feature

__all__ = [
    "ALEXA_PATH",
    "ALEXA_TRACK_FORMAT",
    "AlexaCatalog",
    "AlexaRequestVerifier",
    "AlexaSetupError",
    "AsyncTrackLinks",
    "BridgedTrackLinks",
    "PositionStore",
    "TrackLinks",
    "WebFeature",
    "alexa_feature",
    "alexa_verifiers",
    "build_alexa_skill",
    "check_alexa_verify_setting",
]
