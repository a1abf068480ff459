"""End to end over the fake Bot API: uploading own routines, using and deleting them."""

from __future__ import annotations

from pathlib import Path

from bot.harness import button_data, running, screen
from fakebot.server import FakeBotServer

from progress.harness import build_progress_bot, send_document
from progress.test_uploads import ALIAS_BOMB, as_bytes, routine

ME, OTHER = 4242, 5151


async def test_upload_start_and_delete(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_progress_bot(server, tmp_path, test_library)
    screen(bot.services, ME)
    screen(bot.services, OTHER)
    async with running(bot):
        send_document(server, ME, as_bytes(routine(title="Evening <b>calves</b>")), "evening.yaml")
        (added,) = await server.wait_for("sendMessage", chat_id=ME, text="Routine added")
        assert "Evening &lt;b&gt;calves&lt;/b&gt;" in added.text  # a user's title is escaped
        assert "/session my:my-evening" in added.text
        assert len(server.calls_of("getFile")) == 1

        # It is in "My routines", opens a card and starts like a library routine.
        server.send_text(ME, "/myroutines")
        listing = (await server.wait_for("sendMessage", chat_id=ME, text="Your routines"))[0]
        assert [label for label, _ in listing.buttons()][:2] == [
            "Evening <b>calves</b>",
            "🗑 Delete",
        ]
        server.press(ME, listing.message_id or 0, button_data(listing, "Evening"))
        card = (await server.wait_for("editMessageText", chat_id=ME, text="Calf stretch"))[0]
        start = next(data for label, data in card.buttons() if "Start" in label)
        server.press(ME, listing.message_id or 0, start)
        await server.wait_for("sendMessage", chat_id=ME, text="how much")

        # Another user can neither see nor start it, even by its exact reference.
        server.send_text(OTHER, "/session my:my-evening")
        (unknown,) = await server.wait_for("sendMessage", chat_id=OTHER)
        assert "how much" not in unknown.text
        before = len(server.calls_of("answerCallbackQuery"))
        server.press(OTHER, listing.message_id or 0, start)
        answered = await server.wait_for("answerCallbackQuery", count=before + 1)
        assert answered[-1].params.get("text") == "That button is not valid."

        # Delete: asked first, then gone.
        server.send_text(ME, "/myroutines")
        listing = (await server.wait_for("sendMessage", count=2, chat_id=ME, text="Your routines"))[
            -1
        ]
        server.press(ME, listing.message_id or 0, button_data(listing, "Delete"))
        ask = (await server.wait_for("editMessageText", chat_id=ME, text="Delete your routine"))[0]
        server.press(ME, listing.message_id or 0, button_data(ask, "Yes, delete it"))
        await server.wait_for("editMessageText", chat_id=ME, text="Deleted:")
    assert bot.services.user_routines.entries(ME) == []
    assert bot.services.catalog.find(ME, "my:my-evening") is None


async def test_hostile_uploads_are_refused_over_chat(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_progress_bot(server, tmp_path, test_library)
    async with running(bot):
        # Too big by the announced size: refused before any download.
        send_document(server, ME, b"id: x\n", "big.yaml", announced_size=5 * 1024 * 1024)
        (big,) = await server.wait_for("sendMessage", chat_id=ME)
        assert "5,242,880 bytes" in big.text
        assert "Nothing was stored" in big.text
        assert not server.calls_of("getFile")

        # Announced small in the message, but getFile tells the real size: refused there.
        send_document(server, ME, b"#" * 70_000, "liar.yaml", announced_size=100)
        liar = (await server.wait_for("sendMessage", count=2, chat_id=ME))[-1]
        assert "70,000 bytes" in liar.text
        assert len(server.calls_of("getFile")) == 1

        # Both sizes lie (the message and getFile): the download stops at the limit.
        served_before = server.file_bytes_served
        file_id = send_document(server, ME, b"#" * 5_000_000, "huge.yaml", announced_size=100)
        server.reported_sizes[file_id] = 100
        huge = (await server.wait_for("sendMessage", count=3, chat_id=ME))[-1]
        assert huge.text.startswith("That file is larger than its announced size")
        assert server.file_bytes_served - served_before < 5_000_000  # never read to the end

        send_document(server, ME, ALIAS_BOMB, "bomb.yaml")
        bomb = (await server.wait_for("sendMessage", count=4, chat_id=ME))[-1]
        assert "aliases" in bomb.text

        wrong = as_bytes(routine(id="neck-release", steps=[{"title": "x"}], areas="neck"))
        send_document(server, ME, wrong, "wrong.yaml")
        listed = (await server.wait_for("sendMessage", count=5, chat_id=ME))[-1]
        assert "problems:" in listed.text
        assert "\n1. " in listed.text
        assert "\n2. " in listed.text
        assert "step 1 (x)" in listed.text

        send_document(server, ME, b"not: [yaml", "notes.txt")
        txt = (await server.wait_for("sendMessage", count=6, chat_id=ME))[-1]
        assert ".yaml" in txt.text
    assert bot.services.user_routines.entries(ME) == []


async def test_own_routine_in_a_reminder_and_gone_after_forget(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_progress_bot(server, tmp_path, test_library)
    screen(bot.services, ME)
    bot.services.reminders.set_timezone(ME, "Europe/Berlin", bot.services.now_utc())
    async with running(bot):
        send_document(server, ME, as_bytes(routine()), "evening.yaml")
        await server.wait_for("sendMessage", chat_id=ME, text="Routine added")
        server.send_text(ME, "/remind 21:30 my:my-evening")
        await server.wait_for("sendMessage", count=2, chat_id=ME)
        (reminder,) = bot.services.reminders.for_user(ME)
        assert reminder.rule.routine_id == "my:my-evening"
        # Another user cannot name it in a reminder.
        server.send_text(OTHER, "/timezone Berlin")
        await server.wait_for("sendMessage", chat_id=OTHER)
        server.send_text(OTHER, "/remind 21:30 my:my-evening")
        await server.wait_for("sendMessage", count=2, chat_id=OTHER)
        assert bot.services.reminders.for_user(OTHER) == []

        server.send_text(ME, "/forget")
        (question,) = await server.wait_for("sendMessage", chat_id=ME, text="cannot be undone")
        server.press(ME, question.message_id or 0, button_data(question, "Delete everything"))
        await server.wait_for("editMessageText", chat_id=ME, text="Done")
    assert bot.services.reminders.for_user(ME) == []
    assert bot.services.reminders.get_timezone(ME) is None
    assert bot.services.user_routines.entries(ME) == []
