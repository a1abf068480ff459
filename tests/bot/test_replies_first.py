"""Replies to updates go before background sends in the overall pace (telegram/replies.py).

After a restart the catch-up messages of the restored sessions filled the rate limiter's line and
a /help waited behind them (issue 18, item 4; bench/README.md, "Fix 11").
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update, User

from guide_bot.telegram.ratelimit import EvenPace
from guide_bot.telegram.replies import RepliesFirst, is_reply, replying
from guide_bot.telegram.updates import ChatOrderedProcessor


async def _take(lock: RepliesFirst, got: list[str], name: str, reply: bool) -> None:
    """Take the lock (as a reply to an update, or not) and note who got it."""
    if reply:
        with replying():
            async with lock:
                got.append(name)
    else:
        async with lock:
            got.append(name)


async def _order(lock: RepliesFirst, asks: list[tuple[str, bool]]) -> list[str]:
    """Names in the order they got the lock; the lock is held while they all ask."""
    got: list[str] = []
    await lock.__aenter__()  # held: everyone below waits
    tasks = []
    for name, reply in asks:
        tasks.append(asyncio.create_task(_take(lock, got, name, reply)))
        await asyncio.sleep(0)  # each asks in turn
    await lock.__aexit__()
    await asyncio.gather(*tasks)
    return got


async def test_replies_go_first_and_each_line_keeps_its_order() -> None:
    asks = [("b1", False), ("b2", False), ("r1", True), ("b3", False), ("r2", True)]
    assert await _order(RepliesFirst(), asks) == ["r1", "r2", "b1", "b2", "b3"]


async def test_without_replies_it_is_first_come_first_served() -> None:
    asks = [(f"b{i}", False) for i in range(5)]
    assert await _order(RepliesFirst(), asks) == [f"b{i}" for i in range(5)]


async def test_a_waiter_cancelled_passes_the_lock_on() -> None:
    lock = RepliesFirst()
    got: list[str] = []

    async def one(name: str) -> None:
        async with lock:
            got.append(name)

    await lock.__aenter__()
    first = asyncio.create_task(one("cancelled"))
    second = asyncio.create_task(one("next"))
    await asyncio.sleep(0)
    await lock.__aexit__()  # handed to the first waiter, which is cancelled before it runs
    first.cancel()
    await asyncio.gather(first, second, return_exceptions=True)
    assert got == ["next"]
    async with lock:  # and the lock is free again
        got.append("after")
    assert got == ["next", "after"]


async def test_giving_way_hands_the_lock_to_a_reply_and_takes_it_back_before_the_rest() -> None:
    lock = RepliesFirst()
    got: list[str] = []
    await lock.acquire()
    tasks = [
        asyncio.create_task(_take(lock, got, "b1", False)),
        asyncio.create_task(_take(lock, got, "r1", True)),
    ]
    await asyncio.sleep(0)
    assert lock.replies_waiting
    await lock.give_way()  # r1 runs, then this holder has it back before b1
    got.append("holder")
    lock.release()
    await asyncio.gather(*tasks)
    assert got == ["r1", "holder", "b1"]
    assert not lock.replies_waiting


async def test_a_reply_is_marked_only_while_its_update_is_handled() -> None:
    seen: dict[str, bool] = {}
    later = asyncio.Event()

    async def started_by_the_handler() -> None:
        seen["task, while handling"] = is_reply()
        await later.wait()
        seen["task, after the handler"] = is_reply()

    async def handler() -> None:
        seen["handler"] = is_reply()
        task = asyncio.create_task(started_by_the_handler())
        await asyncio.sleep(0)
        handler_task.append(task)

    handler_task: list[asyncio.Task[None]] = []
    processor = ChatOrderedProcessor()
    user = User(id=5, first_name="A", is_bot=False)
    chat = Chat(id=5, type="private")
    when = datetime(2026, 12, 6, tzinfo=UTC)
    message = Message(message_id=1, date=when, chat=chat, from_user=user, text="/help")
    await processor.do_process_update(Update(update_id=1, message=message), handler())
    assert not is_reply()
    later.set()
    await handler_task[0]
    assert seen == {
        "handler": True,
        "task, while handling": True,
        "task, after the handler": False,
    }


async def test_in_the_pace_a_reply_overtakes_the_queued_background_sends() -> None:
    pace = EvenPace(30)
    got: list[str] = []

    async def send(name: str) -> None:
        async with pace:
            got.append(name)

    background = [asyncio.create_task(send(f"b{i}")) for i in range(6)]
    await asyncio.sleep(0)  # the first is through, the others wait for their slots

    async def answer() -> None:
        with replying():
            await send("reply")

    await asyncio.gather(answer(), *background)
    assert got.index("reply") == 1  # the slot the next background send was waiting for
    assert sorted(got) == sorted([*(f"b{i}" for i in range(6)), "reply"])
