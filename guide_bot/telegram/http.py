"""The bot's HTTP client for Bot API calls: a PTB `BaseRequest` on aiohttp, with a bound on calls
in flight.

Why aiohttp: every step message is one HTTP call, so the client's cost per call is what limits
how many sessions run on time. Measured side by side (bench/README.md, "Profile and fix 3"), PTB's
default HTTPXRequest spends about 2 ms of CPU per sendMessage against a local server, of which
PTB's own work is about 0.2 ms; this client spends about 0.5 ms. python-telegram-bot lets any
`BaseRequest` carry its calls, and aiohttp is a well-kept, widely used client.

Why a gate: under load (a thousand sessions, a burst of reminders) hundreds of sends start at
once. At most `in_flight` calls hold a connection at a time and the rest wait on an asyncio
semaphore, which costs nothing per waiter and has no pool timeout: under a burst a send waits its
turn instead of failing (what the rate limiter and the retries would otherwise have to absorb).

Bodies are sent as PTB's own HTTPXRequest sends them: url-encoded fields, or multipart when a file
is uploaded. Errors become PTB's `TimedOut` and `NetworkError` naming only the error's class: an
aiohttp message can hold the request URL, and the URL holds the bot token. A connection that could
not be made is a plain `NetworkError` (the request certainly did not arrive); one lost after the
request went out (the server hung up, the connection was reset) is `ConnectionLost`, a
`NetworkError` that may have been handled, as a timed-out answer may (telegram/sender.py).

`before_send` runs a caller's callback right before its request goes on the wire (after the rate
limiter and the gate): a reminder stores its claim there, so that a crash loses at most the
requests on the wire (reminders/dispatcher.py).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

IN_FLIGHT = 8
READ_S = 5.0
CONNECT_S = 5.0
MEDIA_WRITE_S = 20.0  # extra time for an upload, as HTTPXRequest's media_write_timeout
_FORM = {"Content-Type": "application/x-www-form-urlencoded"}
_before_send: ContextVar[Callable[[], None] | None] = ContextVar("before_send", default=None)


@contextlib.contextmanager
def before_send(callback: Callable[[], None]) -> Iterator[None]:
    """Call `callback` right before each request made inside (in this task) goes on the wire; an
    exception it raises stops that request, which is then not sent."""
    token = _before_send.set(callback)
    try:
        yield
    finally:
        _before_send.reset(token)


def _seconds(value: object, default: float) -> float | None:
    """A timeout PTB passed: a number, None for no limit, or its 'not given' marker."""
    if value is None:
        return None
    return float(value) if isinstance(value, int | float) else default


class AiohttpRequest(BaseRequest):
    """Bot API calls over one aiohttp session; at most `in_flight` of them at once."""

    def __init__(
        self,
        in_flight: int = IN_FLIGHT,
        *,
        read_s: float = READ_S,
        connect_s: float = CONNECT_S,
        media_write_s: float = MEDIA_WRITE_S,
    ) -> None:
        if in_flight < 1:
            raise ValueError("in_flight must be at least 1")
        self.in_flight = in_flight
        self._read_s = read_s
        self._connect_s = connect_s
        self._media_write_s = media_write_s
        self._session: aiohttp.ClientSession | None = None
        self._gate: asyncio.Semaphore | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}

    @property
    def read_timeout(self) -> float:
        """The default read timeout (PTB adds a long poll's wait to it)."""
        return self._read_s

    async def initialize(self) -> None:
        """Open the session (inside the running loop, as aiohttp requires)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self.in_flight)
            # no trust_env: with it aiohttp reads ~/.netrc in a thread and parses the proxy
            # variables on every request; the proxy is looked up once per host instead
            self._session = aiohttp.ClientSession(connector=connector)
            self._gate = asyncio.Semaphore(self.in_flight)
            self._proxies = {}

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """One HTTP request, once a place is free; (status, body)."""
        session, gate = self._session, self._gate
        if session is None or gate is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized")
        uploads = request_data is not None and request_data.contains_files
        read_s = _seconds(read_timeout, self._read_s)
        if uploads and read_s is not None:
            # aiohttp has no write timeout: the time to send a file counts against the read one
            write_s = _seconds(write_timeout, self._media_write_s)
            read_s = None if write_s is None else read_s + write_s
        timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=_seconds(connect_timeout, self._connect_s), sock_read=read_s
        )
        body, headers = _body(request_data)
        headers["User-Agent"] = self.USER_AGENT
        proxy = self._proxy(url)
        async with gate:
            hook = _before_send.get()
            if hook is not None:
                hook()
            try:
                async with session.request(
                    method, url, data=body, headers=headers, timeout=timeout, proxy=proxy
                ) as response:
                    return response.status, await response.read()
            except TimeoutError as exc:  # aiohttp's timeouts are TimeoutError subclasses
                raise TimedOut from exc
            except aiohttp.ClientConnectorError as exc:  # never connected: not sent
                raise NetworkError(f"aiohttp.{type(exc).__name__}") from exc
            except (
                aiohttp.ServerDisconnectedError,
                aiohttp.ClientOSError,
                aiohttp.ClientConnectionResetError,
                aiohttp.ClientPayloadError,
            ) as exc:  # lost after the request went out: it may have been handled
                raise ConnectionLost(f"aiohttp.{type(exc).__name__}") from exc
            except aiohttp.ClientError as exc:
                raise NetworkError(f"aiohttp.{type(exc).__name__}") from exc

    def _proxy(self, url: str) -> str | None:
        """The HTTP(S)_PROXY that applies to this URL's host (NO_PROXY honoured), as PTB's
        default client would use it; looked up once per scheme and host."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "")
        if key not in self._proxies:
            proxies = getproxies()
            bypass = not key[1] or proxy_bypass(key[1])
            self._proxies[key] = None if bypass else proxies.get(key[0])
        return self._proxies[key]


class ConnectionLost(NetworkError):
    """The connection was lost after the request went out: the server may have handled it."""


Body = aiohttp.FormData | bytes | None


def _body(request_data: RequestData | None) -> tuple[Body, dict[str, str]]:
    """The request body and its headers: url-encoded fields, or multipart with the files."""
    if request_data is None:
        return None, {}
    if not request_data.contains_files:
        return request_data.url_encoded_parameters().encode(), dict(_FORM)
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mime)
    return form, {}
