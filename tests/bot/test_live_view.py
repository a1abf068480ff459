"""The live view against the real bot: the Mini App page in headless Chromium follows the session
a user started in the chat, and Pause in the page pauses that same session (the chat's buttons
turn to Resume). The bot is built by the composition root with GUIDE_BOT_PUBLIC_URL set, so it
serves the page from its own HTTP server; Telegram is the fake Bot API server.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fakebot.server import FakeBotServer

from bot.harness import build_bot, event_at, ready_user, running
from bot.test_session_flow import CHAT, Chat, start_session
from guide_bot.web.server import bound_port
from tests.web.liveview.support import init_data

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("GUIDE_BOT_REQUIRE_CHROMIUM"),
    reason="Debian's chromium is not installed (apt-get install chromium); .ci/run installs it",
)


@pytest.fixture
async def chromium() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        yield browser
        await browser.close()


async def test_the_page_follows_the_chat_session_and_pauses_it(
    server: FakeBotServer, tmp_path: Path, test_library: Path, chromium: Any
) -> None:
    from playwright.async_api import expect

    bot = build_bot(
        server,
        tmp_path,
        test_library,
        settings_update={
            "public_url": "https://guide-bot.example.test",
            "http_listen": "127.0.0.1",
            "http_port": 0,
        },
    )
    assert bot.services.live_view_url == "https://guide-bot.example.test/app"
    ready_user(bot.services, CHAT)
    chat = Chat(server, CHAT)
    async with running(bot):
        menu = server.calls_of("setChatMenuButton")
        button = menu[-1].params["menu_button"]
        button = json.loads(button) if isinstance(button, str) else button
        assert button["web_app"]["url"] == "https://guide-bot.example.test/app"
        step = await start_session(bot, chat, "long-test")  # step 1 comes with the get-ready
        started = bot.clock.now()
        await bot.scheduler.run_until(started + event_at(bot, CHAT, "hold_start", 1) + 2)  # type: ignore[union-attr]
        base = f"http://127.0.0.1:{bound_port(bot.app.bot_data['web_runner'])}"

        context = await chromium.new_context()
        await context.route("https://telegram.org/**", lambda route: route.abort())
        page = await context.new_page()
        signed = init_data(CHAT, auth_date=bot.clock.now(), token=server.token)
        await page.goto(f"{base}/app#tgWebAppData={quote(signed, safe='')}&tgWebAppVersion=8.0")
        await expect(page.locator("#step-title")).to_have_text("Step 1 of 2: Glute press")
        await expect(page.locator("#phase")).to_have_text("Hold")

        await page.get_by_role("button", name="Pause").click()
        await expect(page.locator("#phase")).to_have_text("Paused")
        await server.wait_idle()
        live = bot.services.sessions.get(CHAT)
        assert live is not None
        assert live.session.state.value == "paused"
        edits = [c for c in chat.new() if c.method == "editMessageText"]
        assert int(edits[-1].params["message_id"]) == step.message_id
        assert edits[-1].buttons()[0][0] == "▶️ Resume"  # the chat shows the page's Pause

        forged = init_data(CHAT, auth_date=bot.clock.now(), token="654321:another-bot")
        await page.goto("about:blank")
        await page.goto(f"{base}/app#tgWebAppData={quote(forged, safe='')}&tgWebAppVersion=8.0")
        await expect(page.locator("body")).to_contain_text("hash does not match")
        await context.close()
