"""Reading bytes from a stream with a cap: never more than the limit (and one byte) is taken.

A size announced by the other side (Telegram's `file_size`, an HTTP Content-Length, or none for a
chunked body) may be missing or false, so the cap is applied to the reading itself. Used by the
upload reader (library/uploads.py) and the webhook receiver (web/webhook.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterable
from typing import Protocol, runtime_checkable

READ_CHUNK_BYTES = 16 * 1024


@runtime_checkable
class ByteReader(Protocol):
    """An async reader of bytes, as aiohttp's StreamReader or an asyncio.StreamReader."""

    async def read(self, n: int = -1) -> bytes:
        """Up to `n` bytes; b"" at the end."""
        ...


class TooLarge(Exception):
    """The stream turned out longer than the limit; `read` bytes were taken before stopping."""

    def __init__(self, read: int, limit: int) -> None:
        super().__init__(f"more than {limit} bytes (stopped after {read})")
        self.read = read
        self.limit = limit


async def read_capped(
    source: ByteReader | AsyncIterable[bytes],
    *,
    limit: int,
    chunk_bytes: int = READ_CHUNK_BYTES,
) -> bytes:
    """All bytes of a stream, read in chunks, stopping as soon as they exceed `limit`.

    From a reader (`read(n)`) at most `limit + 1` bytes are ever requested; from an iterator of
    chunks (httpx's `aiter_bytes()`, aiohttp's `iter_chunked()`) reading stops at the first
    chunk that crosses the limit. Raises TooLarge.
    """
    parts: list[bytes] = []
    total = 0
    # A reader first: stream readers are also async iterables, but of lines.
    if isinstance(source, ByteReader):
        while chunk := await source.read(min(chunk_bytes, limit + 1 - total)):
            total += len(chunk)
            if total > limit:
                raise TooLarge(total, limit)
            parts.append(chunk)
        return b"".join(parts)
    async for chunk in source:
        total += len(chunk)
        if total > limit:
            raise TooLarge(total, limit)
        parts.append(chunk)
    return b"".join(parts)
