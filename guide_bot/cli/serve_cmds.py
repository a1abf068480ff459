"""`guide-bot serve`: the HTTP server alone (media, speaker API, ...), without Telegram.

The web modules (and aiohttp) are imported when the command runs, not when the CLI loads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from pathlib import Path
from typing import TYPE_CHECKING

import click

from guide_bot.cli.options import library_option
from guide_bot.cli.speaker_cmds import load_settings
from guide_bot.config import Settings
from guide_bot.domain.routine import Routine
from guide_bot.library.loader import load_routines

if TYPE_CHECKING:
    from guide_bot.speakers.setup import WebParts
    from guide_bot.web.server import WebFeature

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def web_features(
    settings: Settings, parts: WebParts, routines: dict[str, Routine]
) -> list[WebFeature]:
    """Every feature `serve` offers: media and the speaker API (parts), and the Alexa endpoint.

    Call it inside the running event loop: the Alexa skill's worker threads hand their track
    requests to it. (The live view is a Telegram Mini App: `guide-bot run` serves it.)
    """
    from guide_bot.speakers.alexa import (
        ALEXA_OFF_NOTE,
        AlexaSetupError,
        BridgedTrackLinks,
        PlannedTrackSource,
        build_alexa_feature,
    )

    features = list(parts.features)
    try:
        alexa = build_alexa_feature(
            skill_id=settings.alexa_skill_id,
            verify=settings.alexa_verify,
            listen=settings.http_listen,
            routines=routines.values(),
            links=BridgedTrackLinks(
                PlannedTrackSource(parts.tracks, parts.links, lambda: routines),
                asyncio.get_running_loop(),
            ),
        )
    except AlexaSetupError as exc:
        raise click.ClickException(str(exc)) from exc
    if alexa is None:
        parts.notes.append(ALEXA_OFF_NOTE)
    else:
        features.append(alexa)
    return features


@click.command("serve")
@click.option("--listen", default=None, help="Address to listen on (GUIDE_BOT_HTTP_LISTEN).")
@click.option("--port", type=int, default=None, help="Port (GUIDE_BOT_HTTP_PORT).")
@library_option
def serve_cmd(listen: str | None, port: int | None, library: Path) -> None:
    """Run the HTTP server: signed media tracks, the speaker API, and the other web features."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = load_settings()
    updates: dict[str, object] = {}
    if listen is not None:
        updates["http_listen"] = listen
    if port is not None:
        updates["http_port"] = port
    settings = settings.model_copy(update=updates)
    result = load_routines((library,))
    for issue in result.errors:
        click.echo(f"skipped: {issue}", err=True)
    asyncio.run(_serve(settings, result.routines))


async def _serve(settings: Settings, routines: dict[str, Routine]) -> None:
    from guide_bot.domain.clock import SystemClock
    from guide_bot.speakers.setup import SetupError, build_web_parts
    from guide_bot.web.server import bound_port, build_web_app, start_web, stop_web

    try:
        parts = build_web_parts(settings, lambda: routines, SystemClock())
    except SetupError as exc:
        raise click.ClickException(str(exc)) from exc
    features = web_features(settings, parts, routines)
    for note in parts.notes:
        click.echo(f"note: {note}", err=True)
    try:
        runner = await start_web(build_web_app(features), settings.http_listen, settings.http_port)
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on {settings.http_listen}:{settings.http_port} ({exc})"
        ) from exc
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    offered = "media" + (", speaker API" if parts.sessions and settings.api_token else "")
    offered += ", Alexa" if len(features) > len(parts.features) else ""
    click.echo(
        f"guide-bot serve: listening on {settings.http_listen}:{bound_port(runner)} "
        f"({offered}); public URL {parts.links.public_url}; {len(routines)} routines",
        err=True,
    )
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(Exception):
                loop.remove_signal_handler(sig)
        if parts.sessions is not None:
            await parts.sessions.close()
        await stop_web(runner)
        click.echo("guide-bot serve: stopped", err=True)
