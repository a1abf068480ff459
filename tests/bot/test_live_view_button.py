"""The live view's `web_app` button on the session message: only in a private chat and only when
GUIDE_BOT_PUBLIC_URL is set; the fake server refuses it in groups as Telegram does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fakebot.server import Call, FakeBotServer
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonDefault,
    MenuButtonWebApp,
    WebAppInfo,
)
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


def menu_texts(server: FakeBotServer, chat: int | None) -> list[str]:
    """The labels of the menu buttons set for `chat` (None: the default), over HTTP, in order."""
    calls = server.calls_of("setChatMenuButton")
    found = []
    for call in calls:
        where = call.params.get("chat_id")
        if (int(where) if where not in (None, "") else None) != chat:
            continue
        button: Any = call.params["menu_button"]
        button = json.loads(button) if isinstance(button, str) else button
        assert button["type"] == "web_app"
        assert button["web_app"]["url"] == "https://guide-bot.example.test/app"
        found.append(button["text"])
    return found


async def test_the_live_view_menu_button_speaks_each_private_chats_language(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    german, english, group = USER, USER + 1, GROUP
    server.language_codes[german] = "de"
    server.language_codes[english] = "en"
    bot = build_bot(server, tmp_path, test_library, settings_update=PUBLIC)
    async with running(bot):
        await server.wait_idle(0.1)
        assert menu_texts(server, None) == ["Live view"]  # everyone's, in English
        server.send_text(german, "/help")  # first contact stores German: the button follows
        server.send_text(english, "/help")
        await server.wait_idle(0.1)
        assert menu_texts(server, german) == ["Live-Ansicht"]
        assert menu_texts(server, english) == []  # the English default is theirs already
        assert server.menu_buttons[german]["text"] == "Live-Ansicht"

        before = len(server.sent(german))
        server.send_text(german, "/language")
        await server.wait_idle(0.1)
        (choice,) = server.sent(german)[before:]
        russian = next(data for label, data in choice.buttons() if label == "Русский")
        server.press(german, choice.message_id or 0, russian)
        await server.wait_for("answerCallbackQuery")
        await server.wait_idle(0.1)
        assert menu_texts(server, german) == ["Live-Ansicht", "Живой экран"]
        assert server.menu_buttons[None]["text"] == "Live view"  # the default stays English
        assert all(c.status == 200 for c in server.calls_of("setChatMenuButton"))
        assert group not in server.menu_buttons


async def test_without_the_live_view_no_chat_gets_a_menu_button(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    server.language_codes[USER] = "de"
    bot = build_bot(server, tmp_path, test_library)
    async with running(bot):
        server.send_text(USER, "/help")
        await server.wait_idle(0.1)
        assert bot.services.users.locale_of(USER) == "de"
        assert server.calls_of("setChatMenuButton") == []


@pytest.mark.parametrize(
    ("chat_id", "button", "why"),
    [
        (None, MenuButtonWebApp("Live view", WebAppInfo("http://plain.example.test/app")),
         "BUTTON_URL_INVALID"),
        (USER, MenuButtonWebApp(" ", WebAppInfo("https://guide-bot.example.test/app")),
         "BUTTON_TEXT_INVALID"),
        (GROUP, MenuButtonWebApp("Live view", WebAppInfo("https://guide-bot.example.test/app")),
         "chat not found"),
    ],
)  # fmt: skip
async def test_the_fake_server_checks_set_chat_menu_button_as_telegram_does(
    server: FakeBotServer, tmp_path: Path, test_library: Path,
    chat_id: int | None, button: MenuButtonWebApp, why: str,
) -> None:  # fmt: skip
    bot = build_bot(server, tmp_path, test_library)
    async with running(bot):
        with pytest.raises(BadRequest, match=f"(?i){why}"):
            await bot.app.bot.set_chat_menu_button(chat_id=chat_id, menu_button=button)
        assert server.menu_buttons == {}
        await bot.app.bot.set_chat_menu_button(chat_id=USER, menu_button=MenuButtonDefault())
        assert server.menu_buttons == {USER: {"type": "default"}}
