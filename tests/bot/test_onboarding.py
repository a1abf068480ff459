"""End to end: /start, the safety screening, finding a routine, the card; over real HTTP."""

from __future__ import annotations

from pathlib import Path

from fakebot.server import FakeBotServer

from bot.harness import build_bot, button_data, running, screen

CHAT = 1001


async def test_start_screening_then_menu(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    async with running(bot):
        commands = await server.wait_for("setMyCommands")
        assert "session" in commands[0].params["commands"][2]["command"]
        server.send_text(CHAT, "/start")
        messages = await server.wait_for("sendMessage", count=3, chat_id=CHAT)
        welcome, intro, question = messages
        assert "not a medical device" in welcome.text
        assert "one quick safety checklist" in intro.text
        assert "Safety checklist" in question.text
        assert "Not today" in question.text
        assert "Ask your clinician first" in question.text
        labels = [label for label, _ in question.buttons()]
        assert "▫️ Osteoporosis" in labels
        assert labels[-2:] == ["None of these", "Done"]
        mid = question.message_id or 0

        # Tick osteoporosis and heart, untick heart, Done: the same message changes each time.
        for label in ("Osteoporosis", "Heart", "Heart", "Done"):
            edits_before = len(server.calls_of("editMessageText", chat_id=CHAT))
            current = server.messages[(CHAT, mid)]
            data = next(
                b["callback_data"]
                for row in current["reply_markup"]["inline_keyboard"]
                for b in row
                if label in b["text"]
            )
            server.press(CHAT, mid, data)
            await server.wait_for("editMessageText", count=edits_before + 1, chat_id=CHAT)
            if label == "Osteoporosis":
                assert "✅ Osteoporosis or low bone density" in server.messages[(CHAT, mid)]["text"]
        summary = server.calls_of("editMessageText")[-1]
        assert "Your safety answers" in summary.text
        assert "Osteoporosis or low bone density" in summary.text
        assert "Heart" not in summary.text
        assert "sharp, shooting, numb or tingling" in summary.text
        menu = (await server.wait_for("sendMessage", count=4, chat_id=CHAT))[-1]
        assert "How would you like to find a routine?" in menu.text
        assert [label for label, _ in menu.buttons()] == [
            "Where does it hurt?",
            "By body area",
            "By length",
            "By tool",
            "All routines",
            "My routines",
        ]
        stored = bot.services.users.get(CHAT)
        assert stored is not None
        assert stored.screening == ("osteoporosis",)  # only the names ticked
        assert all(c.status == 200 for c in server.calls_of("answerCallbackQuery"))
        assert len(server.calls_of("answerCallbackQuery")) == 4

        # The answers can be reviewed later, and /start does not ask again.
        server.send_text(CHAT, "/screening")
        review = (await server.wait_for("sendMessage", count=5, chat_id=CHAT))[-1]
        assert "Osteoporosis or low bone density" in review.text
        assert "Change answers" in [label for label, _ in review.buttons()]
        server.send_text(CHAT, "/start")
        again = await server.wait_for("sendMessage", count=7, chat_id=CHAT)
        assert "How would you like to find a routine?" in again[-1].text
        assert not any("Safety checklist" in c.text for c in again[5:])


async def test_browse_by_complaint_to_card(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    screen(bot.services, CHAT, "bleeding_risk")
    async with running(bot):
        server.send_text(CHAT, "/routines")
        menu = (await server.wait_for("sendMessage", chat_id=CHAT))[0]
        menu_id = menu.message_id or 0

        server.press(CHAT, menu_id, button_data(menu, "Where does it hurt"))
        choices = (await server.wait_for("editMessageText", chat_id=CHAT))[-1]
        assert "Where does it hurt" in choices.text
        labels = [label for label, _ in choices.buttons()]
        assert labels == ["Neck pain", "Lower back pain", "« Back"]

        server.press(CHAT, menu_id, button_data(choices, "Lower back pain"))
        listing = (await server.wait_for("editMessageText", count=2, chat_id=CHAT))[-1]
        assert "Lower back pain" in listing.text
        assert next(label for label, _ in listing.buttons()).startswith("Long test routine · ")

        server.press(CHAT, menu_id, button_data(listing, "Long test routine"))
        card = (await server.wait_for("editMessageText", count=3, chat_id=CHAT))[-1]
        assert "<b>Long test routine</b>" in card.text
        assert "Two long holds" in card.text
        assert "1. Glute press (press and hold, 30 s)" in card.text
        assert "ball" in card.text
        assert "Changed for you" in card.text  # pressure 6 -> 3 with bleeding risk
        assert "Step 1 (Glute press) softened: pressure 6 -&gt; 3 of 10" in card.text
        assert button_data(card, "Start") == "go:long-test"

        # By length and by tool lead to the same kind of list.
        server.press(CHAT, menu_id, button_data(card, "Back"))
        home = (await server.wait_for("editMessageText", count=4, chat_id=CHAT))[-1]
        server.press(CHAT, menu_id, button_data(home, "By length"))
        lengths = (await server.wait_for("editMessageText", count=5, chat_id=CHAT))[-1]
        assert [label for label, _ in lengths.buttons()] == [
            "Up to 5 minutes",
            "« Back",
        ]
        server.press(CHAT, menu_id, button_data(lengths, "Up to 5"))
        short = (await server.wait_for("editMessageText", count=6, chat_id=CHAT))[-1]
        assert len(short.buttons()) == 3  # both routines and Back


async def test_deep_link_and_session_command_offer_the_routine(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    screen(bot.services, CHAT)
    async with running(bot):
        server.send_text(CHAT, "/start session_quick-test")
        offer = (await server.wait_for("sendMessage", chat_id=CHAT))[0]
        assert "Quick test routine" in offer.text
        assert "how much does it hurt right now" in offer.text
        labels = [label for label, _ in offer.buttons()]
        # a first session: hands-free offered as a toggle above the rating (off until tapped)
        assert labels == ["🎧 Hands-free: off", *(str(n) for n in range(11)), "Skip"]

        server.send_text(CHAT, "/session nope-not-here")
        unknown = (await server.wait_for("sendMessage", count=2, chat_id=CHAT))[-1]
        assert "I don't know a routine called <code>nope-not-here</code>" in unknown.text
        assert len(unknown.buttons()) == 3

        server.send_text(CHAT, "/session")
        usage = (await server.wait_for("sendMessage", count=3, chat_id=CHAT))[-1]
        assert "/session long-test" in usage.text


async def test_deep_link_before_screening_asks_first(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    async with running(bot):
        server.send_text(CHAT, "/start session_quick-test")
        sent = await server.wait_for("sendMessage", count=3, chat_id=CHAT)
        question = sent[2]
        assert "Safety checklist" in question.text
        server.press(CHAT, question.message_id or 0, button_data(question, "None of these"))
        await server.wait_for("editMessageText", count=1)
        offer = (await server.wait_for("sendMessage", count=4, chat_id=CHAT))[-1]
        assert "Quick test routine" in offer.text
        assert "how much does it hurt" in offer.text


async def test_forged_and_stale_buttons_change_nothing(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    async with running(bot):
        server.send_text(CHAT, "/start")
        question = (await server.wait_for("sendMessage", count=3, chat_id=CHAT))[2]
        qid = question.message_id or 0
        forged = [
            "garbage",
            "scr:99",  # a condition that does not exist
            "scr:1:1",
            "scr:maybe",
            "ctl:pause:deadbeef:1",  # no session
            "ctl:explode:deadbeef:1",
            "card:../../etc/passwd",
            "pb:quick-test:99:s:0",
            "off:quick-test:x:0",
            "x" * 64,
        ]
        for data in forged:
            server.press(CHAT, qid, data)
        answers = await server.wait_for("answerCallbackQuery", count=len(forged))
        assert all(a.params.get("text") for a in answers)
        await server.wait_idle(0.2)
        assert not server.calls_of("editMessageText")
        assert len(server.calls_of("sendMessage")) == 3
        stored = bot.services.users.get(CHAT)
        assert stored is not None
        assert stored.screening is None
