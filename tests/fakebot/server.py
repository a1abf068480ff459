"""A local fake of the Telegram Bot API, for end-to-end tests and for driving the bot by hand.

It speaks the real wire format that python-telegram-bot's HTTP stack uses (form-encoded or
multipart bodies under ``/bot<token>/<method>``), so a bot built with ``base_url`` pointing here
runs unchanged. It keeps what a test needs to look at: every call with its time, the messages
sent per chat, uploaded bytes, and a queue of updates served to ``getUpdates`` by long polling.

Failures can be injected per method (429 with ``retry_after``, 5xx, 403 "bot was blocked by the
user"), a chat can be marked as having blocked the bot, answers can be delayed (the call is
handled at once, its answer comes late: a client that times out sends it again), and
connections can be dropped, after the call was handled or before (`drop`): the client gets no
answer either way, as when Telegram's front end or the network goes away mid-request.

Run it by hand: ``python tests/fakebot/server.py --port 8081``; control it over HTTP:
``POST /_control/inject`` (``{"chat_id", "text"}`` or ``{"chat_id", "data", "message_id"}`` or a
raw ``{"update": {...}}``), ``GET /_control/calls``, ``POST /_control/fail``,
``POST /_control/block``, ``POST /_control/delay`` (``{"method", "seconds", "times",
"chat_id"}``), ``POST /_control/drop`` (``{"method", "times", "chat_id", "handled"}``),
``POST /_control/file`` (the body's bytes become a file a user sent; answers
``{"file_id", "file_size"}`` for a document update), ``GET /_control/file/{file_id}`` (the
bytes of a file the bot sent, e.g. an /export or a /stats chart).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

if __package__ in (None, ""):  # run as a script: make the `fakebot` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fakebot.api import BotApiMethods, Call, Delay, Drop, Failure

_JSON_FIELDS = {
    "reply_markup",
    "entities",
    "caption_entities",
    "allowed_updates",
    "commands",
    "link_preview_options",
    "reply_parameters",
}
_SEND_METHODS = {
    "sendMessage",
    "sendVoice",
    "sendDocument",
    "sendPhoto",
    "sendAudio",
    "sendChatAction",
}


@dataclass
class FakeBotServer(BotApiMethods):
    """The fake Bot API; start with `async with FakeBotServer() as server:`."""

    token: str = "123456:TEST-token-of-the-fake-bot-api-server-0123"
    host: str = "127.0.0.1"
    port: int = 0
    calls: list[Call] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    delays: dict[str, list[Delay]] = field(default_factory=dict)
    drops: dict[str, list[Drop]] = field(default_factory=dict)
    # each test user's Telegram app language (`language_code`; None: Telegram sends none)
    language_codes: dict[int, str | None] = field(default_factory=dict)
    # the command menus set, by (scope type, chat id or None, language_code or "")
    command_menus: dict[tuple[str, int | None, str], list[dict[str, str]]] = field(
        default_factory=dict
    )
    # the menu buttons set, by chat id (None: the default every chat without its own gets)
    menu_buttons: dict[int | None, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._init_store()
        self._update_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._new_call = asyncio.Event()
        self._runner: web.AppRunner | None = None
        # set by a test harness that feeds the application directly (tests/bot/harness.py)
        self.on_update: Callable[[dict[str, Any]], None] | None = None
        self.settle: Callable[[], Awaitable[None]] | None = None
        self.in_flight = 0  # API requests being answered

    # --- life cycle -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What to pass to ApplicationBuilder().base_url (the token is appended)."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """What to pass to ApplicationBuilder().base_file_url."""
        return f"http://{self.host}:{self.port}/file/bot"

    def make_app(self) -> web.Application:
        """The aiohttp application with the API and control routes."""
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_post("/_control/inject", self._control_inject)
        app.router.add_get("/_control/calls", self._control_calls)
        app.router.add_post("/_control/fail", self._control_fail)
        app.router.add_post("/_control/block", self._control_block)
        app.router.add_post("/_control/delay", self._control_delay)
        app.router.add_post("/_control/drop", self._control_drop)
        app.router.add_post("/_control/file", self._control_add_file)
        app.router.add_get("/_control/file/{file_id}", self._control_get_file)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        return app

    async def start(self) -> None:
        """Listen on host:port (port 0 picks a free one, kept in `port`)."""
        self._runner = web.AppRunner(self.make_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server
        if server is not None and self.port == 0:
            sockets = getattr(server, "sockets", None) or []
            self.port = sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening; long polls still waiting are released."""
        self._new_update.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # --- what tests do ----------------------------------------------------------------------

    def inject(self, update: dict[str, Any]) -> int:
        """Queue a raw update (its update_id is set here); returns the update_id.

        With `on_update` set (a test harness feeding the application directly), the update goes
        there at once instead of waiting for a getUpdates poll.
        """
        update_id = next(self._update_ids)
        if self.on_update is not None:
            self.on_update({**update, "update_id": update_id})
            return update_id
        self._updates.append({**update, "update_id": update_id})
        self._new_update.set()
        return update_id

    def user(self, user_id: int) -> dict[str, Any]:
        """The User object of a test user."""
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        code = self.language_codes.get(user_id, "en")
        if code is not None:  # Telegram leaves the field out when it does not know it
            user["language_code"] = code
        return user

    def send_text(self, chat_id: int, text: str, *, user_id: int | None = None) -> int:
        """A user writes `text` (commands get their bot_command entity, as Telegram does)."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": self.user(user_id or chat_id),
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self.inject({"message": message})

    def press(self, chat_id: int, message_id: int, data: str, *, user_id: int | None = None) -> int:
        """A user taps an inline button with `data` under the bot's message `message_id`."""
        message = self.messages.get((chat_id, message_id)) or {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "text": "(old message)",
        }
        query = {
            "id": f"cq{next(self._update_ids)}",
            "from": self.user(user_id or chat_id),
            "chat_instance": f"ci{chat_id}",
            "message": message,
            "data": data,
        }
        return self.inject({"callback_query": query})

    def fail(
        self,
        method: str,
        status: int,
        *,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
        description: str | None = None,
    ) -> None:
        """Make the next `times` calls of `method` (for `chat_id`, if given) fail."""
        text = description or {
            429: f"Too Many Requests: retry after {retry_after or 1}",
            403: "Forbidden: bot was blocked by the user",
        }.get(status, "Internal Server Error")
        failure = Failure(status, text, retry_after, times, chat_id)
        self.failures.setdefault(method, []).append(failure)

    def delay(
        self, method: str, seconds: float, *, times: int = 1, chat_id: int | None = None
    ) -> None:
        """Answer the next `times` calls of `method` (for `chat_id`, if given) `seconds` late."""
        self.delays.setdefault(method, []).append(Delay(seconds, times, chat_id))

    def drop(
        self, method: str, *, times: int = 1, chat_id: int | None = None, handled: bool = True
    ) -> None:
        """Close the connection of the next `times` calls of `method` (for `chat_id`, if given)
        without an answer: after handling the call (`handled`: the message was sent) or before
        (it was not; the call is recorded with status 0)."""
        self.drops.setdefault(method, []).append(Drop(times, chat_id, handled))

    def block(self, chat_id: int) -> None:
        """The user of `chat_id` blocks the bot: every send to it answers 403 from now on."""
        self.blocked.add(chat_id)

    def calls_of(self, *methods: str, chat_id: int | None = None) -> list[Call]:
        """Recorded successful and failed calls of these methods (all if none), in order."""
        return [
            c
            for c in self.calls
            if (not methods or c.method in methods) and (chat_id is None or c.chat_id == chat_id)
        ]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Successful sends and edits that reached a chat, in order."""
        return [
            c
            for c in self.calls
            if c.status == 200
            and (c.method in _SEND_METHODS or c.method.startswith("edit"))
            and (chat_id is None or c.chat_id == chat_id)
        ]

    async def wait_for(
        self,
        method: str | tuple[str, ...],
        *,
        count: int = 1,
        chat_id: int | None = None,
        text: str | None = None,
        within: float = 5.0,
    ) -> list[Call]:
        """Wait until `count` successful calls of `method` (matching) were made; returns them."""
        methods = (method,) if isinstance(method, str) else method

        def matching() -> list[Call]:
            return [
                c
                for c in self.calls_of(*methods, chat_id=chat_id)
                if c.status == 200 and (text is None or text in c.text)
            ]

        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while len(found := matching()) < count:
            remaining = deadline - loop.time()
            if remaining <= 0:
                seen = [(c.method, c.text[:60]) for c in self.calls[-10:]]
                raise TimeoutError(f"{count} x {method} {text!r} not seen; last calls: {seen}")
            self._new_call.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_call.wait(), remaining)
        return found

    async def wait_idle(self, quiet_s: float = 0.3, within: float = 20.0) -> None:
        """Wait until the bot is done: its `settle` hook when a harness set one (every update
        handled, nothing in flight), else until no call arrived for `quiet_s` seconds."""
        if self.settle is not None:
            await asyncio.wait_for(self.settle(), within)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while loop.time() < deadline:
            self._new_call.clear()
            try:
                await asyncio.wait_for(self._new_call.wait(), quiet_s)
            except TimeoutError:
                return

    # --- the API ----------------------------------------------------------------------------

    async def _read(self, request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
        params: dict[str, Any] = {}
        files: dict[str, bytes] = {}
        if request.content_type == "multipart/form-data":
            reader = await request.multipart()
            async for part in _parts(reader):
                name = part.name or ""
                if part.filename is not None:
                    files[name] = await part.read()
                else:
                    params[name] = await part.text()
        elif request.content_type == "application/json":
            params = dict(await request.json())
        else:
            params = dict(await request.post())  # type: ignore[arg-type]
            params.update(request.query)
        for key in _JSON_FIELDS & params.keys():
            if isinstance(params[key], str):
                params[key] = json.loads(params[key])
        return params, files

    async def _api(self, request: web.Request) -> web.Response:
        self.in_flight += 1
        try:
            return await self._answer(request)
        finally:
            self.in_flight -= 1

    async def _answer(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params, files = await self._read(request)
        call = Call(method=method, params=params, files=files, at=time.monotonic())
        dropped = self._take(self.drops, method, call.chat_id)
        if dropped is not None and not dropped.handled:
            call.status = 0
            self._record(call)
            return _hang_up(request)
        failure = self._take_failure(method, call.chat_id)
        if failure is None and call.chat_id in self.blocked and method in _SEND_METHODS:
            failure = Failure(403, "Forbidden: bot was blocked by the user")
        if failure is None and _web_app_in_group(call):
            failure = Failure(400, "Bad Request: BUTTON_TYPE_INVALID")
        if failure is not None:
            call.status = failure.status
            self._record(call)
            extra = {"retry_after": failure.retry_after} if failure.retry_after else None
            return _error(failure.status, failure.description, extra)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            call.status = 404
            self._record(call)
            return _error(404, "Not Found: method not found")
        try:
            if method == "getUpdates":
                result = await self._m_getUpdates(params)
            else:
                result = handler(params, files)
        except web.HTTPException as exc:
            call.status = exc.status
            self._record(call)
            raise
        call.result = result
        self._record(call)
        if dropped is not None:
            return _hang_up(request)
        late = self._take_delay(method, call.chat_id)
        if late is not None:
            await asyncio.sleep(late.seconds)
        return web.json_response({"ok": True, "result": result})

    def _record(self, call: Call) -> None:
        if call.method != "getUpdates":
            self.calls.append(call)
            self._new_call.set()

    def _take_failure(self, method: str, chat_id: int | None) -> Failure | None:
        for failure in self.failures.get(method, []):
            if failure.times > 0 and failure.chat_id in (None, chat_id):
                failure.times -= 1
                return failure
        return None

    @staticmethod
    def _take(table: dict[str, list[Drop]], method: str, chat_id: int | None) -> Drop | None:
        for entry in table.get(method, []):
            if entry.times > 0 and entry.chat_id in (None, chat_id):
                entry.times -= 1
                return entry
        return None

    def _take_delay(self, method: str, chat_id: int | None) -> Delay | None:
        for delay in self.delays.get(method, []):
            if delay.times > 0 and delay.chat_id in (None, chat_id):
                delay.times -= 1
                return delay
        return None

    async def _m_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates and timeout > 0:
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), timeout)
        return self._updates[:limit]

    # --- control routes, for driving a real bot process by hand ------------------------------

    async def _control_inject(self, request: web.Request) -> web.Response:
        body = await request.json()
        if "update" in body:
            update_id = self.inject(body["update"])
        elif "data" in body:
            update_id = self.press(int(body["chat_id"]), int(body["message_id"]), str(body["data"]))
        else:
            update_id = self.send_text(int(body["chat_id"]), str(body["text"]))
        return web.json_response({"update_id": update_id})

    async def _control_calls(self, _request: web.Request) -> web.Response:
        rows = [
            {
                "at": round(c.at, 3),
                "method": c.method,
                "status": c.status,
                "chat_id": c.chat_id,
                "text": c.text,
                "buttons": c.buttons(),
                "message_id": c.params.get("message_id"),
                "upload_bytes": sum(len(b) for b in c.files.values()),
            }
            for c in self.calls
        ]
        messages = {f"{k[0]}:{k[1]}": v for k, v in self.messages.items()}
        return web.json_response({"calls": rows, "messages": messages})

    async def _control_add_file(self, request: web.Request) -> web.Response:
        data = await request.read()
        file_id = self.add_file(data)
        return web.json_response({"file_id": file_id, "file_size": len(data)})

    async def _control_get_file(self, request: web.Request) -> web.Response:
        data = self.files.get(request.match_info["file_id"])
        return web.Response(status=404) if data is None else web.Response(body=data)

    async def _control_fail(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.fail(
            str(body["method"]),
            int(body["status"]),
            retry_after=body.get("retry_after"),
            times=int(body.get("times", 1)),
            chat_id=body.get("chat_id"),
        )
        return web.json_response({"ok": True})

    async def _control_delay(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.delay(
            str(body["method"]),
            float(body["seconds"]),
            times=int(body.get("times", 1)),
            chat_id=body.get("chat_id"),
        )
        return web.json_response({"ok": True})

    async def _control_drop(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.drop(
            str(body["method"]),
            times=int(body.get("times", 1)),
            chat_id=body.get("chat_id"),
            handled=bool(body.get("handled", True)),
        )
        return web.json_response({"ok": True})

    async def _control_block(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.block(int(body["chat_id"]))
        return web.json_response({"ok": True})


def _web_app_in_group(call: Call) -> bool:
    """As Telegram: `web_app` buttons are allowed only in private chats (group and supergroup ids
    are negative); anywhere else the call is refused with BUTTON_TYPE_INVALID."""
    if call.chat_id is None or call.chat_id > 0:
        return False
    markup = call.params.get("reply_markup")
    if isinstance(markup, str) and markup:
        markup = json.loads(markup)
    rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
    return any("web_app" in button for row in rows for button in row)


def _hang_up(request: web.Request) -> web.Response:
    """Close the connection without answering (the response is never written)."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=204)


async def _parts(reader: Any) -> AsyncIterator[Any]:
    while (part := await reader.next()) is not None:
        yield part


def _error(status: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


async def _serve(host: str, port: int, token: str) -> None:
    server = FakeBotServer(token=token, host=host, port=port)
    await server.start()
    print(f"fake Bot API on {server.base_url}  (token {token})", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()


def main() -> None:
    """Run the fake server in the foreground until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:TEST-token-of-the-fake-bot-api-server-0123")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.host, args.port, args.token))


if __name__ == "__main__":
    main()
