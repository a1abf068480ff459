"""Reading an upload never goes past the size limit, whatever size was announced."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from guide_bot.library.uploads import (
    MAX_UPLOAD_BYTES,
    UploadTooLarge,
    read_upload,
    size_issue,
)


class CountingReader:
    """An endless (or sized) byte stream that counts what was taken from it."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.taken = 0

    async def read(self, n: int = -1) -> bytes:
        assert n > 0, "the reader must never ask for everything"
        size = min(n, self.total - self.taken)
        self.taken += size
        return b"a" * size


async def test_a_lying_size_is_cut_at_the_limit() -> None:
    announced = 1_000  # what Document.file_size said
    assert size_issue(announced, "x.yaml") is None
    reader = CountingReader(total=50 * 1024 * 1024)
    with pytest.raises(UploadTooLarge) as caught:
        await read_upload(reader)
    assert reader.taken == MAX_UPLOAD_BYTES + 1
    issue = size_issue(caught.value.read, "x.yaml")
    assert issue is not None
    assert "at most 65,536 bytes" in issue.message


async def test_a_file_at_the_limit_is_read_whole() -> None:
    reader = CountingReader(total=MAX_UPLOAD_BYTES)
    data = await read_upload(reader)
    assert len(data) == MAX_UPLOAD_BYTES


async def test_an_asyncio_stream_reader() -> None:
    stream = asyncio.StreamReader()
    stream.feed_data(b"id: x\n" * 20_000)  # 120,000 bytes, more than the limit
    stream.feed_eof()
    with pytest.raises(UploadTooLarge):
        await read_upload(stream, limit=100_000)
    assert len(await stream.read()) == 120_000 - 100_001  # what was never taken stays unread


async def test_chunks_stop_at_the_first_past_the_limit() -> None:
    pulled = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal pulled
        for _ in range(10_000):
            pulled += 1
            yield b"b" * 4096

    with pytest.raises(UploadTooLarge) as caught:
        await read_upload(chunks(), limit=10_000)
    assert pulled == 3
    assert caught.value.read == 12_288
    small = [b"ab", b"cd"]

    async def few() -> AsyncIterator[bytes]:
        for chunk in small:
            yield chunk

    assert await read_upload(few(), limit=4) == b"abcd"
