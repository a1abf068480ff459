"""The audio cache (audio_cache/): content-addressed, atomic, single-flight, size-capped (LRU).

Layout: `<root>/<key[:2]>/<key>.<ext>` holds the audio and `<key>.json` beside it a sidecar with
its length, SHA-256 and facts such as the exact duration, so that a lookup needs no decoding. An
entry whose sidecar is missing or does not match its file (a crash, a truncated copy, a flipped
bit) is dropped and made again, never returned. Writes go to a temporary file in the same folder,
then `os.replace`. Concurrent requests for one key (threads or asyncio tasks) make it once.
A hit touches the file's mtime; over the size cap the least recently used entries go first.
A write that fails (a full disk: ENOSPC) does not fail the caller: the audio just made is handed
out from memory, not kept, with one log line when writing starts failing and one when it works
again. `on_use` hears every key handed out (the bot notes those made from a user's own routine,
so that /forget can `remove` them: storage/user_media.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

_KEY_VERSION = 1
_STALE_TEMP_S = 3600.0  # temporary files older than this are leftovers of a crash


def cache_key(**parts: object) -> str:
    """The key of an entry: SHA-256 over everything that changes the bytes (sorted JSON)."""
    blob = json.dumps({"v": _KEY_VERSION, **parts}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """A valid entry: where its audio is, its bytes, and the facts stored beside it."""

    key: str
    path: Path
    data: bytes
    meta: Mapping[str, Any]
    kept: bool = True  # False: the write failed (a full disk), `path` holds nothing


@dataclass(frozen=True, slots=True)
class Made:
    """What a producer hands the cache on a miss: the bytes, their extension, and facts."""

    data: bytes
    ext: str
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class CacheStats:
    """Counts since the cache object was made (for warm-cache and the benchmark)."""

    hits: int = 0
    misses: int = 0
    bytes_written: int = 0
    dropped: int = 0
    evicted: int = 0


class _KeyLock:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0


class AudioCache:
    """Content-addressed files under `root`, at most about `max_bytes` in total."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes
        self.stats = CacheStats()
        self._guard = threading.Lock()
        self._locks: dict[str, _KeyLock] = {}
        self._inflight: dict[tuple[int, str], asyncio.Future[tuple[CacheEntry, bool]]] = {}
        self.on_use: Callable[[str], None] | None = None
        self.write_failing = False
        self.root.mkdir(parents=True, exist_ok=True)
        self._sweep_temp_files()

    # -- lookups ------------------------------------------------------------------------------

    def get(self, key: str) -> CacheEntry | None:
        """The valid entry for a key, or None; an invalid one is deleted on the way."""
        sidecar = self._sidecar(key)
        try:
            meta = json.loads(sidecar.read_text("utf-8"))
            path = sidecar.with_name(f"{key}.{meta['ext']}")
            data = path.read_bytes()
        except FileNotFoundError:
            self._drop_orphan(key)
            return None
        except (OSError, ValueError, KeyError, TypeError):
            self._drop(key, "unreadable sidecar")
            return None
        if len(data) != meta.get("bytes") or hashlib.sha256(data).hexdigest() != meta.get("sha256"):
            self._drop(key, "length or hash mismatch")
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # the LRU clock
        return CacheEntry(key=key, path=path, data=data, meta=meta)

    def get_or_make(self, key: str, make: Callable[[], Made]) -> tuple[CacheEntry, bool]:
        """The entry for a key, made once by `make` on a miss; returns (entry, was_hit)."""
        self._used(key)
        with self._key_lock(key):
            entry = self.get(key)
            if entry is not None:
                self._count("hits")
                return entry, True
            self._count("misses")
            made = make()
            try:
                entry = self.put(key, made)
            except OSError as exc:  # a full disk: hand out the audio without keeping it
                self._write_failed(key, exc)
                return self._unkept(key, made), False
            if self.write_failing:
                self.write_failing = False
                logger.warning("audio cache: writing works again")
            return entry, False

    def _write_failed(self, key: str, exc: OSError) -> None:
        with contextlib.suppress(OSError):
            self._remove(key)  # no half entry left behind
        if not self.write_failing:
            self.write_failing = True
            logger.error(
                "audio cache: cannot write to %s (%s); audio is made in memory and not kept "
                "until writing works again. Free disk space.",
                self.root,
                "disk full" if exc.errno == errno.ENOSPC else type(exc).__name__,
            )

    def _unkept(self, key: str, made: Made) -> CacheEntry:
        """An entry for audio that could not be written: its bytes, no file."""
        path = self._sidecar(key).with_name(f"{key}.{made.ext}")
        meta = {**made.meta, "ext": made.ext, "bytes": len(made.data)}
        return CacheEntry(key=key, path=path, data=made.data, meta=meta, kept=False)

    def _used(self, key: str) -> None:
        if self.on_use is not None:
            self.on_use(key)

    def remove(self, key: str) -> None:
        """Delete an entry (its audio and sidecar), e.g. one made from a forgotten user's words."""
        with self._key_lock(key):
            self._remove(key)

    async def aget_or_make(self, key: str, make: Callable[[], Made]) -> tuple[CacheEntry, bool]:
        """`get_or_make` off the event loop; concurrent tasks for one key share one call."""
        self._used(key)  # for this caller: a shared in-flight call reports for the first one only
        loop = asyncio.get_running_loop()
        slot = (id(loop), key)
        pending = self._inflight.get(slot)
        if pending is None:
            pending = asyncio.ensure_future(asyncio.to_thread(self.get_or_make, key, make))
            self._inflight[slot] = pending
            pending.add_done_callback(lambda _f: self._inflight.pop(slot, None))
        return await asyncio.shield(pending)

    # -- writing ------------------------------------------------------------------------------

    def put(self, key: str, made: Made) -> CacheEntry:
        """Store bytes under a key atomically (audio first, then the sidecar that validates it)."""
        path = self._sidecar(key).with_name(f"{key}.{made.ext}")
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {
            **made.meta,
            "ext": made.ext,
            "bytes": len(made.data),
            "sha256": hashlib.sha256(made.data).hexdigest(),
        }
        _atomic_write(path, made.data)
        _atomic_write(self._sidecar(key), json.dumps(meta, sort_keys=True).encode("utf-8"))
        self._count("bytes_written", len(made.data))
        self._evict(keep=key)
        return CacheEntry(key=key, path=path, data=made.data, meta=meta)

    def total_bytes(self) -> int:
        """Bytes on disk in entries (audio and sidecars)."""
        return sum(size for _key, _mtime, size in self._entries())

    # -- internals ----------------------------------------------------------------------------

    def _count(self, name: str, n: int = 1) -> None:
        with self._guard:
            setattr(self.stats, name, getattr(self.stats, name) + n)

    def _sidecar(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    @contextlib.contextmanager
    def _key_lock(self, key: str) -> Iterator[None]:
        with self._guard:
            slot = self._locks.setdefault(key, _KeyLock())
            slot.users += 1
        try:
            with slot.lock:
                yield
        finally:
            with self._guard:
                slot.users -= 1
                if slot.users == 0:
                    self._locks.pop(key, None)

    def _drop(self, key: str, why: str) -> None:
        logger.warning("audio cache: dropping entry %s (%s)", key[:12], why)
        self._count("dropped")
        self._remove(key)

    def _drop_orphan(self, key: str) -> None:
        """Audio left without its sidecar (a crash between the two writes) is removed."""
        folder = self.root / key[:2]
        if folder.is_dir() and any(folder.glob(f"{key}.*")):
            self._drop(key, "missing sidecar")

    def _remove(self, key: str) -> None:
        for path in (self.root / key[:2]).glob(f"{key}.*"):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def _entries(self) -> list[tuple[str, float, int]]:
        """(key, last use, bytes) of every entry on disk."""
        found: dict[str, tuple[float, int]] = {}
        for folder in self.root.iterdir():
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                if path.name.startswith("."):
                    continue
                try:
                    st = path.stat()
                except FileNotFoundError:
                    continue
                key = path.name.split(".", 1)[0]
                mtime, size = found.get(key, (0.0, 0))
                last = st.st_mtime if path.suffix != ".json" else mtime
                found[key] = (max(mtime, last), size + st.st_size)
        return [(key, mtime, size) for key, (mtime, size) in found.items()]

    def _evict(self, keep: str) -> None:
        entries = self._entries()
        total = sum(size for _k, _m, size in entries)
        if total <= self.max_bytes:
            return
        for key, _mtime, size in sorted(entries, key=lambda item: item[1]):
            if total <= self.max_bytes:
                break
            if key == keep:
                continue
            with self._guard:
                busy = key in self._locks
            if busy:
                continue
            self._remove(key)
            total -= size
            self._count("evicted")
            logger.info("audio cache: evicted %s (%d bytes)", key[:12], size)

    def _sweep_temp_files(self) -> None:
        now = time.time()
        for temp in self.root.glob("*/.tmp-*"):
            with contextlib.suppress(OSError):
                if now - temp.stat().st_mtime > _STALE_TEMP_S:
                    temp.unlink()


def _atomic_write(path: Path, data: bytes) -> None:
    """Write a temporary file in the same folder, then rename it over `path`."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
