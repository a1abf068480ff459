"""A full disk mid-session (the repository raising, as SQLite does on SQLITE_FULL): the bot keeps
running, and the history entry of a session ending meanwhile is kept and stored once the
storage is back (issue 19)."""

from __future__ import annotations

from pathlib import Path

from fakebot.server import FakeBotServer
from sqlalchemy.exc import OperationalError

from bot.harness import build_bot, ready_user, running
from bot.test_session_flow import CHAT, Chat, start_session


async def test_a_full_disk_at_the_end_of_a_session_loses_no_history(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT)
    sessions = bot.services.sessions
    store = sessions.store
    real_end = store.end
    disk_full = [True]

    def end(*args: object, **kwargs: object) -> int:
        if disk_full[0]:
            raise OperationalError("INSERT", {}, Exception("database or disk is full"))
        return real_end(*args, **kwargs)  # type: ignore[arg-type]

    store.end = end  # type: ignore[method-assign]
    async with running(bot):
        chat = Chat(server, CHAT)
        await start_session(bot, chat, "quick-test")
        server.send_text(CHAT, "/stop")
        await server.wait_idle(0.1)
        assert sessions.get(CHAT) is None
        assert sessions.unended == 1
        assert bot.services.history.recent(CHAT) == []
        # the bot still answers
        server.send_text(CHAT, "/help")
        await server.wait_for("sendMessage", chat_id=CHAT, text="/session")
        sessions.flush()  # the next batch: still full, still kept
        assert sessions.unended == 1
        disk_full[0] = False
        sessions.flush()
        assert sessions.unended == 0
        (entry,) = bot.services.history.recent(CHAT)
        assert entry.routine_id == "quick-test"
        assert not entry.completed
