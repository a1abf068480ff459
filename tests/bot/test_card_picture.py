"""The routine card comes with a picture of where each step works, over real HTTP.

A text message cannot become a photo, so opening a card sends the picture and the card anew and
deletes the list it came from; going back edits the card into the menu and deletes its picture.
The picture is uploaded once and sent by file_id after that.
"""

from __future__ import annotations

import io
from pathlib import Path

from fakebot.server import FakeBotServer
from PIL import Image

from bot.harness import LONG_ROUTINE, build_bot, button_data, ready_user, running, screen

CHAT = 2002
OTHER = 3003

PLACED = LONG_ROUTINE.replace(
    "    tools: [ball]\n    cues:",
    "    tools: [ball]\n    where: {view: back, point: [0.56, 0.52]}\n    cues:",
).replace(
    "    hold_s: 20\n",
    "    hold_s: 20\n    where: {view: back, line: [[0.45, 0.40], [0.45, 0.50]]}\n",
)


def placed_library(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "long-test.yaml").write_text(PLACED, encoding="utf-8")
    return folder


async def open_card(server: FakeBotServer, chat: int) -> tuple[int, int, int]:
    """/routines -> All routines -> the routine; returns the list, picture and card ids."""
    server.send_text(chat, "/routines")
    await server.wait_for("sendMessage", chat_id=chat, text="find a routine")
    await server.wait_idle(0.1)
    menu = [c for c in server.sent(chat) if c.method == "sendMessage"][-1]
    list_id = menu.message_id or 0
    server.press(chat, list_id, button_data(menu, "All routines"))
    await server.wait_idle(0.1)
    listing = [c for c in server.sent(chat) if c.method == "editMessageText"][-1]
    deleted = len(server.calls_of("deleteMessage", chat_id=chat))
    server.press(chat, list_id, button_data(listing, "Long test routine"))
    await server.wait_for("deleteMessage", chat_id=chat, count=deleted + 1)
    await server.wait_idle(0.1)
    photo = [c for c in server.sent(chat) if c.method == "sendPhoto"][-1]
    card = [c for c in server.sent(chat) if c.method == "sendMessage"][-1]
    return list_id, photo.message_id or 0, card.message_id or 0


async def test_card_shows_a_numbered_picture_and_back_takes_it_away(
    server: FakeBotServer, tmp_path: Path
) -> None:
    bot = build_bot(server, tmp_path, placed_library(tmp_path / "lib"))
    ready_user(bot.services, CHAT)
    ready_user(bot.services, OTHER)
    async with running(bot):
        list_id, photo_id, card_id = await open_card(server, CHAT)
        photo = next(c for c in server.sent(CHAT) if c.method == "sendPhoto")
        assert "<b>Long test routine</b>: where each step works" in photo.text
        upload = photo.files["photo"]
        with Image.open(io.BytesIO(upload)) as image:
            assert image.format == "PNG"
            assert image.size == (240, 480)  # one view (back): one figure
        card = next(c for c in server.sent(CHAT) if c.message_id == card_id)
        assert "1. Glute press" in card.text
        assert button_data(card, "Start") == "go:long-test"
        assert (CHAT, list_id) not in server.messages  # the list is gone, no trail
        assert photo_id < card_id  # the picture sits above the card

        server.press(CHAT, card_id, button_data(card, "Back"))
        await server.wait_for("deleteMessage", chat_id=CHAT, count=2)
        await server.wait_idle(0.1)
        home = [c for c in server.sent(CHAT) if c.method == "editMessageText"][-1]
        assert home.message_id == card_id
        assert "How would you like to find a routine?" in home.text
        assert (CHAT, photo_id) not in server.messages

        # Another user: the same picture by file_id, nothing uploaded again.
        await open_card(server, OTHER)
        again = next(c for c in server.sent(OTHER) if c.method == "sendPhoto")
        assert not again.files
        assert again.params["photo"] == photo.result["photo"][-1]["file_id"]


async def test_an_adapted_card_with_the_same_places_shares_the_picture(
    server: FakeBotServer, tmp_path: Path
) -> None:
    bot = build_bot(server, tmp_path, placed_library(tmp_path / "lib"))
    ready_user(bot.services, CHAT)
    screen(bot.services, OTHER, "bleeding_risk")  # pressure softened: the card says so
    async with running(bot):
        await open_card(server, CHAT)
        await open_card(server, OTHER)
        first = next(c for c in server.sent(CHAT) if c.method == "sendPhoto")
        second = next(c for c in server.sent(OTHER) if c.method == "sendPhoto")
        assert first.files  # uploaded
        card = [c for c in server.sent(OTHER) if c.method == "sendMessage"][-1]
        assert "Changed for you" in card.text
        # same steps in the same places: the picture is shared, by file_id
        assert not second.files


async def test_a_routine_without_places_keeps_the_card_in_place(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT)
    async with running(bot):
        server.send_text(CHAT, "/routines")
        menu = (await server.wait_for("sendMessage", chat_id=CHAT))[0]
        server.press(CHAT, menu.message_id or 0, button_data(menu, "All routines"))
        listing = (await server.wait_for("editMessageText", chat_id=CHAT))[-1]
        server.press(CHAT, menu.message_id or 0, button_data(listing, "Long test routine"))
        card = (await server.wait_for("editMessageText", count=2, chat_id=CHAT))[-1]
        assert "<b>Long test routine</b>" in card.text
        assert not server.calls_of("sendPhoto")
        assert not server.calls_of("deleteMessage")
