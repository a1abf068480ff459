"""Text mode over real HTTP: only "move now" messages notify; old buttons act on the session as
it is, and after its end each says so and goes (no button looks alive and does nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakebot.server import Call, FakeBotServer

from bot.harness import LONG_ROUTINE, build_bot, event_at, ready_user, running
from bot.test_session_flow import Chat, live_keyboards, press, start_session
from guide_bot.domain.clock import FakeClock
from guide_bot.domain.timeline import plan
from guide_bot.library.loader import load_routines, parse_routine
from guide_bot.paths import shipped_library_dir
from guide_bot.telegram import texts
from guide_bot.telegram.quiet import (
    AIM_BOTH_CALLS_PER_STEP,
    note_sends,
    planned_sends,
    refresh_points,
)

CHAT = 2002
MOVE_NOW = ("now.", "Release.", "Switch to", "Let your breath settle.", "And rest.")  # the ends


def silent(call: Call) -> bool:
    """Whether the message came without a notification (form fields arrive as text)."""
    return str(call.params.get("disable_notification")).lower() == "true"


async def test_only_move_now_messages_notify_and_old_buttons_act_then_go(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT)
    chat = Chat(server, CHAT)
    async with running(bot):
        prepare = await start_session(bot, chat, "quick-test")
        assert silent(prepare)  # get ready: silent
        await bot.run_for(15)
        # The get-ready message's Pause (an older message now) pauses the session as it is.
        assert (await press(bot, prepare, "Pause")).startswith("⏸ Paused")
        live = bot.services.sessions.get(CHAT)
        assert live is not None
        assert live.session.state.value == "paused"
        assert await press(bot, prepare, "Pause") == "▶️ Resumed."  # and resumes it
        await bot.run_for(120)
        assert bot.services.sessions.get(CHAT) is None
        sends = [c for c in server.calls_of("sendMessage", chat_id=CHAT) if c.status == 200]
        session = [c for c in sends if c.at >= prepare.at]
        loud = [c for c in session if not silent(c)]
        quiet = [c for c in session if silent(c)]
        assert loud
        assert quiet
        assert all(any(word in c.text for word in MOVE_NOW) for c in loud)
        assert not any(
            any(word in c.text for word in MOVE_NOW) for c in quiet if "Step" not in c.text
        )
        # After the end, every older message's button says so and goes: none stays alive doing
        # nothing, and only the pain rating keeps buttons.
        closing = session[-1]
        assert "How much does it hurt now" in closing.text
        older = [m for m in live_keyboards(server, CHAT) if m != closing.message_id]
        assert older  # no call was spent on them during the session
        for message_id in older:
            call = next(c for c in sends if c.message_id == message_id)
            assert await press(bot, call, "Skip") == texts.SESSION_OVER
        assert live_keyboards(server, CHAT) == [closing.message_id]


PICTURE_ROUTINE = """\
id: picture-test
title: Picture test routine
summary: One hold on a point of the body map, so that its step message is a picture.
areas: [neck]
complaints: [neck-pain]
tools: [ball]
get_ready_s: 0
steps:
  - title: Shoulder press
    instruction: Lie on the ball under the top of your shoulder.
    technique: compress
    hold_s: 30
    where: {view: back, point: [0.60, 0.18]}
"""


async def test_a_picture_step_is_edited_as_a_caption_with_its_buttons(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    """The step message is the picture's caption: refreshed and paused with editMessageCaption
    (editMessageText on a photo is refused by Telegram), the keyboard sent with every edit."""
    (test_library / "picture-test.yaml").write_text(PICTURE_ROUTINE, encoding="utf-8")
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT)
    chat = Chat(server, CHAT)
    async with running(bot):
        photo = await start_session(bot, chat, "picture-test")
        assert photo.method == "sendPhoto"
        assert "Get ready." in photo.text
        assert "<b>Step 1 of 1 · Shoulder press</b>" in photo.text
        assert silent(photo)
        hold, halfway = event_at(bot, CHAT, "hold_start", 1), event_at(bot, CHAT, "halfway", 1)
        await bot.run_for(halfway + 0.1)
        now_message, edit = chat.new()
        assert now_message.method == "sendMessage"
        assert not silent(now_message)
        assert edit.method == "editMessageCaption"
        assert edit.message_id == photo.message_id
        assert "15 seconds left" in edit.text
        assert edit.buttons()[0][0] == "⏸ Pause"
        assert len(edit.text) <= 1024
        assert live_keyboards(server, CHAT) == [photo.message_id]  # the edit kept the buttons
        assert hold < halfway

        assert (await press(bot, photo, "Pause") or "").startswith("⏸ Paused")
        (paused,) = chat.new()
        assert paused.method == "editMessageCaption"
        assert paused.buttons()[0][0] == "▶️ Resume"
        assert "⏸ Paused." in server.messages[(CHAT, photo.message_id or 0)]["caption"]


async def test_not_modified_counts_as_shown_and_a_lost_step_message_is_sent_again(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    """Telegram answers 400 "message is not modified" to an edit that changes nothing: the
    message shows the text, so nothing more is done. A step message that cannot be edited (the
    user deleted it) is sent again, silently, with the controls."""
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT)
    chat = Chat(server, CHAT)
    async with running(bot):
        sender = bot.services.sender
        message = await sender.text(CHAT, "<b>Same</b>")
        assert message is not None
        assert await sender.edit_view(CHAT, message.message_id, "<b>Same</b>", None, caption=False)
        (refused,) = server.calls_of("editMessageText", chat_id=CHAT)
        assert refused.status == 400
        server.messages.pop((CHAT, message.message_id))
        assert not await sender.edit_view(CHAT, message.message_id, "Other", None, caption=False)
        chat.new()

        first = await start_session(bot, chat, "long-test")
        server.messages.pop((CHAT, first.message_id or 0))  # the user deleted it
        await bot.run_for(event_at(bot, CHAT, "halfway", 1) + 0.1)
        sent = chat.new()
        assert [c.method for c in sent] == ["sendMessage", "sendMessage"]  # now, step message
        again = sent[-1]
        assert again.text.startswith("<b>Step 1 of 2 · Glute press</b>")
        assert "15 seconds left" in again.text
        assert silent(again)
        assert again.buttons()[0][0] == "⏸ Pause"
        await bot.run_for(event_at(bot, CHAT, "countdown", 1) - event_at(bot, CHAT, "halfway", 1))
        (edit,) = chat.new()
        assert edit.method == "editMessageText"
        assert edit.message_id == again.message_id


def test_the_refreshes_fit_what_the_moves_leave_of_four_calls_a_step() -> None:
    """neck-release's moves alone take 19 new messages for 4 steps (4.75 a step): no refresh.
    long-test's 5 new messages leave 3 of 8: each halfway, then step 1's countdown."""
    neck = plan(load_routines([shipped_library_dir()]).routines["neck-release"])
    assert planned_sends(neck) == [4, 4, 8, 3]
    assert refresh_points(neck) == frozenset()
    routine, issues = parse_routine(LONG_ROUTINE, file="long-test.yaml")
    assert routine is not None, issues
    long = plan(routine)
    assert planned_sends(long) == [2, 3]
    points = sorted(refresh_points(long))
    assert [long.events[i].kind.value for i in points] == ["halfway", "countdown", "halfway"]
    assert long.events[points[1]].text == "3"


@pytest.mark.parametrize(
    ("routine_id", "per_step"), [("neck-release", 4.75), ("dynamic-warm-up", 4.0)]
)
async def test_calls_per_step_of_shipped_routines(
    server: FakeBotServer, tmp_path: Path, routine_id: str, per_step: float
) -> None:
    """A whole shipped routine through the real bot: the chat's Bot API calls from the first
    session message to the closing are the plan's new messages and refreshes, and no more (what
    bench/bench_calls.py measures; main sent 77 calls for neck-release's 4 steps)."""
    library = shipped_library_dir()
    bot = build_bot(server, tmp_path, library)
    ready_user(bot.services, CHAT)
    chat = Chat(server, CHAT)
    async with running(bot):
        first = await start_session(bot, chat, routine_id)
        live = bot.services.sessions.get(CHAT)
        assert live is not None
        timeline = live.session.timeline
        calls = [first]
        for _ in range(2000):
            await bot.run_for(1)
            calls += chat.new()
            if bot.services.sessions.get(CHAT) is None:
                break
    steps = timeline.step_count
    assert len(calls) == sum(planned_sends(timeline)) + len(refresh_points(timeline))
    assert len(calls) / steps == per_step
    edits = [c for c in calls if c.method.startswith("edit")]
    assert len(edits) == len(refresh_points(timeline))
    assert all(c.buttons() for c in edits)  # every edit carries the keyboard
    assert "How much does it hurt now" in calls[-1].text


async def test_after_a_restart_the_same_picture_caption_is_edited(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    """What the step message shows is stored with the session (its id, step, that it is a
    picture's caption): the bot restarted mid-hold edits the same photo's caption at halfway,
    with its buttons, and sends no new step message."""
    (test_library / "picture-test.yaml").write_text(PICTURE_ROUTINE, encoding="utf-8")
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT)
    chat = Chat(server, CHAT)
    async with running(bot):
        photo = await start_session(bot, chat, "picture-test")
        assert photo.method == "sendPhoto"
        t0 = bot.clock.now()
        hold, halfway = event_at(bot, CHAT, "hold_start", 1), event_at(bot, CHAT, "halfway", 1)
        await bot.run_for(hold + 1)
        (now_message,) = chat.new()
        assert now_message.method == "sendMessage"
    stored = bot.services.sessions.store.records.get(CHAT)
    assert stored is not None
    assert stored.step_view is not None
    assert stored.step_view["message_id"] == photo.message_id
    assert stored.step_view["caption"] is True

    again = build_bot(server, tmp_path, test_library, clock=FakeClock(bot.clock.now() + 1))
    async with running(again):
        await again.run_for(halfway - (again.clock.now() - t0) + 0.1)
        (edit,) = chat.new()
        assert edit.method == "editMessageCaption"
        assert edit.message_id == photo.message_id
        assert "<b>Step 1 of 1 · Shoulder press</b>" in edit.text
        assert edit.buttons()[0][0] == "⏸ Pause"
        assert live_keyboards(server, CHAT) == [photo.message_id]


def test_both_mode_edits_fill_what_the_notes_leave_of_three_calls_a_step() -> None:
    """ "both": a note a step and the closing leave 12 - 5 = 7 caption edits on neck-release, at
    most 2 in a step (3 - its note), each hold's halfway before any countdown."""
    neck = plan(load_routines([shipped_library_dir()]).routines["neck-release"])
    assert note_sends(neck) == (1, 1, 1, 2)
    points = refresh_points(neck, AIM_BOTH_CALLS_PER_STEP, note_sends(neck))
    assert len(points) == 7
    per_step = [sum(1 for i in points if neck.events[i].step == n) for n in range(1, 5)]
    assert per_step == [2, 2, 2, 1]
    kinds = [neck.events[i].kind.value for i in sorted(points)]
    assert "halfway" in kinds
    assert refresh_points(neck) == frozenset()  # quiet text: the moves leave none
