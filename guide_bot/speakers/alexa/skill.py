"""Building the ask-sdk skill from the library's routines and the media server's track links."""

from __future__ import annotations

from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder

from guide_bot.speakers.alexa.catalog import AlexaCatalog
from guide_bot.speakers.alexa.handlers import SkillActions
from guide_bot.speakers.alexa.playback import PositionStore
from guide_bot.speakers.alexa.ports import TrackLinks
from guide_bot.speakers.alexa.routing import AnswerErrors, routes


def build_alexa_skill(
    catalog: AlexaCatalog,
    links: TrackLinks,
    *,
    skill_id: str | None,
    positions: PositionStore | None = None,
) -> CustomSkill:
    """The custom skill; with `skill_id`, requests for any other skill are refused."""
    builder = SkillBuilder()
    builder.skill_id = skill_id  # type: ignore[assignment]  # typed as None in ask-sdk
    for route in routes(SkillActions(catalog, links, positions or PositionStore())):
        builder.add_request_handler(route)
    builder.add_exception_handler(AnswerErrors())
    return builder.create()
