"""`POST /alexa` on the shared HTTP server: verify the request, run the skill, answer its JSON.

ask-sdk is synchronous (and the first request downloads Amazon's certificate chain), so each
request is verified and dispatched in a worker thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Sequence

from aiohttp import web
from ask_sdk_core.skill import CustomSkill
from ask_sdk_runtime.exceptions import AskSdkException

from guide_bot.speakers.alexa.askws import (
    AbstractVerifier,
    VerificationException,
    WebserviceSkillHandler,
)
from guide_bot.speakers.alexa.verify import AlexaSetupError, alexa_verifiers

logger = logging.getLogger(__name__)

ALEXA_PATH = "/alexa"
WebFeature = Callable[[web.Application], None]  # the same shape as guide_bot.web.server's


def _looks_like_an_envelope(body: str) -> bool:
    """The parts ask-sdk reads without checking: request.type and context.System.application."""
    try:
        data = json.loads(body)
    except ValueError:
        return False
    request = data.get("request") if isinstance(data, dict) else None
    context = data.get("context") if isinstance(data, dict) else None
    system = context.get("System") if isinstance(context, dict) else None
    return (
        isinstance(request, dict)
        and isinstance(request.get("type"), str)
        and isinstance(system, dict)
        and isinstance(system.get("application"), dict)
    )


def alexa_feature(
    skill: CustomSkill,
    *,
    verify: bool,
    verifiers: Sequence[AbstractVerifier] | None = None,
) -> WebFeature:
    """A web feature adding `POST /alexa` for `skill`.

    With `verify`, every request's signature, certificate chain and timestamp are checked
    (`verifiers`, default `alexa_verifiers()`) and the skill must have its skill id set, so
    that requests meant for another skill are refused too. Without it nothing is checked: the
    caller must have run `check_alexa_verify_setting` against the listen address.
    """
    if verify and not skill.skill_id:
        raise AlexaSetupError(
            "Alexa request verification needs the skill's id: set GUIDE_BOT_ALEXA_SKILL_ID to "
            "the id shown in the Alexa developer console (amzn1.ask.skill....)."
        )
    checks = list(verifiers if verifiers is not None else alexa_verifiers()) if verify else []
    if not verify:
        logger.warning("Alexa request verification is OFF (GUIDE_BOT_ALEXA_VERIFY=false)")
    dispatcher = WebserviceSkillHandler(
        skill, verify_signature=False, verify_timestamp=False, verifiers=checks
    )

    async def handle(request: web.Request) -> web.Response:
        try:
            body = (await request.read()).decode("utf-8")
        except UnicodeDecodeError:
            raise web.HTTPBadRequest(text="the request body is not UTF-8") from None
        if not _looks_like_an_envelope(body):
            raise web.HTTPBadRequest(text="not an Alexa request envelope")
        headers = dict(request.headers)
        try:
            answer: object = await asyncio.to_thread(
                dispatcher.verify_request_and_dispatch, headers, body
            )
        except VerificationException as exc:
            logger.warning("Refused an Alexa request: %s", exc.args[0] if exc.args else exc)
            raise web.HTTPBadRequest(text="request verification failed") from None
        except AskSdkException as exc:
            logger.warning("Refused an Alexa request: %s", exc)
            raise web.HTTPBadRequest(text="the request could not be handled") from None
        return web.json_response(answer)  # ask-sdk's serializer gives plain JSON values

    def add_routes(app: web.Application) -> None:
        app.router.add_post(ALEXA_PATH, handle)

    return add_routes
