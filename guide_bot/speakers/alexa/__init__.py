"""The Alexa custom skill: `POST /alexa`, playing whole-session tracks through AudioPlayer.

The composition root adds it with one call (inside the running event loop):

    feature = build_alexa_feature(
        skill_id=settings.alexa_skill_id,
        verify=settings.alexa_verify,
        listen=settings.http_listen,
        routines=routines.values(),
        links=BridgedTrackLinks(
            PlannedTrackSource(parts.tracks, parts.links, lambda: routines),
            asyncio.get_running_loop(),
        ),
    )
    if feature is not None:
        features.append(feature)
    else:
        notes.append(ALEXA_OFF_NOTE)

where `parts.tracks` is the media server's SessionTracks and `parts.links` its MediaLinks (any
`AsyncTrackLinks`, or a synchronous `TrackLinks`, works too).
"""

from __future__ import annotations

from guide_bot.speakers.alexa.bridge import AsyncTrackLinks, BridgedTrackLinks
from guide_bot.speakers.alexa.catalog import AlexaCatalog
from guide_bot.speakers.alexa.playback import PositionStore
from guide_bot.speakers.alexa.ports import ALEXA_TRACK_FORMAT, TrackLinks
from guide_bot.speakers.alexa.setup import ALEXA_OFF_NOTE, build_alexa_feature
from guide_bot.speakers.alexa.skill import build_alexa_skill
from guide_bot.speakers.alexa.tracks import PlannedTrackSource
from guide_bot.speakers.alexa.verify import (
    AlexaRequestVerifier,
    AlexaSetupError,
    alexa_verifiers,
    check_alexa_verify_setting,
)
from guide_bot.speakers.alexa.web import ALEXA_PATH, WebFeature, alexa_feature

__all__ = [
    "ALEXA_OFF_NOTE",
    "ALEXA_PATH",
    "ALEXA_TRACK_FORMAT",
    "AlexaCatalog",
    "AlexaRequestVerifier",
    "AlexaSetupError",
    "AsyncTrackLinks",
    "BridgedTrackLinks",
    "PlannedTrackSource",
    "PositionStore",
    "TrackLinks",
    "WebFeature",
    "alexa_feature",
    "alexa_verifiers",
    "build_alexa_feature",
    "build_alexa_skill",
    "check_alexa_verify_setting",
]
