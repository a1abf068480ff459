"""The audio cache: hits and misses, atomic writes, single flight, LRU eviction, corruption."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from pathlib import Path

import pytest

from guide_bot.speech.cache import AudioCache, Made, cache_key


class Maker:
    """A producer that counts its calls."""

    def __init__(self, data: bytes = b"audio-bytes" * 10) -> None:
        self.data = data
        self.calls = 0

    def __call__(self) -> Made:
        self.calls += 1
        return Made(data=self.data, ext="wav", meta={"duration_s": 1.25})


def files_of(cache: AudioCache, key: str) -> list[Path]:
    return sorted((cache.root / key[:2]).glob(f"{key}*")) if (cache.root / key[:2]).is_dir() else []


def test_key_covers_everything_that_changes_the_sound() -> None:
    base = {"voice": "espeak-ng:1.52:en-us:165", "text": "Release.", "format": "wav"}
    assert cache_key(**base) == cache_key(**dict(reversed(list(base.items()))))
    for field, other in [("voice", "gtts:en:com:normal"), ("text", "Release"), ("format", "ogg")]:
        assert cache_key(**{**base, field: other}) != cache_key(**base)


def test_miss_then_hit(cache: AudioCache) -> None:
    make = Maker()
    key = cache_key(text="a")
    entry, hit = cache.get_or_make(key, make)
    assert not hit
    assert entry.data == make.data
    assert entry.meta["duration_s"] == 1.25
    again, hit = cache.get_or_make(key, make)
    assert hit
    assert again.data == make.data
    assert make.calls == 1
    assert (cache.stats.hits, cache.stats.misses) == (1, 1)
    assert cache.stats.bytes_written == len(make.data)
    assert entry.path.read_bytes() == make.data


def test_crash_while_writing_the_audio_leaves_nothing_under_the_key(
    cache: AudioCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = cache_key(text="crash")

    def crash(src: str, dst: str) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="power cut"):
        cache.put(key, Made(data=b"x" * 100, ext="wav"))
    monkeypatch.undo()
    assert files_of(cache, key) == []
    assert list(cache.root.rglob(".tmp-*")) == []
    assert cache.get(key) is None


def test_crash_between_audio_and_sidecar_is_detected_and_remade(
    cache: AudioCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = cache_key(text="half")
    real_replace = os.replace
    calls: list[str] = []

    def second_fails(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError("power cut")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", second_fails)
    with pytest.raises(OSError, match="power cut"):
        cache.put(key, Made(data=b"x" * 100, ext="wav"))
    monkeypatch.undo()
    assert [p.suffix for p in files_of(cache, key)] == [".wav"]  # audio without its sidecar
    make = Maker()
    entry, hit = cache.get_or_make(key, make)
    assert not hit
    assert make.calls == 1
    assert entry.data == make.data


def test_stale_temp_files_of_a_crashed_process_are_swept(tmp_path: Path) -> None:
    folder = tmp_path / "c" / "ab"
    folder.mkdir(parents=True)
    stale = folder / ".tmp-abc"
    stale.write_bytes(b"half")
    old = time.time() - 7200
    os.utime(stale, (old, old))
    AudioCache(tmp_path / "c", max_bytes=10**6)
    assert not stale.exists()


def test_threads_asking_for_one_key_synthesize_once(cache: AudioCache) -> None:
    key = cache_key(text="together")
    entered, go = threading.Event(), threading.Event()
    calls = 0

    def slow_make() -> Made:
        nonlocal calls
        calls += 1
        entered.set()
        assert go.wait(5)
        return Made(data=b"spoken", ext="wav")

    results: list[bytes] = []

    def worker() -> None:
        entry, _hit = cache.get_or_make(key, slow_make)
        results.append(entry.data)

    first = threading.Thread(target=worker)
    first.start()
    assert entered.wait(5)
    others = [threading.Thread(target=worker) for _ in range(7)]
    for t in others:
        t.start()
    deadline = time.monotonic() + 5
    while cache._locks[key].users < 8:  # every thread is now waiting on the key's lock
        assert time.monotonic() < deadline
        time.sleep(0.001)
    go.set()
    for t in [first, *others]:
        t.join(5)
    assert calls == 1
    assert results == [b"spoken"] * 8
    assert cache.stats.misses == 1
    assert cache.stats.hits == 7


async def test_asyncio_tasks_asking_for_one_key_synthesize_once(cache: AudioCache) -> None:
    make = Maker(b"async audio")
    key = cache_key(text="async")
    results = await asyncio.gather(*(cache.aget_or_make(key, make) for _ in range(20)))
    assert make.calls == 1
    assert {entry.data for entry, _hit in results} == {b"async audio"}


async def test_asyncio_different_keys_are_independent(cache: AudioCache) -> None:
    makers = [Maker(f"clip {i}".encode()) for i in range(5)]
    results = await asyncio.gather(
        *(cache.aget_or_make(cache_key(text=str(i)), m) for i, m in enumerate(makers))
    )
    assert [entry.data for entry, _hit in results] == [f"clip {i}".encode() for i in range(5)]
    assert all(m.calls == 1 for m in makers)


def test_lru_eviction_over_the_size_cap(tmp_path: Path) -> None:
    cache = AudioCache(tmp_path / "c", max_bytes=3 * 1000 + 3 * 200)
    keys = [cache_key(text=name) for name in "abc"]
    for age, key in enumerate(keys):
        entry = cache.put(key, Made(data=bytes(1000), ext="wav"))
        stamp = time.time() - 1000 + age  # a oldest, c newest
        os.utime(entry.path, (stamp, stamp))
    assert cache.get(keys[0]) is not None  # a hit makes "a" the most recently used
    cache.put(cache_key(text="d"), Made(data=bytes(1000), ext="wav"))
    assert cache.get(keys[1]) is None  # "b" was the least recently used
    assert cache.get(keys[0]) is not None
    assert cache.get(keys[2]) is not None
    assert cache.total_bytes() <= cache.max_bytes
    assert cache.stats.evicted == 1


@pytest.mark.parametrize("damage", ["flip", "truncate", "sidecar", "empty"])
def test_corrupt_entry_is_dropped_and_remade(cache: AudioCache, damage: str) -> None:
    make = Maker(b"good audio " * 50)
    key = cache_key(text=damage)
    entry, _hit = cache.get_or_make(key, make)
    data = entry.path.read_bytes()
    if damage == "flip":
        entry.path.write_bytes(data[:10] + bytes([data[10] ^ 0xFF]) + data[11:])
    elif damage == "truncate":
        entry.path.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        entry.path.write_bytes(b"")
    else:
        entry.path.with_suffix(".json").write_text("{not json")
    assert cache.get(key) is None
    assert cache.stats.dropped == 1
    again, hit = cache.get_or_make(key, make)
    assert not hit
    assert again.data == make.data
    assert make.calls == 2
