"""`guide-bot speaker ...` and `guide-bot serve` as typed: real processes, real sockets, keys.

The fake Home Assistant runs in the test's event loop on the real clock; the command runs as a
child process (under a pseudo-terminal for the keys), serves the track itself, and the fake
speaker fetches it as a real one would.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pexpect
import pytest
from click.testing import CliRunner, Result
from fakeha.server import FakeHomeAssistant

from guide_bot.cli import main
from guide_bot.domain.clock import SystemClock

GUIDE_BOT = str(Path(sys.executable).with_name("guide-bot"))
API_TOKEN = "api-token-0123456789"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def live_ha() -> AsyncIterator[FakeHomeAssistant]:
    """A fake Home Assistant on the real clock."""
    ha = FakeHomeAssistant(SystemClock())
    ha.add_player("media_player.kitchen", "Kitchen speaker")
    await ha.start()
    try:
        yield ha
    finally:
        await ha.stop()


@pytest.fixture
def env(
    live_ha: FakeHomeAssistant, shared_cache_dir: Path, tmp_path: Path, speaker_library: Path
) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("GUIDE_BOT_")}
    return {
        **keep,
        "GUIDE_BOT_HA_URL": live_ha.url,
        "GUIDE_BOT_HA_TOKEN": live_ha.token,
        "GUIDE_BOT_HTTP_PORT": str(_free_port()),
        "GUIDE_BOT_AUDIO_CACHE": str(shared_cache_dir),
        "GUIDE_BOT_DATA_DIR": str(tmp_path / "data"),
        "GUIDE_BOT_LIBRARY": str(speaker_library),
        "GUIDE_BOT_TTS": "espeak",
        "TERM": "xterm",
        "COLUMNS": "100",
        "LINES": "40",
    }


async def _invoke(env: dict[str, str], *args: str) -> Result:
    """The command in this process (in a thread: the fake Home Assistant needs the loop)."""
    return await asyncio.to_thread(CliRunner().invoke, main, list(args), env=env)


async def test_speaker_list(env: dict[str, str], live_ha: FakeHomeAssistant) -> None:
    result = await _invoke(env, "speaker", "list", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"entity_id": "media_player.kitchen", "name": "Kitchen speaker", "state": "idle"}
    ]
    result = await _invoke(env, "speaker", "list")
    assert result.stdout == "media_player.kitchen  idle         Kitchen speaker\n"
    live_ha.token = "rotated"
    result = await _invoke(env, "speaker", "list")
    assert result.exit_code == 1
    assert "refused the token (401)" in result.output


async def test_speaker_play_errors(env: dict[str, str]) -> None:
    result = await _invoke(env, "speaker", "play", "speaker-tset", "--entity", "media_player.x")
    assert result.exit_code == 2
    assert "Did you mean: speaker-test" in result.output
    result = await _invoke(env, "speaker", "play", "speaker-test", "--entity", "media_player.x")
    assert result.exit_code == 1
    assert "no entity media_player.x" in result.output
    result = await _invoke(
        {**env, "GUIDE_BOT_HA_TOKEN": ""}, "speaker", "play", "tiny-test", "--entity", "m"
    )
    assert result.exit_code == 1
    assert "GUIDE_BOT_HA_TOKEN is not" in result.output
    result = await _invoke({**env, "GUIDE_BOT_HA_SPEAKERS": "kitchen"}, "speaker", "list")
    assert result.exit_code == 1
    assert "GUIDE_BOT_HA_SPEAKERS" in result.output
    assert "expected e.g. media_player.kitchen" in result.output


class Terminal:
    """A spawned command under a pseudo-terminal; waits look at output after the last key."""

    def __init__(self, child: pexpect.spawn) -> None:
        self.child = child
        self.log = io.StringIO()
        child.logfile_read = self.log
        self.mark = 0

    def send(self, keys: str) -> None:
        self.mark = len(self.log.getvalue())
        self.child.send(keys)

    def wait(self, pattern: str, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while not re.search(pattern, self.log.getvalue()[self.mark :]):
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} not shown; got {self.log.getvalue()!r}")
            try:
                self.child.read_nonblocking(4096, timeout=0.05)
            except pexpect.TIMEOUT:
                continue
            except pexpect.EOF:
                if not re.search(pattern, self.log.getvalue()[self.mark :]):
                    raise
                return


async def test_speaker_play_with_keys(env: dict[str, str], live_ha: FakeHomeAssistant) -> None:
    child = pexpect.spawn(
        GUIDE_BOT,
        ["speaker", "play", "speaker-test", "--entity", "media_player.kitchen"],
        env=env,
        encoding="utf-8",
        dimensions=(40, 100),
    )
    term = Terminal(child)
    try:
        await asyncio.to_thread(term.wait, r"Speaker test routine")
        await asyncio.to_thread(term.wait, r"Getting ready")
        assert live_ha.players["media_player.kitchen"].fetched == [200, 206]
        term.send("n")
        await asyncio.to_thread(term.wait, r"Step 1 of 3")
        await live_ha.wait_for_call("media_seek")
        term.send(" ")
        await asyncio.to_thread(term.wait, r"PAUSED")
        assert live_ha.players["media_player.kitchen"].state == "paused"
        term.send("q")
        await asyncio.to_thread(term.wait, r"Stopped at 0:\d\d of 1:\d\d on Kitchen speaker")
        await asyncio.to_thread(child.expect, pexpect.EOF, 10)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    services = [name for name, _data in live_ha.calls]
    assert services == ["play_media", "media_seek", "media_pause", "media_stop"]


async def test_serve_answers_health_media_and_the_speaker_api(
    env: dict[str, str], live_ha: FakeHomeAssistant
) -> None:
    env = {**env, "GUIDE_BOT_API_TOKEN": API_TOKEN}
    port = env["GUIDE_BOT_HTTP_PORT"]
    proc = await asyncio.create_subprocess_exec(
        GUIDE_BOT, "serve", env=env, stderr=asyncio.subprocess.PIPE
    )
    assert proc.stderr is not None
    try:
        line = await asyncio.wait_for(proc.stderr.readline(), 20)
        while b"guide-bot serve: listening on" not in line:
            line = await asyncio.wait_for(proc.stderr.readline(), 20)
        assert b"media, speaker API" in line
        base = f"http://127.0.0.1:{port}"
        auth = {"Authorization": f"Bearer {API_TOKEN}"}
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/healthz") as r:
                assert (r.status, await r.text()) == (200, "ok")
            body = {"routine": "tiny test", "entity": "media_player.kitchen"}
            async with http.post(f"{base}/api/speaker/start", json=body, headers=auth) as r:
                answer = await r.json()
                assert r.status == 200, answer
            assert answer["speech"] == "Starting Tiny test routine on Kitchen speaker."
            assert live_ha.players["media_player.kitchen"].fetched == [200, 206]
            async with http.post(f"{base}/api/speaker/stop", headers=auth) as r:
                assert r.status == 200
            async with http.get(f"{base}/api/speaker/status") as r:
                assert r.status == 401
    finally:
        proc.send_signal(2)
        await asyncio.wait_for(proc.wait(), 10)
    assert proc.returncode == 0
