"""The one aiohttp application every HTTP front end plugs into, and starting/stopping it.

A feature is a function that adds its routes (and start-up/clean-up hooks) to the application:
the media server, the speaker API, the live view and the Alexa endpoint are each one feature, and
the composition root decides which ones a process serves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from aiohttp import web

logger = logging.getLogger(__name__)

WebFeature = Callable[[web.Application], None]

MAX_BODY_BYTES = 256 * 1024  # JSON requests are small; refuse anything bigger early


async def healthz(_request: web.Request) -> web.Response:
    """Liveness: the process serves HTTP."""
    return web.Response(text="ok")


def build_web_app(features: Sequence[WebFeature]) -> web.Application:
    """The application with `GET /healthz` and every feature's routes."""
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app.router.add_get("/healthz", healthz)
    for feature in features:
        feature(app)
    return app


async def start_web(app: web.Application, listen: str, port: int) -> web.AppRunner:
    """Serve `app` on listen:port (port 0 picks a free one; see `bound_port`)."""
    runner = web.AppRunner(app, access_log=None)  # access lines would log signed URLs
    await runner.setup()
    site = web.TCPSite(runner, listen, port)
    try:
        await site.start()
    except OSError:
        await runner.cleanup()
        raise
    logger.info("HTTP server listening on %s:%d", listen, bound_port(runner))
    return runner


def bound_port(runner: web.AppRunner) -> int:
    """The port the first site listens on (useful after asking for port 0)."""
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    raise RuntimeError("the HTTP server is not listening")


async def stop_web(runner: web.AppRunner) -> None:
    """Stop serving and run the application's clean-up hooks."""
    await runner.cleanup()
