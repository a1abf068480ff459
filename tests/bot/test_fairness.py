"""Load fairness: one chat flooding the bot never delays another by more than a few slots.

A fake handler records the order in which updates get a running slot; updates go through PTB's
real entry point (`BaseUpdateProcessor.process_update`, with its semaphore) as the Application
calls it, one task per update.
"""

from __future__ import annotations

import asyncio
import functools
import logging

import pytest
from telegram import Chat, Message, Update, User

from guide_bot.telegram.updates import MAX_PER_CHAT, ChatOrderedProcessor, FairSlots


@functools.cache
def _message(chat_id: int, user_id: int) -> Message:
    chat = Chat(chat_id, "private" if chat_id == user_id else "group")
    user = User(user_id, "U", is_bot=False)
    return Message(1, date=None, chat=chat, from_user=user, text="x")  # type: ignore[arg-type]


def _update(update_id: int, chat_id: int, user_id: int | None = None) -> Update:
    """An update of a chat and user (their message shared: PTB's objects are slow to build)."""
    return Update(update_id, message=_message(chat_id, chat_id if user_id is None else user_id))


class Recorder:
    """The fake handlers: the order of slots taken; each handler yields once while running."""

    def __init__(self) -> None:
        self.order: list[tuple[int, int]] = []  # (chat, update id)

    async def handle(self, chat: int, update_id: int) -> None:
        self.order.append((chat, update_id))
        await asyncio.sleep(0)


async def _run_all(processor: ChatOrderedProcessor, updates: list[Update], rec: Recorder) -> None:
    tasks = []
    for u in updates:
        assert u.effective_chat is not None
        coro = rec.handle(u.effective_chat.id, u.update_id)
        tasks.append(asyncio.create_task(processor.process_update(u, coro)))
    await asyncio.gather(*tasks)


async def test_a_flood_of_5000_does_not_delay_another_chat(
    caplog: pytest.LogCaptureFixture,
) -> None:
    processor = ChatOrderedProcessor(max_running=4, max_waiting=4096)
    rec = Recorder()
    flood = [_update(i, 10) for i in range(1, 5001)]
    other = _update(9999, 20)
    with caplog.at_level(logging.WARNING, logger="guide_bot.telegram.updates"):
        await _run_all(processor, [*flood, other], rec)
    slot = rec.order.index((20, 9999))
    assert slot <= 2, slot  # handled within the first slots, not after the flood
    handled = [uid for chat, uid in rec.order if chat == 10]
    assert handled == list(range(1, MAX_PER_CHAT + 1))  # the oldest, in order; the rest dropped
    assert processor.dropped == 5000 - MAX_PER_CHAT
    assert processor.ordered_keys == 0
    assert processor.pending(("chat", 10)) == 0
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) <= 2 * (1 + 5000 // 100)  # chat and user keys, first drop and every 100th
    assert "chat 10: 1 updates dropped (more than 20 waiting)" in lines


async def test_after_the_flood_the_chat_is_served_again() -> None:
    processor = ChatOrderedProcessor(max_running=2, max_per_chat=3)
    rec = Recorder()
    await _run_all(processor, [_update(i, 10) for i in range(1, 10)], rec)
    await _run_all(processor, [_update(20, 10)], rec)
    assert [uid for _c, uid in rec.order] == [1, 2, 3, 20]


async def test_one_user_flooding_from_several_chats_is_bounded_too() -> None:
    processor = ChatOrderedProcessor(max_running=2, max_per_chat=5)
    rec = Recorder()
    spam = [_update(i, -100 - (i % 7), user_id=42) for i in range(1, 200)]
    await _run_all(processor, [*spam, _update(999, 7)], rec)
    assert len([c for c, _u in rec.order if c != 7]) == 5
    assert rec.order.index((7, 999)) <= 2


async def test_chats_take_turns_one_update_each() -> None:
    """Under the bound: chat 10 has 6 waiting, 4 other chats arrive later; round-robin."""
    processor = ChatOrderedProcessor(max_running=1, max_per_chat=20)
    rec = Recorder()
    updates = [_update(i, 10) for i in range(1, 7)] + [_update(100 + c, c) for c in (1, 2, 3, 4)]
    await _run_all(processor, updates, rec)
    chats = [c for c, _u in rec.order]
    assert chats[:6] == [10, 1, 2, 3, 4, 10]  # each other chat within 5 slots of arriving
    assert [u for c, u in rec.order if c == 10] == [1, 2, 3, 4, 5, 6]


async def test_fair_slots_hand_over_in_order_and_survive_cancellation() -> None:
    slots = FairSlots(1)
    await slots.acquire()
    got: list[str] = []

    async def take(name: str) -> None:
        await slots.acquire()
        got.append(name)
        slots.release()

    a = asyncio.create_task(take("a"))
    b = asyncio.create_task(take("b"))
    c = asyncio.create_task(take("c"))
    await asyncio.sleep(0)
    b.cancel()
    slots.release()
    await asyncio.gather(a, c, return_exceptions=False)
    assert got == ["a", "c"]
    await slots.acquire()  # the slot came back
    slots.release()
