"""The update processor: chats concurrently and fairly, the updates of one chat (and user) in order.

PTB's default handles one update at a time, so one chat's slow update (a voice note rendered on
Resume, a chart, an upload) held up every other chat. `ChatOrderedProcessor` runs updates
concurrently, but an update waits for the earlier updates of its chat and of its user: the
handlers' per-user state (screening answers and reminders waiting for a time zone in the
database, the /forget token in `user_data`) and the session sessions then see their updates one by
one, as before.

Each chat and each user has a queue: an update joins the queues of its chat and its user when it
arrives, in one step, and runs when the updates before it in those queues are done. It waits only
for earlier updates, so two updates can never wait on each other.

Fairness, so that one chat or user never holds back another (docs/bot.md, "Load fairness"):
- A bound per chat and per user: at most `max_per_chat` updates of one chat (or one user) may be
  running or waiting. An update beyond it is dropped at once (it holds PTB's queue place only for
  the check): it is not handled and not answered (so nothing is ever answered twice), and the
  drop is logged with the chat or user id and a count, never the update. A person typing or tapping
  cannot reach the bound (each update waits for the one before it in the chat, and handlers take
  milliseconds); a script flooding the bot loses its excess instead of delaying everybody else.
- Round-robin running slots: at most `max_running` handlers run at once, and a free slot goes to
  the update that has waited longest for one. Within a chat only the oldest update is ever ready
  for a slot, so a chat that is served goes to the back of the line: with many chats waiting,
  they take turns, one update each.
PTB's own semaphore (taken before `do_process_update`) bounds how many updates are accepted in all
(`max_waiting`); a dropped update gives its place back at once, so with the per-chat bound it only
fills up when hundreds of chats flood at the same time.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from guide_bot.telegram.replies import replying

log = logging.getLogger(__name__)

MAX_RUNNING = 64  # handlers running at once, across all chats
MAX_WAITING = 4096  # updates accepted for processing (running or waiting for their chat)
MAX_PER_CHAT = 20  # updates of one chat (or one user) running or waiting; more are dropped
LOG_EVERY_DROPS = 100  # one log line for the first drop of a key and then every 100th

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


class FairSlots:
    """`size` running slots, handed out strictly in the order they were asked for (no barging)."""

    def __init__(self, size: int) -> None:
        self._free = size
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def acquire(self) -> None:
        """Take a slot, waiting behind everyone who asked before."""
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed a slot while being cancelled: pass it on
            else:
                self._waiters.remove(waiter)
            raise

    def release(self) -> None:
        """Give the slot to the longest waiter, or free it."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._free += 1


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Concurrent and fair across chats, in order within a chat and a user, bounded per chat."""

    def __init__(
        self,
        max_running: int = MAX_RUNNING,
        max_waiting: int = MAX_WAITING,
        max_per_chat: int = MAX_PER_CHAT,
    ) -> None:
        if max_running < 1:
            raise ValueError("max_running must be a positive integer")
        if max_per_chat < 1:
            raise ValueError("max_per_chat must be a positive integer")
        super().__init__(max(max_waiting, max_running))
        self.max_per_chat = max_per_chat
        self._slots = FairSlots(max_running)
        self._tails: dict[Key, asyncio.Future[None]] = {}  # the last update of each chat/user
        self._pending: dict[Key, int] = {}  # updates of each chat/user accepted and not done
        self._dropped: dict[Key, int] = {}
        self.dropped = 0

    @property
    def ordered_keys(self) -> int:
        """How many chats/users have an update running or waiting (for tests: none leak)."""
        return len(self._tails)

    def pending(self, key: Key) -> int:
        """Updates of a chat or user accepted and not yet done."""
        return self._pending.get(key, 0)

    def _drop(self, keys: list[Key], coroutine: Awaitable[Any]) -> None:
        if asyncio.iscoroutine(coroutine):
            coroutine.close()  # never started: nothing runs, nothing is answered
        self.dropped += 1
        for key in keys:
            count = self._dropped.get(key, 0) + 1
            self._dropped[key] = count
            if count == 1 or count % LOG_EVERY_DROPS == 0:
                log.warning(
                    "%s %s: %d updates dropped (more than %d waiting)",
                    key[0],
                    key[1],
                    count,
                    self.max_per_chat,
                )

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Drop the update if its chat or user is over the bound; else queue and handle it.

        PTB takes its own semaphore just before this; a dropped update gives it back at once.
        """
        keys = order_keys(update)
        full = [key for key in keys if self._pending.get(key, 0) >= self.max_per_chat]
        if full:
            self._drop(full, coroutine)
            return
        for key in keys:
            self._pending[key] = self._pending.get(key, 0) + 1
        try:
            await self._in_order(keys, coroutine)
        finally:
            for key in keys:
                left = self._pending[key] - 1
                if left:
                    self._pending[key] = left
                else:
                    del self._pending[key]
                    self._dropped.pop(key, None)

    async def _in_order(self, keys: list[Key], coroutine: Awaitable[Any]) -> None:
        """Queue behind the earlier updates of its chat and user, then a running slot; handle."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        before = {self._tails[key] for key in keys if key in self._tails}
        for key in keys:  # joins every queue at once, at arrival: arrival order is kept
            self._tails[key] = done
        try:
            if before:
                await asyncio.wait(before)
            await self._slots.acquire()
            try:
                with replying():  # its Bot API calls go before background sends
                    await coroutine
            finally:
                self._slots.release()
        finally:
            done.set_result(None)
            for key in keys:
                if self._tails.get(key) is done:
                    del self._tails[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""
