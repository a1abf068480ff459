"""After /forget no text of the user's own routine stays readable in the SQLite files (the
database and its write-ahead log), issue 19."""

from __future__ import annotations

from pathlib import Path

from bot.harness import button_data, running, screen
from fakebot.server import FakeBotServer

from progress.harness import build_progress_bot, send_document
from progress.test_uploads import as_bytes, routine

ME = 4242
SECRET = "Zebra-marmalade-7731 knee"


def raw_bytes(folder: Path) -> bytes:
    """Every byte of every SQLite file (database, -wal, -shm) under the data folder."""
    return b"".join(
        path.read_bytes() for path in sorted(folder.rglob("*.sqlite3*")) if path.is_file()
    )


async def test_forget_leaves_no_readable_text_in_the_database_files(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_progress_bot(server, tmp_path, test_library)
    screen(bot.services, ME)
    mine = routine(summary=f"{SECRET} summary", title=f"{SECRET} title")
    async with running(bot):
        send_document(server, ME, as_bytes(mine), "evening.yaml")
        await server.wait_for("sendMessage", chat_id=ME, text="Routine added")
        assert SECRET.encode() in raw_bytes(tmp_path)  # the test can see it while it is there
        server.send_text(ME, "/forget")
        (question,) = await server.wait_for("sendMessage", chat_id=ME, text="cannot be undone")
        server.press(ME, question.message_id or 0, button_data(question, "Delete everything"))
        await server.wait_for("editMessageText", chat_id=ME, text="Done")
        assert bot.services.user_routines.entries(ME) == []
        assert SECRET.encode() not in raw_bytes(tmp_path)
