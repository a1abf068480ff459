"""contrib/homeassistant/ against the speaker API: every intent's rest_command, as HA would send it.

Home Assistant is not here, so its two steps are done by hand, narrowly: the sentence's slots
fill the intent script's `data` templates, and those fill the rest_command's payload template
(`{{ name | to_json }}`). The request then goes to guide-bot's real API with the header and path
from secrets.example.yaml, and the answer must carry the `speech` the intent script says.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest
import yaml
from aiohttp.test_utils import TestServer

from guide_bot.domain.clock import FakeClock
from guide_bot.speakers.http_api import speaker_api_feature
from guide_bot.speakers.sessions import SpeakerSessions
from guide_bot.web.server import build_web_app

from .conftest import Changes

CONTRIB = Path(__file__).resolve().parents[2] / "contrib" / "homeassistant"
TOKEN = "change-me-to-your-GUIDE_BOT_API_TOKEN"


class _HaLoader(yaml.SafeLoader):
    """PyYAML's safe loader plus Home Assistant's `!secret NAME` tag."""


_HaLoader.add_constructor("!secret", lambda loader, node: {"secret": loader.construct_scalar(node)})


def _load(path: Path) -> Any:
    return yaml.load(path.read_text("utf-8"), Loader=_HaLoader)


@pytest.fixture
async def api(sessions: SpeakerSessions) -> AsyncIterator[TestServer]:
    app = build_web_app([speaker_api_feature(sessions, TOKEN)])
    async with TestServer(app, host="127.0.0.1") as server:
        yield server


def _render(template: str, variables: dict[str, Any]) -> str:
    def one(match: re.Match[str]) -> str:
        name, to_json = match.group(1), match.group(2)
        return json.dumps(variables[name]) if to_json else str(variables[name])

    return re.sub(r"\{\{\s*(\w+)\s*(\|\s*to_json\s*)?\}\}", one, template)


def test_every_sentence_intent_has_a_script() -> None:
    sentences = _load(CONTRIB / "custom_sentences" / "en" / "guide_bot.yaml")
    package = _load(CONTRIB / "packages" / "guide_bot.yaml")
    assert set(sentences["intents"]) == set(package["intent_script"])
    assert sentences["lists"]["routine"] == {"wildcard": True}


async def test_each_intent_reaches_the_api(
    api: TestServer, sessions: SpeakerSessions, changes: Changes, clock: FakeClock
) -> None:
    sentences = _load(CONTRIB / "custom_sentences" / "en" / "guide_bot.yaml")
    package = _load(CONTRIB / "packages" / "guide_bot.yaml")
    secrets = _load(CONTRIB / "secrets.example.yaml")
    speakers = {v["in"]: v["out"] for v in sentences["lists"]["speaker"]["values"]}
    slots = {"routine": "speaker test", "speaker": speakers["kitchen"]}
    order = [
        "GuideBotStart",
        "GuideBotNext",
        "GuideBotPrevious",
        "GuideBotPause",
        "GuideBotResume",
        "GuideBotMoreTime",
        "GuideBotStop",
    ]
    assert sorted(order) == sorted(package["intent_script"])
    said = []
    async with aiohttp.ClientSession() as http:
        for intent in order:
            script = package["intent_script"][intent]
            call, stop = script["action"]
            assert stop == {"stop": "", "response_variable": "result"}
            assert "action_response.content.speech" in script["speech"]["text"]
            command = package["rest_command"][call["action"].removeprefix("rest_command.")]
            data = {k: _render(str(v), slots) for k, v in call["data"].items()}
            payload = json.loads(_render(command["payload"], data))
            path = urlsplit(secrets[command["url"]["secret"]]).path
            header = secrets[command["headers"]["authorization"]["secret"]]
            if intent == "GuideBotMoreTime":  # only during a hold: let time run into one
                status = sessions.status("media_player.kitchen")
                timeline = sessions.timeline("media_player.kitchen")
                assert status is not None
                assert timeline is not None
                clock.advance(timeline.holds[0].start_s + 1 - status.offset_s)
            async with http.request(
                command["method"],
                api.make_url(path),
                data=json.dumps(payload),
                headers={"Authorization": header, "Content-Type": command["content_type"]},
            ) as r:
                answer = await r.json()
                assert r.status == 200, (intent, answer)
            said.append(answer["speech"])
            if intent == "GuideBotStart":
                await changes.wait_for(lambda s: s.phase.value == "playing")
    assert said[0] == "Starting Speaker test routine on Kitchen speaker."
    assert said[-2:] == ["Holding on for 15 more seconds.", "Stopped."]
