"""Several front ends on one session: each hears every event; an action from any is one action.

A second front end (as the live view or a speaker adapter is) is attached to the real bot's
session service next to the chat. Pausing through the service, as that front end would, pauses
the chat's session: the chat's buttons turn to Resume and the scheduled step stops.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fakebot.server import FakeBotServer

from bot.harness import build_bot, event_at, ready_user, running
from bot.test_session_flow import CHAT, Chat, start_session
from guide_bot.domain.session import Due, Position, SessionState
from guide_bot.sessions.live import LiveSession
from guide_bot.sessions.ports import Acted, Ended, FrontEnd
from guide_bot.storage.sessions import StoredSession


class Recording:
    """A front end that writes down what it is told."""

    def __init__(self) -> None:
        self.heard: list[tuple[str, object]] = []

    async def delivered(self, live: LiveSession, dues: Sequence[Due], now: float) -> None:
        self.heard += [("due", due.event.kind.value) for due in dues]

    async def acted(self, live: LiveSession, acted: Acted) -> None:
        self.heard.append(("acted", acted.action))

    async def speech_unavailable(self, live: LiveSession) -> None:
        self.heard.append(("no speech", live.chat_id))

    async def ended(self, live: LiveSession, ended: Ended, *, notify: bool, ask_pain: bool) -> None:
        self.heard.append(("ended", ended.completed))

    async def restored_late(self, live: LiveSession) -> None:
        self.heard.append(("late", live.chat_id))

    async def restored_paused(self, live: LiveSession, where: Position) -> None:
        self.heard.append(("paused", where.step))

    async def restored_lost(self, record: StoredSession) -> None:
        self.heard.append(("lost", record.chat_id))


async def test_a_second_front_end_hears_everything_and_acts_on_the_same_session(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    other = Recording()
    front_end: FrontEnd = other  # it implements the port
    bot.services.sessions.attach(front_end)
    ready_user(bot.services, CHAT)
    chat = Chat(server, CHAT)
    async with running(bot):
        await start_session(bot, chat, "long-test")
        await bot.run_for(event_at(bot, CHAT, "hold_start", 1) + 1)
        assert ("due", "prepare") in other.heard
        assert ("due", "announce") in other.heard
        step = [c for c in server.sent(CHAT) if "<b>Step 1" in c.text][-1]

        live = await bot.services.sessions.control(CHAT, "pause")  # from the other front end
        await server.wait_idle()
        assert live is not None
        assert live.session.state is SessionState.PAUSED
        assert ("acted", "pause") in other.heard
        edits = [c for c in chat.new() if c.method == "editMessageText"]
        assert int(edits[-1].params["message_id"]) == step.message_id
        assert edits[-1].buttons()[0][0] == "▶️ Resume"  # the chat shows the change
        assert CHAT not in (bot.scheduler.pending if bot.scheduler else {})

        await bot.services.sessions.stop(CHAT)
        await server.wait_idle()
        assert other.heard[-1] == ("ended", False)
        assert chat.new()[-1].text.startswith("Session stopped.")


async def test_a_failing_front_end_does_not_stop_the_chat(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    class Broken(Recording):
        async def delivered(self, live: LiveSession, dues: Sequence[Due], now: float) -> None:
            raise RuntimeError("this front end is broken")

    bot = build_bot(server, tmp_path, test_library)
    broken = Broken()
    bot.services.sessions.attach(broken)
    bot.services.sessions.detach(broken)
    bot.services.sessions.attach(broken)
    assert list(bot.services.sessions.front_ends)[-1] is broken
    ready_user(bot.services, CHAT)
    chat = Chat(server, CHAT)
    async with running(bot):
        first = await start_session(bot, chat, "long-test")
        await bot.run_for(30)
        texts = chat.new_texts()
        assert "<b>Step 1 of 2" in first.text
        assert "Press now." in [text.splitlines()[0] for text in texts]
