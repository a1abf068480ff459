"""The Alexa custom skill: `POST /alexa`, playing whole-session tracks through AudioPlayer.

The composition root builds it in three calls:

    catalog = AlexaCatalog.from_routines(routines)
    skill = build_alexa_skill(catalog, links, skill_id=settings.alexa_skill_id)
    check_alexa_verify_setting(settings.alexa_verify, settings.http_listen)
    features.append(alexa_feature(skill, verify=settings.alexa_verify))

where `links` implements `TrackLinks` (signed MP3 URLs and step offsets of the same track).
"""

from __future__ import annotations

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
    "PositionStore",
    "TrackLinks",
    "WebFeature",
    "alexa_feature",
    "alexa_verifiers",
    "build_alexa_skill",
    "check_alexa_verify_setting",
]
