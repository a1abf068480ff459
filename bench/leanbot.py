"""A lean fake Telegram Bot API server for benchmarks, run in its own process.

The test server (tests/fakebot/server.py) keeps every call with its decoded parameters, which a
test wants to look at; at thousands of sessions that bookkeeping, and sharing the bot's event loop,
would be what gets measured. This one answers the methods the bot uses with valid objects, keeps
one small tuple per call (arrival wall time, method, chat, the first characters of the text,
upload bytes, status), and runs in a separate process so the bot has its core to itself.

`--enforce` makes it answer like Telegram when a bot goes too fast: more than `--per-second`
messages (sends and edits) in any one-second window get 429 with `retry_after` 1.

Control routes (JSON): GET /_bench/records?since=N (calls from index N on), POST /_bench/reset,
POST /_bench/inject {"chat_id", "text"} (a user message, served by getUpdates), GET /_bench/ping.

Run: python bench/leanbot.py --port 8091 [--enforce]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import itertools
import json
import time
from typing import Any

from aiohttp import BodyPartReader, web

TOKEN = "123456:BENCH-token-of-the-benchmarks-0123456789ab"
BOT_USER = {"id": 7_000_000_002, "is_bot": True, "first_name": "Guide", "username": "bench_bot"}
_COUNTED = ("send", "edit", "copy", "forward")  # what Telegram's 30 messages a second covers
HEAD = 300  # characters of text/caption kept per call (a quiet step message has a head)

Record = tuple[float, str, int, str, int, int]  # at, method, chat_id, head, upload bytes, status


class LeanBot:
    """The state of the lean server: records, updates for getUpdates, the rate window."""

    def __init__(self, *, enforce: bool, per_second: int) -> None:
        self.enforce = enforce
        self.per_second = per_second
        self.records: list[Record] = []
        self.window: collections.deque[float] = collections.deque()
        self.updates: list[dict[str, Any]] = []
        self.new_update = asyncio.Event()
        self.update_ids = itertools.count(1)
        self.message_ids = itertools.count(1)
        self.file_ids = itertools.count(1)

    def too_fast(self, now: float) -> bool:
        """Whether one more message now would pass the per-second limit (and count it if not)."""
        window = self.window
        while window and now - window[0] >= 1.0:
            window.popleft()
        if len(window) >= self.per_second:
            return True
        window.append(now)
        return False

    def message(self, chat_id: int, **content: Any) -> dict[str, Any]:
        """A Message object as Telegram returns it."""
        return {
            "message_id": next(self.message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER,
            **content,
        }


async def _form(request: web.Request) -> tuple[dict[str, str], int]:
    """The request's fields as text, and the bytes of uploaded files."""
    fields: dict[str, str] = {}
    upload = 0
    if request.content_type == "multipart/form-data":
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue  # a nested multipart; the Bot API never sends one
            data = await part.read()
            if part.filename:
                upload += len(data)
            else:
                fields[part.name or ""] = data.decode()
    elif request.content_type == "application/json":
        body = await request.json()
        fields = {k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}
    elif request.can_read_body:
        fields = {k: str(v) for k, v in (await request.post()).items()}
    return fields, upload


def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)


def make_app(state: LeanBot) -> web.Application:
    """The aiohttp application: the Bot API methods and the control routes."""

    async def api(request: web.Request) -> web.Response:
        now = time.time()
        method = request.match_info["method"]
        fields, upload = await _form(request)
        chat_id = int(fields.get("chat_id") or 0)
        head = (fields.get("text") or fields.get("caption") or "")[:HEAD]
        counted = method.startswith(_COUNTED) and method != "sendChatAction"
        if state.enforce and counted and state.too_fast(now):
            state.records.append((now, method, chat_id, head, upload, 429))
            return _error(429, "Too Many Requests: retry after 1", retry_after=1)
        if method == "getUpdates":
            return web.json_response({"ok": True, "result": await _get_updates(state, fields)})
        result: Any = True
        if method == "getMe":
            result = BOT_USER
        elif method == "sendMessage":
            result = state.message(chat_id, text=fields.get("text", ""))
        elif method == "sendVoice":
            file_id = fields.get("voice") or f"voice-{next(state.file_ids)}"
            voice = {"file_id": file_id, "file_unique_id": f"u{file_id}", "duration": 1}
            result = state.message(chat_id, voice=voice, caption=fields.get("caption", ""))
        elif method == "sendAudio":
            file_id = fields.get("audio") or f"audio-{next(state.file_ids)}"
            audio = {"file_id": file_id, "file_unique_id": f"u{file_id}", "duration": 1}
            result = state.message(chat_id, audio=audio, caption=fields.get("caption", ""))
        elif method == "sendPhoto":  # the bot keeps the file_id of the biggest size
            file_id = fields.get("photo") or f"photo-{next(state.file_ids)}"
            photo = [{"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 640,
                      "height": 480}]  # fmt: skip
            result = state.message(chat_id, photo=photo, caption=fields.get("caption", ""))
        elif method == "editMessageCaption":
            result = state.message(chat_id, caption=fields.get("caption", ""))
            result["message_id"] = int(fields.get("message_id") or 0)
        elif method.startswith("edit"):
            result = state.message(chat_id, text=fields.get("text", ""))
            result["message_id"] = int(fields.get("message_id") or 0)
        elif method == "getWebhookInfo":
            result = {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if method != "getUpdates":
            state.records.append((now, method, chat_id, head, upload, 200))
        return web.json_response({"ok": True, "result": result})

    async def records(request: web.Request) -> web.Response:
        since = int(request.query.get("since", "0"))
        return web.json_response({"records": state.records[since:], "count": len(state.records)})

    async def reset(_request: web.Request) -> web.Response:
        state.records.clear()
        state.window.clear()
        state.updates.clear()
        return web.json_response({"ok": True})

    async def inject(request: web.Request) -> web.Response:
        body = await request.json()
        chat_id = int(body["chat_id"])
        text = str(body["text"])
        message: dict[str, Any] = {
            "message_id": next(state.message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "U", "language_code": "en"},
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        update_id = next(state.update_ids)
        state.updates.append({"update_id": update_id, "message": message})
        state.new_update.set()
        return web.json_response({"update_id": update_id, "at": time.time()})

    async def ping(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "enforce": state.enforce})

    app = web.Application(client_max_size=60 * 1024 * 1024)
    app.router.add_get("/_bench/records", records)
    app.router.add_post("/_bench/reset", reset)
    app.router.add_post("/_bench/inject", inject)
    app.router.add_get("/_bench/ping", ping)
    app.router.add_route("*", "/bot{token}/{method}", api)
    return app


async def _get_updates(state: LeanBot, fields: dict[str, str]) -> list[dict[str, Any]]:
    offset = int(fields.get("offset") or 0)
    timeout = float(fields.get("timeout") or 0)
    state.updates = [u for u in state.updates if u["update_id"] >= offset]
    if not state.updates and timeout > 0:
        state.new_update.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(state.new_update.wait(), timeout)
    return state.updates[:100]


async def serve(host: str, port: int, *, enforce: bool, per_second: int) -> None:
    """Serve until cancelled."""
    runner = web.AppRunner(make_app(LeanBot(enforce=enforce, per_second=per_second)))
    await runner.setup()
    await web.TCPSite(runner, host, port, backlog=4096).start()
    print(f"lean Bot API on http://{host}:{port}/bot (enforce={enforce})", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main() -> None:
    """Run the lean server in the foreground."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8091)
    parser.add_argument("--enforce", action="store_true", help="answer 429 past --per-second")
    parser.add_argument("--per-second", type=int, default=30)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.host, args.port, enforce=args.enforce, per_second=args.per_second))


if __name__ == "__main__":
    main()
