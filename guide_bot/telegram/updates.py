"""The update processor: chats concurrently, the updates of one chat (and user) strictly in order.

PTB's default handles one update at a time, so one chat's slow update (a voice note rendered on
Resume, a chart, an upload) held up every other chat. `ChatOrderedProcessor` runs updates
concurrently, but an update waits for the earlier updates of its chat and of its user: the
handlers' per-user state (screening answers and reminders waiting for a time zone in the
database, the /forget token in `user_data`) and the session sessions then see their updates one by
one, as before.

Each chat and each user has a queue: an update joins the queues of its chat and its user when it
arrives, in one step, and runs when the updates before it in those queues are done. It waits only
for earlier updates, so two updates can never wait on each other.
PTB's own semaphore (taken before an update reaches `do_process_update`) only bounds how many
updates may be waiting; the bound on handlers actually running is applied after the chat's lock,
so a chat that floods the bot queues behind its own lock and never takes the slots of other chats.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_RUNNING = 64  # handlers running at once, across all chats
MAX_WAITING = 4096  # updates accepted for processing (running or waiting for their chat)

Key = tuple[str, int]


def order_keys(update: object) -> list[Key]:
    """What an update must be ordered with: its chat and its user (none for other updates)."""
    if not isinstance(update, Update):
        return []
    keys: set[Key] = set()
    if update.effective_chat is not None:
        keys.add(("chat", update.effective_chat.id))
    if update.effective_user is not None:
        keys.add(("user", update.effective_user.id))
    return sorted(keys)


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Concurrent across chats, in order within a chat and a user, at most `max_running` at once."""

    def __init__(self, max_running: int = MAX_RUNNING, max_waiting: int = MAX_WAITING) -> None:
        if max_running < 1:
            raise ValueError("max_running must be a positive integer")
        super().__init__(max(max_waiting, max_running))
        self._running = asyncio.BoundedSemaphore(max_running)
        self._tails: dict[Key, asyncio.Future[None]] = {}  # the last update of each chat/user

    @property
    def ordered_keys(self) -> int:
        """How many chats/users have an update running or waiting (for tests: none leak)."""
        return len(self._tails)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Queue behind the earlier updates of its chat and user, then a running slot; handle."""
        keys = order_keys(update)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        before = {self._tails[key] for key in keys if key in self._tails}
        for key in keys:  # joins every queue at once, at arrival: arrival order is kept
            self._tails[key] = done
        try:
            if before:
                await asyncio.wait(before)
            async with self._running:
                await coroutine
        finally:
            done.set_result(None)
            for key in keys:
                if self._tails.get(key) is done:
                    del self._tails[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""
