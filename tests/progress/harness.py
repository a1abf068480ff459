"""The bot with the progress features, run against the fake Bot API server; upload helpers."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.harness import Bot, build_bot
from fakebot.server import FakeBotServer

from guide_bot.domain.clock import FakeClock
from guide_bot.progress.history import HistoryEntry

START = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)  # a Wednesday
_message_ids = itertools.count(900_000)


def build_progress_bot(
    server: FakeBotServer, data_dir: Path, library: Path, *, now: datetime = START
) -> Bot:
    """The bot as `guide-bot run` builds it (reminders and progress), with a fake clock."""
    return build_bot(
        server,
        data_dir,
        library,
        clock=FakeClock(start=now.timestamp()),
        features=("reminders", "progress"),
    )


def send_document(
    server: FakeBotServer,
    chat_id: int,
    data: bytes,
    file_name: str,
    *,
    announced_size: int | None = None,
    user_id: int | None = None,
) -> str:
    """A user sends a file: it is stored on the fake server (for getFile); returns its file_id."""
    file_id = server.add_file(data)
    message: dict[str, Any] = {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private"},
        "from": server.user(user_id or chat_id),
        "document": {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": file_name,
            "mime_type": "application/x-yaml",
            "file_size": len(data) if announced_size is None else announced_size,
        },
    }
    server.inject({"message": message})
    return file_id


def add_history(
    bot: Bot,
    user_id: int,
    *,
    days_ago: float,
    minutes: float = 10,
    routine_id: str = "quick-test",
    completed: bool = True,
    pain: tuple[int | None, int | None] = (None, None),
) -> int:
    """Store a finished session as the sessions would, `days_ago` before the fake clock's now."""
    started = bot.services.now_utc() - timedelta(days=days_ago)
    return bot.services.history.add(
        HistoryEntry(
            user_id=user_id,
            routine_id=routine_id,
            started_at=started,
            ended_at=started + timedelta(minutes=minutes),
            active_s=minutes * 60,
            completed=completed,
            steps_done=3 if completed else 1,
            steps_total=3,
            pain_before=pain[0],
            pain_after=pain[1],
        )
    )
