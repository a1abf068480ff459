"""Sessions fitted to the screening over real HTTP, on the shipped library: what osteoporosis
and late pregnancy rule out never reaches a step message, red flags refuse, ask-first needs its
tap, the offer lists the changes, the length tap changes the plan, and a restart rebuilds the
adapted plan."""

from __future__ import annotations

import html
import re
from pathlib import Path

from fakebot.server import FakeBotServer

from bot.harness import Bot, build_bot, ready_user, running, screen
from guide_bot.domain.clock import FakeClock
from guide_bot.domain.cues import STOP_RULE
from guide_bot.domain.lengths import select_length
from guide_bot.domain.routine import Routine
from guide_bot.paths import shipped_library_dir

CHAT = 3003
STEP_TITLE = re.compile(r"<b>Step \d+ of \d+ · (.+?)</b>")


def library_routine(bot: Bot, routine_id: str) -> Routine:
    routine = bot.services.catalog.library.get(routine_id)
    assert routine is not None
    return routine


def ruled_out_titles(routine: Routine, loads: set[str], allowed: set[str]) -> set[str]:
    """Titles of the standard steps with a ruled-out load (that no kept step shares)."""
    steps = select_length(routine, "standard").steps
    return {s.title for s in steps if loads & set(s.loads)} - allowed


async def offer(bot: Bot, routine_id: str) -> int:
    """Ask for a session; the offer's message id."""
    before = len(bot.server.calls_of("sendMessage", chat_id=CHAT))
    bot.server.send_text(CHAT, f"/session {routine_id}")
    sent = await bot.server.wait_for("sendMessage", count=before + 1, chat_id=CHAT)
    return sent[-1].message_id or 0


def shown(bot: Bot, message_id: int) -> dict[str, object]:
    return bot.server.messages[(CHAT, message_id)]


def data_of(bot: Bot, message_id: int, label_part: str) -> str:
    markup = shown(bot, message_id)["reply_markup"]["inline_keyboard"]  # type: ignore[index]
    return next(b["callback_data"] for row in markup for b in row if label_part in b["text"])


async def tap(bot: Bot, message_id: int, data: str) -> None:
    before = len(bot.server.calls_of("answerCallbackQuery"))
    bot.server.press(CHAT, message_id, data)
    await bot.server.wait_for("answerCallbackQuery", count=before + 1)
    await bot.server.wait_idle(0.05)
    await bot.services.sessions.idle()


async def run_to_end(bot: Bot) -> list[str]:
    """Run the session to its end; the step titles of every step message sent."""
    for _ in range(400):
        if bot.services.sessions.get(CHAT) is None:
            break
        await bot.run_for(30)
    assert bot.services.sessions.get(CHAT) is None
    return [m.group(1) for t in sent_texts(bot.server) for m in [STEP_TITLE.search(t)] if m]


def sent_texts(server: FakeBotServer) -> list[str]:
    """Texts and captions of every message sent to the chat, in order (steps with a picture
    go as a photo with the step as its caption)."""
    calls = server.calls_of("sendMessage", chat_id=CHAT) + server.calls_of(
        "sendPhoto", chat_id=CHAT
    )
    return [c.text for c in sorted(calls, key=lambda c: c.at)]


async def check_never_gets(
    server: FakeBotServer, tmp_path: Path, condition: str, loads: set[str]
) -> None:
    bot = build_bot(server, tmp_path, shipped_library_dir())
    ready_user(bot.services, CHAT)
    screen(bot.services, CHAT, condition)
    base = library_routine(bot, "lower-back-relief")
    async with running(bot):
        mid = await offer(bot, "lower-back-relief")
        text = str(shown(bot, mid)["text"])
        assert "Changed for you" in text
        await tap(bot, mid, data_of(bot, mid, "Skip"))
        live = bot.services.sessions.get(CHAT)
        assert live is not None
        assert live.record.plan["conditions"] == sorted(
            {condition, "pregnancy"} if condition.startswith("pregnancy") else {condition}
        )
        kept = [s.title for s in live.routine.steps]
        assert not any(loads & set(s.loads) for s in live.routine.steps)
        titles = await run_to_end(bot)
    sent = sent_texts(server)
    rule = html.escape(base.stop_rule or STOP_RULE)
    assert any("Get ready" in t and f"🛑 {rule}" in t for t in sent)  # the prepare message
    cautious = [s for s in live.routine.steps if s.caution]
    assert cautious, "lower-back-relief has a step with its own caution"
    for step in cautious:
        message = next(t for t in sent if f"· {html.escape(step.title)}</b>" in t)
        assert f"⚠️ {html.escape(step.caution or '')}" in message
    sided = [s for s in live.routine.steps if s.sides == "left-right"]
    for step in sided:
        message = next(t for t in sent if f"· {html.escape(step.title)}</b>" in t)
        assert "side first." in message
    forbidden = ruled_out_titles(base, loads, set(kept))
    assert forbidden, "the routine must have a step the condition rules out"
    assert titles == kept  # every step message is a step of the adapted routine
    assert not forbidden & set(titles)
    for title in forbidden:  # and the offer said what changed, and why
        assert f"({title})" in text


async def test_osteoporosis_never_gets_end_range_flexion_twist_or_spinal_rolling(
    server: FakeBotServer, tmp_path: Path
) -> None:
    await check_never_gets(
        server, tmp_path, "osteoporosis", {"trunk-flexion", "trunk-twist", "spine-rolling"}
    )


async def test_past_20_weeks_of_pregnancy_never_lies_long_on_the_back_or_face_down(
    server: FakeBotServer, tmp_path: Path
) -> None:
    await check_never_gets(
        server, tmp_path, "pregnancy_over_20_weeks", {"lying-on-back", "lying-face-down"}
    )


async def test_red_flags_refuse_and_nothing_starts(server: FakeBotServer, tmp_path: Path) -> None:
    bot = build_bot(server, tmp_path, shipped_library_dir())
    ready_user(bot.services, CHAT)
    screen(bot.services, CHAT, "red_flags")
    async with running(bot):
        mid = await offer(bot, "neck-release")
        message = shown(bot, mid)
        assert "Not offered now" in str(message["text"])
        assert "needs a clinician" in str(message["text"])
        assert "reply_markup" not in message or not message["reply_markup"]
        # a start button from before the answers changed: refused again, nothing starts
        await tap(bot, mid, "pb:neck-release:-1:s:1")
        assert bot.services.sessions.get(CHAT) is None
        assert "Not offered now" in str(shown(bot, mid)["text"])


async def test_ask_first_needs_the_confirming_tap(server: FakeBotServer, tmp_path: Path) -> None:
    bot = build_bot(server, tmp_path, shipped_library_dir())
    ready_user(bot.services, CHAT)
    screen(bot.services, CHAT, "heart_or_blood_pressure")
    async with running(bot):
        mid = await offer(bot, "neck-release")
        assert "Please ask your clinician first" in str(shown(bot, mid)["text"])
        await tap(bot, mid, "pb:neck-release:-1:s:0")  # a pain tap without the confirmation
        assert bot.services.sessions.get(CHAT) is None
        await tap(bot, mid, data_of(bot, mid, "I have asked"))
        assert "how much does it hurt" in str(shown(bot, mid)["text"])
        await tap(bot, mid, data_of(bot, mid, "Skip"))
        assert bot.services.sessions.get(CHAT) is not None


async def test_the_length_tap_changes_the_plan_and_a_restart_rebuilds_it(
    server: FakeBotServer, tmp_path: Path
) -> None:
    bot = build_bot(server, tmp_path, shipped_library_dir())
    ready_user(bot.services, CHAT)
    screen(bot.services, CHAT, "osteoporosis", "age_65_plus")
    base = library_routine(bot, "lower-back-relief")
    async with running(bot):
        mid = await offer(bot, "lower-back-relief")
        labels = [
            b["text"] for row in shown(bot, mid)["reply_markup"]["inline_keyboard"] for b in row
        ]  # type: ignore[index]
        assert any(label.startswith("✅ Standard · ") for label in labels)
        assert any(label.startswith("Quick · ") for label in labels)
        await tap(bot, mid, data_of(bot, mid, "Full"))
        assert any(
            "✅ Full" in b["text"]
            for row in shown(bot, mid)["reply_markup"]["inline_keyboard"]
            for b in row
        )  # type: ignore[index]
        assert "Full: about" in str(shown(bot, mid)["text"])
        await tap(bot, mid, data_of(bot, mid, "Skip"))
        live = bot.services.sessions.get(CHAT)
        assert live is not None
        assert live.record.plan["length"] == "full"
        assert live.record.plan["conditions"] == ["age_65_plus", "osteoporosis"]
        full_titles = [s.title for s in select_length(base, "full").steps]
        assert len(live.routine.steps) < len(full_titles)  # adapted: some left out
        events = live.session.timeline.events
        played = live.routine
        await bot.run_for(40)
        stopped_at = bot.clock.now()
        step_before = live.session.state
    assert step_before is not None
    again = build_bot(server, tmp_path, shipped_library_dir(), clock=FakeClock(stopped_at + 2))
    async with running(again):
        restored = again.services.sessions.get(CHAT)
        assert restored is not None
        assert restored.routine == played  # the same length, adapted the same way
        assert restored.session.timeline.events == events


async def test_the_first_steps_picture_is_uploaded_once_then_sent_by_file_id(
    server: FakeBotServer, tmp_path: Path
) -> None:
    bot = build_bot(server, tmp_path, shipped_library_dir())
    ready_user(bot.services, CHAT)
    async with running(bot):
        await offer(bot, "neck-release")
        await offer(bot, "neck-release")
        first, second = server.calls_of("sendPhoto", chat_id=CHAT)
        assert first.files["photo"].startswith(b"\x89PNG")
        assert "Step 1" in first.params["caption"]
        assert not second.files  # by file_id, not uploaded again
        assert second.params["photo"] == first.result["photo"][-1]["file_id"]
        screen(bot.services, CHAT, "bleeding_risk")  # another adaptation: its own picture
        await offer(bot, "neck-release")
        third = server.calls_of("sendPhoto", chat_id=CHAT)[-1]
        assert third.files["photo"].startswith(b"\x89PNG")


async def test_text_mode_steps_go_with_their_picture_once_per_step(
    server: FakeBotServer, tmp_path: Path
) -> None:
    bot = build_bot(server, tmp_path, shipped_library_dir())
    ready_user(bot.services, CHAT)
    async with running(bot):
        mid = await offer(bot, "neck-release")
        await tap(bot, mid, data_of(bot, mid, "Skip"))
        live = bot.services.sessions.get(CHAT)
        assert live is not None
        pictured = [s for s in live.routine.steps if s.where is not None]
        assert pictured
        await run_to_end(bot)
        photos = server.calls_of("sendPhoto", chat_id=CHAT)[1:]  # after the offer's picture
        step_photos = [p for p in photos if STEP_TITLE.search(p.text)]
        titles = [STEP_TITLE.search(p.text).group(1) for p in step_photos]  # type: ignore[union-attr]
        assert titles == [s.title for s in pictured]  # each step once, with its message
        assert all(p.buttons() for p in step_photos)  # the controls go with it
        # step 1's picture was the offer's: sent by file_id, not uploaded again
        assert not step_photos[0].files


async def test_in_a_group_the_offer_never_says_which_conditions(
    server: FakeBotServer, tmp_path: Path
) -> None:
    group = -100555
    bot = build_bot(server, tmp_path, shipped_library_dir())
    ready_user(bot.services, CHAT)
    screen(bot.services, CHAT, "osteoporosis")

    def say(text: str, message_id: int) -> None:
        server.inject(
            {
                "message": {
                    "message_id": message_id,
                    "date": 0,
                    "chat": {"id": group, "type": "group", "title": "Gym"},
                    "from": server.user(CHAT),
                    "text": text,
                    "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
                }
            }
        )

    async with running(bot):
        say("/session lower-back-relief", 1)
        (adapted,) = await server.wait_for("sendMessage", chat_id=group)
        assert "Changed to suit your safety answers" in adapted.text
        assert "osteoporosis" not in adapted.text.lower()
        assert "Step 3" not in adapted.text  # no list of changes
        screen(bot.services, CHAT, "red_flags")
        say("/session lower-back-relief", 2)
        refused = (await server.wait_for("sendMessage", count=2, chat_id=group))[-1]
        assert "reasons are in our private chat" in refused.text
        assert "headache" not in refused.text
