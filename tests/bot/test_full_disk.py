"""A full disk mid-session, made real: SQLite answers SQLITE_FULL ("database or disk is full")
because every connection gets `PRAGMA max_page_count` at the file's size and the tables the bot
writes are filled to their last page; the audio cache's writes fail with ENOSPC. The bot keeps
running, tells the user once what is wrong and what is kept, logs one line for the operator, and
stores what it kept once there is room again (issue 19). Driven over HTTP against the fake server.
"""

from __future__ import annotations

import asyncio
import errno
import logging
from pathlib import Path
from typing import Any

import pytest
from fakebot.server import FakeBotServer
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import OperationalError

from bot.harness import Bot, build_bot, ready_user, running
from bot.test_session_flow import CHAT, Chat, press, start_session
from guide_bot.sessions.keeping import SAVE_DELAY_S
from guide_bot.speech import cache as cache_module

FILLER_USER = 987_654_321
NEWCOMER = 7007


class FullDisk:
    """The bot's SQLite database with no room left, and room again."""

    def __init__(self, bot: Bot) -> None:
        engine = bot.services.database.kw["bind"]
        assert isinstance(engine, Engine)
        self.engine = engine
        self.pages = 0

    def _limit(self, dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA max_page_count = {self.pages}")
        cursor.close()

    def fill(self) -> None:
        """No page may be added from now on, and the last pages of the bot's tables are full."""
        with self.engine.connect() as db:
            self.pages = int(db.exec_driver_sql("PRAGMA page_count").scalar_one())
        event.listen(self.engine, "connect", self._limit)
        self.engine.dispose()  # every connection from now on has the limit
        self._fill("INSERT INTO session_history (user_id, routine_id, started_at, ended_at, "
                   "active_s, completed, steps_done, steps_total) VALUES (:u, 'filler', "
                   "'2026-01-01', '2026-01-01', 0, 0, 0, 0)")  # fmt: skip
        self._fill("INSERT INTO active_sessions (chat_id, user_id, session_id, version, "
                   "routine_id, mode, state, plan, speech_failed, started_at, updated_at) "
                   "VALUES (:u * 1000 + (SELECT COUNT(*) FROM active_sessions), :u, 'f', 0, "
                   "'filler', 'text', '{}', '{}', 0, '2026-01-01', '2026-01-01')")  # fmt: skip
        self._fill("INSERT INTO media_files (audio_key, file_id) VALUES ('zz-filler-' || "
                   ":u || '-' || (SELECT COUNT(*) FROM media_files), 'filler')")  # fmt: skip
        self._fill("INSERT INTO users (user_id, chat_id, created_at, mode, slow, countdown) "
                   "VALUES (:u * 1000 + (SELECT COUNT(*) FROM users), :u, '2026-01-01', "
                   "'text', 0, 1)")  # fmt: skip

    def _fill(self, sql: str) -> None:
        """Insert filler rows until SQLite answers SQLITE_FULL."""
        with self.engine.connect() as db:
            while self._insert(db, sql):
                pass

    @staticmethod
    def _insert(db: Any, sql: str) -> bool:
        try:
            db.execute(text(sql), {"u": FILLER_USER})
            db.commit()
            return True
        except OperationalError as exc:
            error = str(exc)
            db.rollback()
        assert "database or disk is full" in error  # the real SQLITE_FULL
        return False

    def free(self) -> None:
        """Room again: the limit goes, the filler rows too."""
        event.remove(self.engine, "connect", self._limit)
        self.engine.dispose()
        with self.engine.begin() as db:
            for table in ("session_history", "active_sessions"):
                db.execute(text(f"DELETE FROM {table} WHERE user_id = :u"), {"u": FILLER_USER})
            db.execute(text("DELETE FROM users WHERE chat_id = :u"), {"u": FILLER_USER})
            db.execute(text("DELETE FROM media_files WHERE file_id = 'filler'"))


def storage_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "guide_bot.storage.health"]


async def test_a_full_disk_mid_session_keeps_the_bot_running_and_loses_nothing(
    server: FakeBotServer, tmp_path: Path, test_library: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT)
    sessions = bot.services.sessions
    disk = FullDisk(bot)
    chat = Chat(server, CHAT)
    caplog.set_level(logging.INFO)
    async with running(bot):
        await start_session(bot, chat, "long-test")
        await bot.run_for(10)
        disk.fill()
        await bot.run_for(10)  # steps go on
        server.send_text(CHAT, "/stop")
        await server.wait_idle()
        await asyncio.sleep(2.5 * SAVE_DELAY_S)  # what was kept is tried again, twice
        texts = chat.new_texts()
        print(texts)
        warned = [t for t in texts if "disk is full" in t]
        assert len(warned) == 1  # one clear message
        assert "save them as soon as there is room" in warned[0]
        assert sessions.unended == 1
        assert bot.services.history.recent(CHAT) == []
        server.send_text(CHAT, "/help")  # the bot still answers
        await server.wait_for("sendMessage", chat_id=CHAT, text="/session")
        # a new session while the disk is full: it runs, stored once there is room
        server.send_text(CHAT, "/session long-test")
        offer = (await server.wait_for("sendMessage", chat_id=CHAT, text="hurt right now"))[-1]
        await press(bot, offer, "5")
        await server.wait_for("sendMessage", chat_id=CHAT, text="Get ready.", count=2)
        await server.wait_idle()
        await bot.run_for(30)
        texts = chat.new_texts()
        print(texts)
        assert any("Step 1 of 2" in t for t in texts)
        assert sessions.get(CHAT) is not None
        # someone new writes while the disk is full: told why nothing can be done
        server.send_text(NEWCOMER, "/start")
        (answer,) = await server.wait_for("sendMessage", chat_id=NEWCOMER)
        assert "I could not do that: the bot's disk is full" in answer.text
        await server.wait_idle()
        assert len(server.sent(NEWCOMER)) == 1  # one answer, however many steps failed
        lines = storage_lines(caplog)
        assert len(lines) == 1  # one line for the operator
        assert "disk full" in lines[0]

        disk.free()
        await asyncio.sleep(1.5 * SAVE_DELAY_S)  # the next try stores it
        assert sessions.unended == 0
        assert sessions.unsaved == 0
        stored = sessions.store.get(CHAT)
        assert stored is not None
        assert stored.state == sessions.get(CHAT).session.to_dict()  # type: ignore[union-attr]
        (entry,) = bot.services.history.recent(CHAT)
        assert entry.routine_id == "long-test"
        assert not entry.completed
        assert len(storage_lines(caplog)) == 2  # and one when it is over
        assert [t for t in chat.new_texts() if "disk is full" in t] == []
        server.send_text(NEWCOMER, "/start")  # and the newcomer is welcome now
        await server.wait_for("sendMessage", chat_id=NEWCOMER, count=2)
        assert bot.services.users.get(NEWCOMER) is not None


async def test_a_full_disk_under_the_audio_cache_keeps_voice_notes_coming(
    server: FakeBotServer,
    tmp_path: Path,
    test_library: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every cache write fails with ENOSPC while a voice session starts and runs: its cues are
    synthesized and its notes sent from memory; one log line, nothing said about speech."""
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT, mode="voice")
    chat = Chat(server, CHAT)
    real_write = cache_module._atomic_write
    full = [True]

    def write(path: Path, data: bytes) -> None:
        if full[0]:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real_write(path, data)

    monkeypatch.setattr(cache_module, "_atomic_write", write)
    caplog.set_level(logging.INFO)
    disk = FullDisk(bot)
    async with running(bot):
        disk.fill()  # the database too: the notes' file ids cannot be stored either
        await start_session(bot, chat, "long-test")  # its cues synthesized, nothing kept
        await bot.run_for(20)
        await server.wait_idle()
        notes = [c for c in server.sent(CHAT) if c.method == "sendVoice"]
        assert len(notes) == 1  # the get-ready note, which speaks step 1 too
        assert "Step 1 of 2" in notes[0].text
        assert not any("not available" in t for t in chat.new_texts())
        cache = bot.services.sessions.speech.cache  # type: ignore[union-attr]
        assert cache.total_bytes() == 0
        lines = [r.getMessage() for r in caplog.records if r.name == "guide_bot.speech.cache"]
        assert len(lines) == 1
        assert "disk full" in lines[0]
        assert "a front end failed" not in caplog.text  # nothing broke on the way

        full[0] = False
        disk.free()
        await bot.run_for(40)  # step 2: written to the cache again
        await server.wait_idle()
        assert "Step 2 of 2" in chat.new()[0].text
        assert cache.total_bytes() > 0
        lines = [r.getMessage() for r in caplog.records if r.name == "guide_bot.speech.cache"]
        assert lines[-1] == "audio cache: writing works again"


async def test_a_hands_free_track_that_cannot_be_kept_is_still_sent(
    server: FakeBotServer,
    tmp_path: Path,
    test_library: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT, mode="hands")
    chat = Chat(server, CHAT)

    def write(path: Path, _data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(cache_module, "_atomic_write", write)
    async with running(bot):
        server.send_text(CHAT, "/session quick-test")
        offer = (await server.wait_for("sendMessage", chat_id=CHAT, text="hurt right now"))[-1]
        await press(bot, offer, "4")
        (audio,) = await server.wait_for("sendAudio", chat_id=CHAT)
        await server.wait_idle()
        assert audio.files  # the track, uploaded from memory
        assert not any("not available" in t for t in chat.new_texts())
