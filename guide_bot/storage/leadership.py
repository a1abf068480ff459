"""Which of several `guide-bot run` processes on one database leads: polls or serves the webhook,
runs the sessions and sends the reminders. The others wait, and one takes over when it goes.

On PostgreSQL the leader holds a session-level advisory lock (`pg_try_advisory_lock`, the key
derived from a name) on a connection of its own, opened with TCP keepalives both ways. The lock
lives exactly as long as that database session:

- the leader is killed (kill -9, a crash): its socket closes, PostgreSQL ends the session at
  once and frees the lock; a standby polling every `poll_s` gets it;
- the leader's host or network dies: the server's keepalives (set on the session) end the
  session after about `server_keepalive_s`;
- the leader loses its connection (cut, or `pg_terminate_backend`): `watch` probes it every
  `check_s` with `SELECT 1` (at most `timeout_s` each) and calls `on_lost` at once.

A leader cut off from the database goes on believing it leads until its next probe fails: at
most `grace_s` (`check_s + timeout_s`) after its last good one. So each probe of the leader is
a heartbeat, written with the database's own clock (`leader_beats`, storage/leader_beats.py),
and a process that gets the lock waits until the last heartbeat + `grace_s` before it leads:
two never lead at once. A leader that stops cleanly clears its heartbeat before it lets the lock
go, so the next one leads at once (a restart or a deploy costs no wait). With no heartbeat on
record (the first start, or a leader of a version before the heartbeat) the wait is the whole
`grace_s`. Takeover after a kill -9 therefore takes at most `poll_s + grace_s` (4 s by default).

On SQLite there is one process by design (one file, one writer): `FileLeadership` takes an
exclusive `flock` on a file beside the database, so a second process on the same file waits
instead of running the same sessions twice; it never loses leadership while it runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)

DEFAULT_NAME = "guide-bot"

OnLost = Callable[[], Awaitable[None]]


class Leadership(Protocol):
    """Who leads; `guide-bot run` waits for it before polling, restoring and scheduling."""

    async def wait_until_leader(self) -> None:
        """Return once this process leads (waits while another one does)."""
        ...

    def check(self) -> bool:
        """Whether this process leads now, as of the last probe of its connection."""
        ...

    async def watch(self, on_lost: OnLost) -> None:
        """Probe leadership until it is lost, then await `on_lost()` once and return."""
        ...

    async def release(self) -> None:
        """Stop leading (a standby takes over); safe to call more than once."""
        ...


def lock_key(name: str) -> int:
    """The advisory lock key of a name: a signed 64-bit integer, the same in every process."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big", signed=True)


def leadership_name(token: str) -> str:
    """The lock name of a bot: `guide-bot:<bot id>`, so two bots may share one database.

    The bot id is the part of the token before the colon (the bot's public user id); the secret
    part after it is never used.
    """
    bot_id = token.split(":", 1)[0]
    return f"{DEFAULT_NAME}:{bot_id}" if bot_id.isdigit() else DEFAULT_NAME


def make_leadership(database_url: str, name: str = DEFAULT_NAME) -> Leadership:
    """The leadership for a database URL: an advisory lock on PostgreSQL, a file lock on SQLite."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        return PostgresLeadership(database_url, name=name)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return FileLeadership(Path(f"{url.database}.leader.lock"))
    return SoleLeadership()


# The heartbeat: the database's clock, so that no two hosts' clocks are compared.
_BEAT = (
    "INSERT INTO leader_beats (name, holder, beat_at) VALUES (%s, %s, now())"
    " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, beat_at = excluded.beat_at"
)
# Seconds until the last heartbeat + grace; NULL beat (a clean stop): 0; no row: no answer.
_WAIT = (
    "SELECT COALESCE(GREATEST(0, EXTRACT(EPOCH FROM beat_at - now())::float8 + %s), 0)"
    " FROM leader_beats WHERE name = %s"
)
_LET_GO = "UPDATE leader_beats SET beat_at = NULL WHERE name = %s AND holder = %s"


def _psycopg_error() -> type[Exception]:
    import psycopg

    return psycopg.Error


def libpq_conninfo(database_url: str) -> str:
    """A SQLAlchemy URL (`postgresql+psycopg://...`) as a libpq connection string."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class PostgresLeadership:
    """Leadership through a PostgreSQL session-level advisory lock on a dedicated connection."""

    def __init__(
        self,
        database_url: str,
        *,
        name: str = DEFAULT_NAME,
        poll_s: float = 1.0,
        check_s: float = 1.0,
        timeout_s: float = 2.0,
        grace_s: float | None = None,
        server_keepalive_s: int = 4,
    ) -> None:
        self._conninfo = libpq_conninfo(database_url)
        self.name = name
        self.key = lock_key(name)
        self.holder = f"{socket.gethostname()}:{os.getpid()}"[:200]
        self.poll_s, self.check_s, self.timeout_s = poll_s, check_s, timeout_s
        self.grace_s = check_s + timeout_s if grace_s is None else grace_s
        self._server_keepalive_s = max(2, server_keepalive_s)
        self._conn: psycopg.AsyncConnection[tuple[object, ...]] | None = None
        self._leader = False
        self._last_ok = 0.0

    @property
    def backend_pid(self) -> int | None:
        """The server process of the lock's connection (what pg_terminate_backend takes)."""
        return self._conn.info.backend_pid if self._conn is not None else None

    async def _connect(self) -> psycopg.AsyncConnection[tuple[object, ...]]:
        import psycopg  # here, so that a SQLite-only start does not load the driver

        conn = await psycopg.AsyncConnection.connect(
            self._conninfo,
            autocommit=True,
            connect_timeout=max(2, int(self.timeout_s)),
            keepalives=1,  # the client notices a dead server...
            keepalives_idle=1,
            keepalives_interval=1,
            keepalives_count=3,
            tcp_user_timeout=int(self.timeout_s * 1000),
            application_name="guide-bot leadership",
        )
        # ...and the server notices a dead client host, ending the session and freeing the lock.
        idle = self._server_keepalive_s // 2
        await conn.execute(f"SET tcp_keepalives_idle = {idle}")
        await conn.execute("SET tcp_keepalives_interval = 1")
        await conn.execute(f"SET tcp_keepalives_count = {self._server_keepalive_s - idle}")
        return conn

    async def wait_until_leader(self) -> None:
        said = False
        while True:
            try:
                if self._conn is None or self._conn.closed:
                    self._conn = await self._connect()
                cursor = await asyncio.wait_for(
                    self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)),
                    self.timeout_s,
                )
                row = await cursor.fetchone()
                if row is not None and row[0] is True:
                    break
                if not said:
                    log.info("leadership: another process leads; this one waits (standby)")
                    said = True
            except (OSError, TimeoutError, _psycopg_error()) as error:
                log.warning("leadership: database not reachable (%s); trying again", type(error))
                await self._close()
            await asyncio.sleep(self.poll_s)
        wait_s = await self._wait_after_lock()
        log.info("leadership: lock taken; leading in %.1f s", wait_s)
        await asyncio.sleep(wait_s)  # a leader cut off from the database stops meanwhile
        if not await self._probe():
            await self._close()
            await self.wait_until_leader()
            return
        self._leader = True
        log.info("leadership: this process leads")

    async def _wait_after_lock(self) -> float:
        """How long the last leader could still believe it leads: until its last heartbeat +
        `grace_s`; nothing after a clean stop; the whole `grace_s` when no heartbeat is known
        or it cannot be read."""
        conn = self._conn
        if conn is None or conn.closed:
            return self.grace_s
        try:
            cursor = await asyncio.wait_for(
                conn.execute(_WAIT, (self.grace_s, self.name)), self.timeout_s
            )
            row = await cursor.fetchone()
        except (OSError, TimeoutError, _psycopg_error()) as error:
            log.warning("leadership: last heartbeat not read (%s); waiting it all", type(error))
            return self.grace_s
        if row is None or not isinstance(row[0], float):
            return self.grace_s
        return min(self.grace_s, max(0.0, row[0]))

    async def _probe(self) -> bool:
        """Whether the connection still works; each good probe is this process's heartbeat."""
        conn = self._conn
        if conn is None or conn.closed:
            return False
        try:
            await asyncio.wait_for(conn.execute(_BEAT, (self.name, self.holder)), self.timeout_s)
        except (OSError, TimeoutError, _psycopg_error()):
            return False
        self._last_ok = time.monotonic()
        return True

    def check(self) -> bool:
        conn = self._conn
        fresh = time.monotonic() - self._last_ok <= self.check_s + self.timeout_s
        return self._leader and conn is not None and not conn.closed and fresh

    async def watch(self, on_lost: OnLost) -> None:
        while self._leader:
            await asyncio.sleep(self.check_s)
            if not self._leader:
                return  # released on purpose
            if not await self._probe():
                log.error("leadership lost: the database connection is gone; stopping")
                self._leader = False
                await self._close()
                await on_lost()
                return

    async def release(self) -> None:
        leading, self._leader = self._leader, False
        conn = self._conn
        if leading and conn is not None and not conn.closed:
            # A clean stop: the next leader need not wait for this one to notice anything.
            with contextlib.suppress(OSError, TimeoutError, _psycopg_error()):
                await asyncio.wait_for(
                    conn.execute(_LET_GO, (self.name, self.holder)), self.timeout_s
                )
        await self._close()

    async def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and not conn.closed:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), self.timeout_s)


class FileLeadership:
    """SQLite: one process per database file, through an exclusive flock beside it."""

    def __init__(self, path: Path, *, poll_s: float = 1.0) -> None:
        self.path = path
        self.poll_s = poll_s
        self._file: IO[bytes] | None = None
        self._handle: IO[bytes] | None = None

    def _try_lock(self) -> bool:
        """One non-blocking attempt at the lock (a local file: no need for a thread)."""
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("ab")
        try:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        self._handle.truncate(0)
        self._handle.write(f"{os.getpid()}\n".encode())
        self._handle.flush()
        return True

    async def wait_until_leader(self) -> None:
        waited = False
        while not self._try_lock():
            if not waited:
                log.warning("leadership: another process uses %s; waiting", self.path)
                waited = True
            await asyncio.sleep(self.poll_s)
        self._file, self._handle = self._handle, None
        self._released = asyncio.Event()

    def check(self) -> bool:
        return self._file is not None

    async def watch(self, on_lost: OnLost) -> None:
        # A lock on a local file is lost only with the process: wait until released.
        if self._file is not None:
            await self._released.wait()

    async def release(self) -> None:
        handle, self._file = self._file, None
        if handle is not None:
            handle.close()  # closing the descriptor drops the flock
            self._released.set()


class SoleLeadership:
    """Another engine, or an in-memory database: this one process leads, always."""

    def __init__(self) -> None:
        self._leading = False
        self._released: asyncio.Event | None = None

    async def wait_until_leader(self) -> None:
        self._leading = True
        self._released = asyncio.Event()

    def check(self) -> bool:
        return self._leading

    async def watch(self, on_lost: OnLost) -> None:
        if self._leading and self._released is not None:
            await self._released.wait()

    async def release(self) -> None:
        self._leading = False
        if self._released is not None:
            self._released.set()
