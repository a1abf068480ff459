"""The webhook receiver over real HTTP: the secret token before the body, the body size capped.

Large bodies are pushed through a raw socket so that the test can count how much the server
took before it answered: the figures are bytes the client managed to write (kernel buffers
included), against bodies of 100 MB.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from guide_bot.web.webhook import MAX_BODY_BYTES, SECRET_HEADER, WebhookStats, webhook_feature

SECRET = "s3cret-Token_for-the-webhook"
BIG = 100 * 1024 * 1024
CHUNK = 64 * 1024


@dataclass
class Receiver:
    port: int
    stats: WebhookStats
    updates: list[dict[str, Any]]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook/path"


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    updates: list[dict[str, Any]] = []

    async def on_update(update: dict[str, Any]) -> None:
        if update.get("fail"):
            raise RuntimeError("queue closed")
        updates.append(update)

    app = web.Application()
    stats = webhook_feature(app, path="hook/path", secret_token=SECRET, on_update=on_update)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield Receiver(port=runner.addresses[0][1], stats=stats, updates=updates)
    finally:
        await runner.cleanup()


async def _post(url: str, body: bytes, token: str | None = SECRET) -> int:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers[SECRET_HEADER] = token
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as response,
    ):
        return response.status


async def test_an_update_with_the_right_token_is_handed_on(receiver: Receiver) -> None:
    update = {"update_id": 5, "message": {"text": "hello"}}
    assert await _post(receiver.url, json.dumps(update).encode()) == 200
    assert receiver.updates == [update]
    assert receiver.stats.accepted == 1


@pytest.mark.parametrize("token", [None, "", "wrong", SECRET + "x", SECRET[:-1], SECRET.upper()])
async def test_a_missing_or_wrong_token_is_refused(receiver: Receiver, token: str | None) -> None:
    assert await _post(receiver.url, b'{"update_id": 1}', token) == 403
    assert receiver.updates == []
    assert receiver.stats.body_bytes_read == 0


@pytest.mark.parametrize(
    "body", [b"not json", b"[1, 2]", b'{"update_id": "1"}', b'{"message": {}}', b"\xff\xfe", b""]
)
async def test_a_body_that_is_not_an_update(receiver: Receiver, body: bytes) -> None:
    assert await _post(receiver.url, body) == 400
    assert receiver.updates == []


async def test_a_failing_hand_over_is_a_500_so_that_telegram_retries(receiver: Receiver) -> None:
    assert await _post(receiver.url, b'{"update_id": 3, "fail": true}') == 500
    assert receiver.stats.failed == 1


def _body(total: int) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        size = min(CHUNK, total - sent)
        sent += size
        yield b"x" * size


async def _push(port: int, head: str, chunks: Iterator[bytes]) -> tuple[str, int]:
    """Send a request head, then body chunks until the server answers; (status line, bytes)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head.encode())
    status = asyncio.create_task(reader.readline())
    sent = 0
    try:
        for chunk in chunks:
            if status.done():
                break
            writer.write(chunk)
            drain = asyncio.create_task(writer.drain())
            await asyncio.wait({drain, status}, return_when=asyncio.FIRST_COMPLETED)
            if not drain.done():
                drain.cancel()
                break
            drain.result()
            sent += len(chunk)
    except (ConnectionResetError, BrokenPipeError):
        pass
    line = await asyncio.wait_for(status, 5)
    writer.close()
    with contextlib.suppress(ConnectionError):
        await writer.wait_closed()
    return line.decode().strip(), sent


def _head(length: int | None, token: str) -> str:
    size = f"Content-Length: {length}\r\n" if length is not None else ""
    chunked = "" if length is not None else "Transfer-Encoding: chunked\r\n"
    return (
        "POST /hook/path HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"{SECRET_HEADER}: {token}\r\n{size}{chunked}\r\n"
    )


def _chunked(total: int) -> Iterator[bytes]:
    for piece in _body(total):
        yield f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    yield b"0\r\n\r\n"


async def test_a_large_body_with_a_wrong_token_is_never_read(receiver: Receiver) -> None:
    line, sent = await _push(receiver.port, _head(BIG, "wrong"), _body(BIG))
    assert line == "HTTP/1.1 403 Forbidden"
    assert receiver.stats.body_bytes_read == 0
    assert sent < 8 * 1024 * 1024, sent  # only what the kernel and aiohttp's buffer took


async def test_a_content_length_over_the_cap_is_refused_unread(receiver: Receiver) -> None:
    line, sent = await _push(receiver.port, _head(BIG, SECRET), _body(BIG))
    assert line == "HTTP/1.1 413 Request Entity Too Large"
    assert receiver.stats.body_bytes_read == 0
    assert sent < 8 * 1024 * 1024, sent


async def test_a_chunked_body_is_cut_off_at_the_cap(receiver: Receiver) -> None:
    line, sent = await _push(receiver.port, _head(None, SECRET), _chunked(BIG))
    assert line == "HTTP/1.1 413 Request Entity Too Large"
    assert MAX_BODY_BYTES < receiver.stats.body_bytes_read <= MAX_BODY_BYTES + 1
    assert sent < 8 * 1024 * 1024, sent
    assert receiver.updates == []


async def test_a_chunked_update_under_the_cap_is_taken(receiver: Receiver) -> None:
    body = json.dumps({"update_id": 9, "pad": "y" * 200_000}).encode()

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), CHUNK):
            piece = body[start : start + CHUNK]
            yield f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        yield b"0\r\n\r\n"

    line, _sent = await _push(receiver.port, _head(None, SECRET), chunks())
    assert line == "HTTP/1.1 200 OK"
    assert receiver.updates[0]["update_id"] == 9


def test_the_secret_must_be_one_telegram_accepts() -> None:
    async def noop(_update: dict[str, Any]) -> None:
        return None

    for bad in ("", "has space", "x" * 257, "ümlaut"):
        with pytest.raises(ValueError, match="secret_token"):
            webhook_feature(web.Application(), path="p", secret_token=bad, on_update=noop)


async def test_ptb_sink_puts_updates_on_the_application_queue() -> None:
    from telegram import Update
    from telegram.ext import ApplicationBuilder

    from guide_bot.telegram.webhook_updates import ptb_update_sink

    application = ApplicationBuilder().token("123456:" + "A" * 35).build()
    app = web.Application()
    webhook_feature(app, path="hook", secret_token=SECRET, on_update=ptb_update_sink(application))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        message = {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": 5, "type": "private"},
            "text": "hi",
        }
        assert await _post(url, json.dumps({"update_id": 1, "message": message}).encode()) == 200
        bad = {**message, "date": "not-a-date"}
        assert await _post(url, json.dumps({"update_id": 2, "message": bad}).encode()) == 200
    finally:
        await runner.cleanup()
    update = application.update_queue.get_nowait()
    assert isinstance(update, Update)
    assert update.update_id == 1
    assert application.update_queue.empty()  # the unreadable one was skipped, not queued
