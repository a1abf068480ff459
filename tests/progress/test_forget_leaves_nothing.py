"""After /forget no text of the user's own routine stays readable in the SQLite files (the
database and its write-ahead log), issue 19."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.harness import Bot, button_data, running, screen, set_mode
from fakebot.server import FakeBotServer
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from guide_bot.storage.base import make_engine, make_sessionmaker
from guide_bot.storage.schema import create_or_migrate
from guide_bot.storage.user_data import load_all_tables
from guide_bot.storage.user_media import UserMediaRepository, made_for
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


def cache_keys(folder: Path) -> set[str]:
    """The keys of every entry in the audio cache folder."""
    return {p.name.split(".", 1)[0] for p in folder.glob("*/*") if not p.name.startswith(".")}


def media_keys(bot: Bot) -> set[str]:
    with bot.services.database() as db:
        return {str(key) for (key,) in db.execute(text("SELECT audio_key FROM media_files"))}


def user_media_rows(bot: Bot) -> int:
    with bot.services.database() as db:
        return int(db.execute(text("SELECT COUNT(*) FROM user_media")).scalar_one())


async def test_forget_deletes_the_voice_notes_and_media_made_from_the_users_routines(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_progress_bot(server, tmp_path, test_library)
    screen(bot.services, ME)
    set_mode(bot.services, ME, "voice")
    audio = tmp_path / "audio"
    mine = routine(title=f"{SECRET} title")
    async with running(bot):
        send_document(server, ME, as_bytes(mine), "evening.yaml")
        await server.wait_for("sendMessage", chat_id=ME, text="Routine added")
        before_files, before_media = cache_keys(audio), media_keys(bot)
        server.send_text(ME, "/session my:my-evening")
        offer = (await server.wait_for("sendMessage", chat_id=ME, text="hurt right now"))[-1]
        server.press(ME, offer.message_id or 0, button_data(offer, "5"))
        await server.wait_for("sendVoice", chat_id=ME, text="Get ready.")
        await server.wait_idle()
        await bot.run_for(30)  # into the step (the get-ready note spoke it: the user's words)
        await server.wait_idle()
        made_files = cache_keys(audio) - before_files
        made_media = media_keys(bot) - before_media
        assert len(made_media) >= 1  # the get-ready note, with step 1 in it, uploaded
        assert made_media <= made_files
        assert user_media_rows(bot) >= len(made_files)

        server.send_text(ME, "/forget")
        (question,) = await server.wait_for("sendMessage", chat_id=ME, text="cannot be undone")
        server.press(ME, question.message_id or 0, button_data(question, "Delete everything"))
        await server.wait_for("editMessageText", chat_id=ME, text="Done")
        await server.wait_idle()
        assert cache_keys(audio) & made_files == set()  # no file made from the routine is left
        assert media_keys(bot) & made_media == set()  # nor its file ids
        assert user_media_rows(bot) == 0
        await bot.run_for(600)  # nothing about the user is written again afterwards
        await server.wait_idle()
        assert cache_keys(audio) & made_files == set()
        assert user_media_rows(bot) == 0
        assert bot.services.sessions.of_user(ME) == []


def test_keys_noted_while_writes_fail_are_still_found_and_written_later(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    load_all_tables()
    create_or_migrate(engine)
    factory = make_sessionmaker(engine)
    full = [True]

    class Disk:
        """The sessionmaker, whose writes fail while the disk is full."""

        def __call__(self) -> Any:
            return factory()

        def begin(self) -> Any:
            if full[0]:
                raise OperationalError("INSERT", {}, Exception("database or disk is full"))
            return factory.begin()

    repo = UserMediaRepository(Disk())  # type: ignore[arg-type]
    with made_for(ME):
        repo.note("clip-a")
    assert repo.keys(ME) == ["clip-a"]  # kept in memory: /forget still finds it
    full[0] = False
    with made_for(ME):
        repo.note("clip-b")
    repo.forget(ME)  # nothing in memory now: what /forget finds comes from the table
    assert UserMediaRepository(factory).keys(ME) == ["clip-a", "clip-b"]
    repo.note("unmarked")  # work not marked for a user is not kept
    assert UserMediaRepository(factory).keys(ME) == ["clip-a", "clip-b"]
