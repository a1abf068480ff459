"""After a restart the stored sessions are taken in by a background task, batch by batch
(guide_bot/sessions/restore.py `Restorer`), so that the bot answers at once (issue 18, item 4).
A chat whose user taps a button before its batch came has its session taken in at once and is
answered, as if the restore had reached it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from fakebot.server import FakeBotServer

from bot.harness import build_bot, button_data, event_at, ready_user, running
from bot.test_session_flow import Chat, start_session
from guide_bot.domain.clock import FakeClock
from guide_bot.sessions.restore import BATCH

CHAT = 900_000  # above every other chat: the restore's batches go in chat order, it is last
OTHERS = 12 * BATCH  # many more turns of the event loop than answering a tap takes


async def test_a_chat_touched_before_its_batch_is_taken_in_at_once_and_answered(
    server: FakeBotServer, tmp_path: Path, test_library: Path, bot_database: str | None
) -> None:
    chat = Chat(server, CHAT)
    first = build_bot(server, tmp_path, test_library, database_url=bot_database)
    ready_user(first.services, CHAT)
    async with running(first):
        await start_session(first, chat, "long-test")
        hold = event_at(first, CHAT, "hold_start", 1)
        await first.run_for(hold + 1.0)  # holding step 1
        chat.new()
    store = first.services.sessions.store.records
    stored = store.get(CHAT)
    assert stored is not None
    for other in range(1, OTHERS + 1):  # other people's sessions, at the same point
        store.save(dataclasses.replace(stored, chat_id=other, user_id=other))
    stopped_at = first.clock.now()

    bot = build_bot(
        server,
        tmp_path,
        test_library,
        clock=FakeClock(stopped_at + 1.0),
        database_url=bot_database,
    )
    async with running(bot, restored=False):
        sessions = bot.services.sessions
        restorer = sessions._restorer
        assert restorer is not None
        assert restorer.pending > 0
        controls = next(
            c for c in reversed(server.sent(CHAT)) if any("Pause" in b for b, _ in c.buttons())
        )
        # how many sessions still waited for their batch when the tap first touched this chat
        waiting_at_touch: list[int] = []
        take = restorer.take

        def spied_take(chat_id: int) -> None:
            if chat_id == CHAT and not waiting_at_touch:
                waiting_at_touch.append(restorer.pending)
            take(chat_id)

        restorer.take = spied_take  # type: ignore[method-assign]
        before = len(server.calls_of("answerCallbackQuery"))
        server.press(CHAT, controls.message_id or 0, button_data(controls, "Pause"))
        answer = (await server.wait_for("answerCallbackQuery", count=before + 1))[-1]
        # the restore had not reached its batch (the last) yet; it was answered all the same
        assert waiting_at_touch[0] > BATCH
        assert str(answer.params.get("text")).startswith("⏸ Paused at step 1 of 2.")
        live = sessions.live.get(CHAT)
        assert live is not None
        assert live.session.state.value == "paused"
        await sessions.restored()
        assert restorer.pending == 0
        assert len(sessions.live) == OTHERS + 1
        assert restorer.counts["continued"] == OTHERS + 1
        assert restorer.counts["lost"] == 0
        assert sessions.live[CHAT] is live  # taken in once, not again by its batch
        assert live.session.state.value == "paused"
