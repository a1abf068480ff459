""" "both" delivery (voice and text) over real HTTP: the voice notes, each note's caption being the
quiet step message, edited silently at a few cues; no cue goes as a text message of its own."""

from __future__ import annotations

from pathlib import Path

from fakebot.server import FakeBotServer

from bot.harness import build_bot, event_at, ready_user, running
from bot.test_session_flow import Chat, live_keyboards, press, start_session
from guide_bot.domain.clock import FakeClock
from guide_bot.telegram.quiet import AIM_BOTH_CALLS_PER_STEP, note_sends, refresh_points

CHAT = 2002


async def test_both_is_the_voice_notes_with_their_captions_edited_and_no_cue_messages(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT, "both")
    chat = Chat(server, CHAT)
    async with running(bot):
        note = await start_session(bot, chat, "long-test")
        assert note.method == "sendVoice"
        assert "Get ready." in note.text
        live = bot.services.sessions.get(CHAT)
        assert live is not None
        timeline = live.session.timeline
        points = refresh_points(timeline, AIM_BOTH_CALLS_PER_STEP, note_sends(timeline))
        assert points  # long-test's holds leave room for edits
        calls = [note]
        for _ in range(400):
            await bot.run_for(1)
            calls += chat.new()
            if bot.services.sessions.get(CHAT) is None:
                break
    methods = [c.method for c in calls]
    assert methods.count("sendVoice") == timeline.step_count  # step 1 is in the get-ready note
    assert methods.count("sendMessage") == 1  # the closing message, nothing per cue
    assert "How much does it hurt now" in calls[-1].text
    edits = [c for c in calls if c.method == "editMessageCaption"]
    assert len(edits) == len(points)
    assert len(calls) == sum(note_sends(timeline)) + len(points)
    assert len(calls) / timeline.step_count <= AIM_BOTH_CALLS_PER_STEP
    notes = [c for c in calls if c.method == "sendVoice"]
    for edit in edits:  # each edit is the latest note's caption, with the controls
        latest = [n for n in notes if n.at <= edit.at][-1]
        assert edit.message_id == latest.message_id
        assert edit.buttons()[0][0] == "⏸ Pause"
        assert "seconds left" in edit.text or "💬" in edit.text
        assert edit.text.startswith("<b>Step ")
        assert len(edit.text) <= 1024


async def test_both_pause_shows_in_the_caption_and_a_restart_edits_the_same_note(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT, "both")
    chat = Chat(server, CHAT)
    async with running(bot):
        note = await start_session(bot, chat, "long-test")
        t0 = bot.clock.now()
        hold = event_at(bot, CHAT, "hold_start", 1)
        halfway = event_at(bot, CHAT, "halfway", 1)
        await bot.run_for(hold + 1)
        assert chat.new() == []  # the hold start is in the note's audio

        assert (await press(bot, note, "Pause") or "").startswith("⏸ Paused")
        (paused,) = chat.new()
        assert paused.method == "editMessageCaption"
        assert paused.message_id == note.message_id
        assert paused.buttons()[0][0] == "▶️ Resume"
        assert "⏸ Paused." in server.messages[(CHAT, note.message_id or 0)]["caption"]
        assert await press(bot, paused, "Resume") == "▶️ Resumed."
        (rest,) = chat.new()  # the rest of the step, as in voice mode: the new step message
        assert rest.method == "sendVoice"
        await bot.run_for(0.5)
        resumed_at = bot.clock.now()
    stored = bot.services.sessions.store.records.get(CHAT)
    assert stored is not None
    assert stored.step_view is not None
    assert stored.step_view["message_id"] == rest.message_id

    again = build_bot(server, tmp_path, test_library, clock=FakeClock(resumed_at + 1))
    async with running(again):
        live = again.services.sessions.get(CHAT)
        assert live is not None
        paused_for = resumed_at - t0 - (hold + 1)
        await again.run_for(halfway + paused_for - (again.clock.now() - t0) + 0.2)
        (edit,) = chat.new()
        assert edit.method == "editMessageCaption"
        assert edit.message_id == rest.message_id
        assert edit.buttons()[0][0] == "⏸ Pause"
        assert live_keyboards(server, CHAT)[-1] == rest.message_id
