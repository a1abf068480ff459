"""Recorded Alexa request envelopes, a fake of the media server's links, and an HTTP client."""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from guide_bot.speakers.alexa import (
    AlexaCatalog,
    PositionStore,
    TrackLinks,
    alexa_feature,
    build_alexa_skill,
)
from guide_bot.speakers.alexa.askws import AbstractVerifier

ENVELOPES = Path(__file__).parent / "envelopes"
SKILL_ID = "amzn1.ask.skill.5c4a7d0e-2b7f-4c3e-9a61-0d8f3e2b1a94"
USER_ID = "amzn1.ask.account.AFTV3CM6Q3NW5HJXGKQHWRPL2XO7WG5BMCH3KDLOZQW7QEHNF5T4E2SJQ6GXHW"
DEVICE_ID = "amzn1.ask.device.AEQLR3T2S4KQ7CYGZW6HBSMXPJ4NU5RD2VXF7BHK3O6YT2QAKE"
TOKEN = "guide-bot:neck-release:q7Rk2mXw9Lp3"
STEP_STARTS_MS = [4_200, 64_900, 125_300, 186_000, 247_400]
TITLES = {
    "neck-release": "Neck and upper back knots",
    "legs-after-sport": "Legs after sport",
    "chest-opener": "Chest opener for desk posture",
    "foot-reset": "Foot reset with a ball",
}


class FakeLinks:
    """The media server's links: signed-looking HTTPS URLs and a fixed step plan per routine."""

    def __init__(self, titles: dict[str, str] = TITLES) -> None:
        self._titles = titles
        self.issued: list[tuple[str, str]] = []

    def track_url(self, routine_id: str, fmt: str) -> str:
        if routine_id not in self._titles:
            raise KeyError(routine_id)
        self.issued.append((routine_id, fmt))
        n = len(self.issued)
        return f"https://guide-bot.example.test/media/{routine_id}.{fmt}?exp=1765000000&sig=s{n}"

    def step_offsets_ms(self, routine_id: str) -> list[int]:
        if routine_id not in self._titles:
            raise KeyError(routine_id)
        return list(STEP_STARTS_MS)


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def envelope(name: str, *, now: datetime | None = None) -> dict[str, Any]:
    """A recorded envelope with its timestamp moved to `now` (default: the present)."""
    data: dict[str, Any] = json.loads((ENVELOPES / f"{name}.json").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    data["request"]["timestamp"] = timestamp(now or datetime.now(UTC))
    return data


def envelope_names() -> list[str]:
    return sorted(path.stem for path in ENVELOPES.glob("*.json"))


def body_of(data: dict[str, Any]) -> bytes:
    return json.dumps(data, indent=2).encode("utf-8")


class AlexaHarness:
    """The skill served over real HTTP by aiohttp's test server."""

    def __init__(
        self,
        *,
        verify: bool = False,
        verifiers: Sequence[AbstractVerifier] | None = None,
        skill_id: str | None = SKILL_ID,
        links: TrackLinks | None = None,
    ) -> None:
        self.links = FakeLinks()
        self.positions = PositionStore()
        skill = build_alexa_skill(
            AlexaCatalog(TITLES), links or self.links, skill_id=skill_id, positions=self.positions
        )
        app = web.Application()
        alexa_feature(skill, verify=verify, verifiers=verifiers)(app)
        self.client = TestClient(TestServer(app))

    async def __aenter__(self) -> AlexaHarness:
        await self.client.start_server()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.client.close()

    async def post_raw(self, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        response = await self.client.post(
            "/alexa", data=body, headers={"Content-Type": "application/json", **(headers or {})}
        )
        if response.content_type == "application/json":
            return response.status, await response.json()
        return response.status, await response.text()

    async def post(self, data: dict[str, Any]) -> dict[str, Any]:
        status, answer = await self.post_raw(body_of(data))
        assert status == 200, answer
        assert isinstance(answer, dict)
        return answer
