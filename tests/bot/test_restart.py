"""A restart of the bot loses nothing: sessions continue, or wait paused with a Resume button."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakebot.server import FakeBotServer

from bot.harness import build_bot, event_at, ready_user, running
from bot.test_session_flow import Chat, press, start_session
from guide_bot.domain.clock import FakeClock

CHAT = 2002


async def _session_then_stop(
    server: FakeBotServer,
    tmp_path: Path,
    library: Path,
    chat: Chat,
    database_url: str | None = None,
) -> tuple[float, int, dict[str, float]]:
    """Run a session to the middle of step 1's hold, then shut the bot down."""
    bot = build_bot(server, tmp_path, library, database_url=database_url)
    ready_user(bot.services, CHAT)
    async with running(bot):
        step_message = await start_session(bot, chat, "long-test", pain="4")
        t0 = bot.clock.now()
        plan = {
            name: event_at(bot, CHAT, kind, 1)
            for name, kind in [
                ("hold", "hold_start"),
                ("cue", "cue"),
                ("halfway", "halfway"),
                ("countdown", "countdown"),
                ("release", "release"),
            ]
        }
        plan["announce2"] = event_at(bot, CHAT, "announce", 2)
        plan["hold2"] = event_at(bot, CHAT, "hold_start", 2)
        await bot.run_for(plan["hold"] + 3.7)  # in the middle of step 1's hold
        texts = chat.new_texts()  # step 1 came with the get-ready
        assert [text.splitlines()[0] for text in texts] == ["Press now."]
        version = bot.services.sessions.live[CHAT].record.version
    stored = bot.services.sessions.store.records.get(CHAT)
    assert stored is not None
    assert stored.state["state"] == "running"
    assert bot.clock.now() - t0 == pytest.approx(plan["hold"] + 3.7)
    plan["stopped"] = plan["hold"] + 3.7
    plan["step_message"] = step_message.message_id  # the get-ready message shows step 1
    return bot.clock.now(), version, plan


async def test_short_restart_continues_at_the_right_step_and_time(
    server: FakeBotServer, tmp_path: Path, test_library: Path, bot_database: str | None
) -> None:
    chat = Chat(server, CHAT)
    stopped_at, version, plan = await _session_then_stop(
        server, tmp_path, test_library, chat, bot_database
    )

    # Down for 4 s: nothing was due in that time (the next cue is later), so it just goes on.
    bot = build_bot(
        server, tmp_path, test_library, clock=FakeClock(stopped_at + 4.0), database_url=bot_database
    )
    async with running(bot):
        live = bot.services.sessions.get(CHAT)
        assert live is not None
        assert live.record.version == version
        assert chat.new() == []
        # What the step message shows is stored with the session: at the first refresh
        # (halfway) after the restart the same message is edited, with the controls.
        await bot.run_for(plan["halfway"] - plan["stopped"] - 4.0 - 0.01)
        assert chat.new() == []  # the cue is silent: shown at the refresh
        await bot.run_for(0.02)
        (edit,) = chat.new()
        assert edit.method == "editMessageText"
        assert edit.message_id == plan["step_message"]
        assert edit.text.startswith("<b>Step 1 of 2 · Glute press</b>")
        assert "💬 Breathe out slowly." in edit.text
        assert edit.buttons()[0][0] == "⏸ Pause"
        await bot.run_for(plan["countdown"] - plan["halfway"])
        (edit,) = chat.new()
        assert edit.method == "editMessageText"
        assert edit.message_id == plan["step_message"]
        assert edit.buttons()[0][0] == "⏸ Pause"
        await bot.run_for(200)
        sent = chat.new_texts()
        assert "✅ <b>Long test routine</b> done." in sent[-1]
        assert any(t.startswith("Release.\n\n<b>Step 2 of 2") for t in sent)
    (entry,) = bot.services.history.recent(CHAT)
    assert entry.completed
    assert entry.pain_before == 4


async def test_restart_with_missed_cues_delivers_them_late_within_the_grace(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    chat = Chat(server, CHAT)
    stopped_at, _, plan = await _session_then_stop(server, tmp_path, test_library, chat)
    # Down 30 s: the cue, halfway, countdown, release and step 2 fell due meanwhile.
    down = plan["announce2"] + 0.5 - plan["stopped"]
    assert down < 60
    bot = build_bot(server, tmp_path, test_library, clock=FakeClock(stopped_at + down))
    async with running(bot):
        sent = chat.new_texts()
        # Missed cues come at once; the stale "Halfway." and countdown are dropped; the
        # release is never skipped; then a word on what happened.
        assert sent[0] == "I was restarted for a moment; your session goes on."
        assert sent[1].startswith("Release.\n\n<b>Step 2 of 2 · Back stretch</b>")
        assert len(sent) == 2
        await bot.run_for(plan["hold2"] - plan["announce2"] - 0.5 + 1e-6)  # float sums
        assert [text.splitlines()[0] for text in chat.new_texts()] == ["Stretch now."]


async def test_long_restart_pauses_with_a_resume_button(
    server: FakeBotServer, tmp_path: Path, test_library: Path, bot_database: str | None
) -> None:
    chat = Chat(server, CHAT)
    stopped_at, _, plan = await _session_then_stop(
        server, tmp_path, test_library, chat, bot_database
    )

    bot = build_bot(
        server,
        tmp_path,
        test_library,
        clock=FakeClock(stopped_at + 600.0),
        database_url=bot_database,
    )
    async with running(bot):
        notice = chat.new()
        assert len(notice) == 1
        assert "I was restarted and your session <b>Long test routine</b> was paused" in (
            notice[0].text
        )
        assert "at step 1 of 2" in notice[0].text
        assert notice[0].buttons()[0][0] == "▶️ Resume"
        assert bot.scheduler is not None
        assert CHAT not in bot.scheduler.pending
        await bot.run_for(60)
        assert chat.new() == []

        assert await press(bot, notice[0], "Resume") == "▶️ Resumed."
        # Resumed: the step message shows it (a new one: the old one is not known after a
        # restart), and it is edited at the next refresh.
        (step_message,) = chat.new()
        assert step_message.text.startswith("<b>Step 1 of 2 · Glute press</b>")
        # It goes on from the last moment the old bot accounted for (the hold start), so the
        # halfway is as far away as it was from the hold start.
        await bot.run_for(plan["halfway"] - plan["hold"] - 0.01)
        assert chat.new() == []
        await bot.run_for(0.02)
        (edit,) = chat.new()
        assert edit.message_id == step_message.message_id
        assert "💬 Breathe out slowly." in edit.text
    stored = bot.services.sessions.store.records.get(CHAT)
    assert stored is not None
    assert stored.state["paused_total_s"] >= 600


async def test_paused_session_stays_paused_and_changed_routine_is_reported(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    chat = Chat(server, CHAT)
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT)
    async with running(bot):
        step = await start_session(bot, chat, "long-test")  # step 1 comes with the get-ready
        await bot.run_for(19)  # into step 1 (after the get-ready and its stop rule)
        chat.new()
        await press(bot, step, "Pause")
        assert [c.method for c in chat.new()] == ["editMessageText"]
        now = bot.clock.now()

    bot2 = build_bot(server, tmp_path, test_library, clock=FakeClock(now + 3600))
    async with running(bot2):
        live = bot2.services.sessions.get(CHAT)
        assert live is not None
        assert live.session.state.value == "paused"
        assert [c.method for c in chat.new()] == []

    # The routine file changes while the bot is down: the session cannot fit it any more.
    routine_file = test_library / "long-test.yaml"
    routine_file.write_text(
        routine_file.read_text().replace("hold_s: 30", "hold_s: 40"), encoding="utf-8"
    )
    bot3 = build_bot(server, tmp_path, test_library, clock=FakeClock(now + 7200))
    async with running(bot3):
        sent = chat.new_texts()
        assert len(sent) == 1
        assert "could not pick up your session" in sent[0]
        assert bot3.services.sessions.get(CHAT) is None
    assert bot3.services.sessions.store.records.get(CHAT) is None
    (entry,) = bot3.services.history.recent(CHAT)
    assert not entry.completed


async def test_a_session_stored_without_its_step_view_gets_a_new_step_message(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    """A session stored before `step_view` existed (or with it unreadable): the first refresh
    after the restart sends a new step message, silently, with the controls, and edits it."""
    chat = Chat(server, CHAT)
    stopped_at, _, plan = await _session_then_stop(server, tmp_path, test_library, chat)
    bot = build_bot(server, tmp_path, test_library, clock=FakeClock(stopped_at + 4.0))
    records = bot.services.sessions.store.records
    stored = records.get(CHAT)
    assert stored is not None
    assert stored.step_view is not None
    assert stored.step_view["message_id"] == plan["step_message"]
    stored.step_view = {"message_id": "not a number", "step": None}
    records.save(stored)
    async with running(bot):
        await bot.run_for(plan["halfway"] - plan["stopped"] - 4.0 + 0.01)
        (step_message,) = chat.new()
        assert step_message.method == "sendMessage"
        assert step_message.message_id != plan["step_message"]
        assert step_message.params.get("disable_notification") in (True, "true", "True")
        assert step_message.text.startswith("<b>Step 1 of 2 · Glute press</b>")
        assert step_message.buttons()[0][0] == "⏸ Pause"
        await bot.run_for(plan["countdown"] - plan["halfway"])
        (edit,) = chat.new()
        assert edit.method == "editMessageText"
        assert edit.message_id == step_message.message_id
