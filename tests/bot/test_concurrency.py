"""Updates of different chats run concurrently; updates of one chat run strictly in order."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from fakebot.server import FakeBotServer
from telegram import Chat, Message, Update, User

from bot.harness import build_bot, running
from guide_bot.telegram.updates import ChatOrderedProcessor, order_keys

SLOW, FAST = 4004, 5005
DELAY_S = 1.5


async def test_a_slow_chat_does_not_hold_up_another(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    async with running(bot):
        server.delay("sendMessage", DELAY_S, chat_id=SLOW)  # chat A's answer hangs 1.5 s
        server.send_text(SLOW, "/help")
        await server.wait_for("sendMessage", chat_id=SLOW)  # A's handler is now waiting
        injected = time.monotonic()
        server.send_text(FAST, "/help")
        (answer,) = await server.wait_for("sendMessage", chat_id=FAST)
        assert answer.at - injected < DELAY_S / 2  # B did not wait for A
        assert "What I can do" in answer.text


async def test_updates_of_one_chat_run_in_order(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    async with running(bot):
        server.delay("sendMessage", DELAY_S, chat_id=SLOW)  # only the first answer is slow
        server.send_text(SLOW, "/help")
        server.send_text(SLOW, "/settings")
        server.send_text(SLOW, "/routines")
        calls = await server.wait_for("sendMessage", chat_id=SLOW, count=3, within=8)
        help_, settings, routines = calls
        assert "What I can do" in help_.text
        assert "Settings" in settings.text or "settings" in settings.text
        # the second update was handled only after the first one's answer came back
        assert settings.at - help_.at >= DELAY_S - 0.05
        assert routines.at >= settings.at
        processor = bot.app.update_processor
        assert isinstance(processor, ChatOrderedProcessor)
        await server.wait_idle(0.2)
        assert processor.ordered_keys == 0  # no lock left behind per chat


def _update(update_id: int, chat_id: int, user_id: int) -> Update:
    chat = Chat(chat_id, "private" if chat_id == user_id else "group")
    user = User(user_id, "U", is_bot=False)
    message = Message(update_id, date=None, chat=chat, from_user=user, text="x")  # type: ignore[arg-type]
    return Update(update_id, message=message)


async def test_the_processor_orders_by_chat_and_user_and_bounds_running() -> None:
    processor = ChatOrderedProcessor(max_running=2)
    log: list[str] = []
    running_now = 0
    most = 0
    gate = asyncio.Event()

    async def handle(name: str, wait: bool) -> None:
        nonlocal running_now, most
        running_now += 1
        most = max(most, running_now)
        log.append(f"start {name}")
        if wait:
            await gate.wait()
        await asyncio.sleep(0)
        log.append(f"end {name}")
        running_now -= 1

    jobs = [
        ("a1", _update(1, 10, 10), True),  # chat 10, slow
        ("a2", _update(2, 10, 10), False),  # same chat: after a1
        ("g1", _update(3, -99, 10), False),  # a group, but the same user: after a1 too
        ("b1", _update(4, 20, 20), False),  # another chat: runs while a1 waits
        ("c1", _update(5, 30, 30), False),
    ]
    tasks = [
        asyncio.create_task(processor.process_update(u, handle(name, wait)))
        for name, u, wait in jobs
    ]
    for _ in range(20):
        await asyncio.sleep(0)
    assert {"end b1", "end c1"} <= set(log)  # other chats ran while a1 waited
    assert not {"start a2", "start g1"} & set(log)
    gate.set()
    await asyncio.gather(*tasks)
    assert log.index("start a2") > log.index("end a1")
    assert log.index("start g1") > log.index("end a2")  # arrival order kept across the keys
    assert most <= 2
    assert processor.ordered_keys == 0
    assert order_keys(object()) == []
