"""The live view's `web_app` button on the session message: only in a private chat and only when
GUIDE_BOT_PUBLIC_URL is set; the fake server refuses it in groups as Telegram does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fakebot.server import Call, FakeBotServer
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo
from telegram.error import BadRequest

from bot.harness import build_bot, ready_user, running

USER = 3003
GROUP = -500
PUBLIC: dict[str, object] = {
    "public_url": "https://guide-bot.example.test",
    "http_listen": "127.0.0.1",
    "http_port": 0,
}


def web_apps(call: Call) -> list[str]:
    """The URLs of the `web_app` buttons sent with a call."""
    markup: Any = call.params.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
    return [b["web_app"]["url"] for row in rows for b in row if "web_app" in b]


async def run_session(server: FakeBotServer, tmp_path: Path, library: Path, chat: int,
                      settings: dict[str, object] | None) -> list[Call]:  # fmt: skip
    """A whole quick-test session in `chat`, started by USER; every call made for the chat."""
    bot = build_bot(server, tmp_path, library, settings_update=settings)
    ready_user(bot.services, USER)
    async with running(bot):
        routine = bot.services.catalog.find(USER, "quick-test")
        assert routine is not None
        await bot.services.sessions.start(chat, USER, routine, None)
        await bot.run_for(300)
        assert bot.services.sessions.get(chat) is None
    return [c for c in server.calls if c.chat_id == chat]


async def test_a_private_session_message_opens_the_live_view_of_that_session(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    calls = await run_session(server, tmp_path, test_library, USER, PUBLIC)
    with_controls = [c for c in calls if any(label == "⏸ Pause" for label, _ in c.buttons())]
    assert with_controls
    assert all(c.status == 200 for c in calls)
    for call in with_controls:
        urls = web_apps(call)
        assert len(urls) == 1
        assert urls[0].startswith("https://guide-bot.example.test/app?session=")


@pytest.mark.parametrize(
    ("chat", "settings"), [(GROUP, PUBLIC), (USER, None)], ids=["group", "no-public-url"]
)
async def test_no_live_view_button_in_a_group_or_without_a_public_url(
    server: FakeBotServer,
    tmp_path: Path,
    test_library: Path,
    chat: int,
    settings: dict[str, object] | None,
) -> None:
    calls = await run_session(server, tmp_path, test_library, chat, settings)
    assert any(label == "⏸ Pause" for c in calls for label, _ in c.buttons())
    assert not [c for c in calls if web_apps(c)]
    assert all(c.status == 200 for c in calls)  # nothing refused: the session went on


async def test_the_fake_server_refuses_web_app_buttons_in_groups_as_telegram_does(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Live view", web_app=WebAppInfo("https://x.example/app"))]]
    )
    async with running(bot):
        with pytest.raises(BadRequest, match=r"(?i)button_type_invalid"):
            await bot.app.bot.send_message(GROUP, "hi", reply_markup=keyboard)
        sent = await bot.app.bot.send_message(USER, "hi", reply_markup=keyboard)
        assert sent.message_id
