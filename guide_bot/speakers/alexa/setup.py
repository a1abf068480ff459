"""One call for the composition root: the Alexa web feature from plain setting values, or None."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from guide_bot.domain.routine import Routine
from guide_bot.speakers.alexa.askws import AbstractVerifier
from guide_bot.speakers.alexa.catalog import AlexaCatalog
from guide_bot.speakers.alexa.ports import TrackLinks
from guide_bot.speakers.alexa.skill import build_alexa_skill
from guide_bot.speakers.alexa.verify import check_alexa_verify_setting
from guide_bot.speakers.alexa.web import WebFeature, alexa_feature

logger = logging.getLogger(__name__)

ALEXA_OFF_NOTE = "the Alexa endpoint is off: set GUIDE_BOT_ALEXA_SKILL_ID"


def build_alexa_feature(
    *,
    skill_id: str | None,
    verify: bool,
    listen: str,
    routines: Iterable[Routine],
    links: TrackLinks,
    verifiers: Sequence[AbstractVerifier] | None = None,
) -> WebFeature | None:
    """`POST /alexa`, or None when the skill is not configured (no skill id, verification on).

    Raises AlexaSetupError when verification is off and `listen` is not loopback only, and
    ValueError when there is no routine to offer.
    """
    check_alexa_verify_setting(verify, listen)
    if verify and not skill_id:
        return None
    skill = build_alexa_skill(AlexaCatalog.from_routines(routines), links, skill_id=skill_id)
    return alexa_feature(skill, verify=verify, verifiers=verifiers)
