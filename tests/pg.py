"""A throwaway PostgreSQL cluster for tests: initdb in a temp folder, started on a free port.

One cluster per test session. A test that needs an empty database gets a fresh copy of a template
(`CREATE DATABASE ... TEMPLATE`), dropped afterwards; a copy takes about 0.2 s on 2 cores, so
copies are made ahead in a background thread while the previous test runs (`take_database`).
The many tests that want the tables at the newest schema share one migrated database instead,
emptied before each test (`reset_database`: a few milliseconds), so the suite stays fast.

PostgreSQL refuses to run as root, so when the tests run as root the server runs as the
`postgres` user (made by Debian's package) or else `nobody`, through `setpriv`.

Without PostgreSQL's server binaries the tests that need it skip, saying why; with
GUIDE_BOT_REQUIRE_POSTGRES=1 (set by .ci/run) they fail instead, so CI cannot skip them silently.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections import defaultdict, deque
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import psycopg

REQUIRE_ENV = "GUIDE_BOT_REQUIRE_POSTGRES"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def find_bindir() -> Path:
    """The folder of initdb, pg_ctl and postgres: pg_config's, Debian's, or on the PATH."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if out.returncode == 0 and out.stdout.strip():
            candidates.append(Path(out.stdout.strip()))
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    candidates += [Path(p) for p in debian]
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    for folder in candidates:
        if all((folder / name).exists() for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found via pg_config, "
        "/usr/lib/postgresql/*/bin or PATH; install Debian's `postgresql` package"
    )


def _version_key(path: str) -> int:
    part = Path(path).parent.name
    return int(part) if part.isdigit() else 0


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_user() -> pwd.struct_passwd | None:
    """Who runs the server: None for the current user, unless that is root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise PostgresUnavailable("running as root and there is no `postgres` or `nobody` user")


class PgCluster:
    """A running throwaway cluster; `new_database()` hands out fresh databases."""

    SUPERUSER = "postgres"

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.user = _server_user()
        self.root = Path(tempfile.mkdtemp(prefix="guide-bot-pg-"))
        self.data = self.root / "data"
        self.port = 0
        self._names = itertools.count(1)
        self._maker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-databases")
        self._ready: defaultdict[str, deque[Future[str]]] = defaultdict(deque)
        if self.user is not None:
            os.chown(self.root, self.user.pw_uid, self.user.pw_gid)

    def _run(self, args: Sequence[str], timeout: float = 60) -> None:
        command = list(args)
        if self.user is not None:
            command = [
                "setpriv", f"--reuid={self.user.pw_uid}", f"--regid={self.user.pw_gid}",
                "--clear-groups", "--", *command,
            ]  # fmt: skip
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{args[0]} failed ({done.returncode}): {done.stdout[-2000:]}{done.stderr[-2000:]}"
            )

    def start(self) -> None:
        """initdb and start the server; only fsync-free settings a test needs."""
        self._run([
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", self.SUPERUSER,
            "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync",
        ])  # fmt: skip
        for attempt in range(3):
            self.port = free_port()
            options = (
                f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=200"
            )
            try:
                self._run([
                    str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l",
                    str(self.root / "server.log"), "-w", "-t", "30", "-o", options, "start",
                ])  # fmt: skip
                return
            except RuntimeError:
                if attempt == 2:
                    raise

    def stop(self) -> None:
        """Stop the server at once and remove its folder."""
        self._maker.shutdown(wait=True, cancel_futures=True)
        try:
            self._run(
                [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]
            )
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str, driver: str = "postgresql+psycopg") -> str:
        """The SQLAlchemy URL of a database of this cluster."""
        return f"{driver}://{self.SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def admin(self) -> psycopg.Connection[tuple[object, ...]]:
        """An autocommit connection to the `postgres` database, for CREATE/DROP DATABASE."""
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.SUPERUSER, dbname="postgres",
            autocommit=True,
        )  # fmt: skip

    def new_database(self, template: str = "template1") -> str:
        """A fresh database copied from `template`; returns its name."""
        name = f"t{os.getpid()}_{next(self._names)}"
        with self.admin() as db:
            db.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return name

    def take_database(self, template: str, ahead: int = 2) -> str:
        """A fresh copy of `template`, made ahead of time; the next copies start in the background.

        Only for templates nobody connects to while tests run (a copy needs the template idle).
        """
        ready = self._ready[template]
        if not ready:
            ready.append(self._maker.submit(self.new_database, template))
        name = ready.popleft().result()
        while len(ready) < ahead:
            ready.append(self._maker.submit(self.new_database, template))
        return name

    def drop_later(self, name: str) -> None:
        """Drop a database in the background (ends the connections still open to it)."""
        self._maker.submit(self.drop_database, name)

    def reset_database(self, name: str) -> None:
        """Empty every table but `alembic_version` and restart their ids; ends other connections.

        A test that left a connection open (an engine not disposed) cannot hold up the next one.
        """
        with self.admin() as db:
            db.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.SUPERUSER, dbname=name, autocommit=True
        ) as db:
            tables = [
                row[0]
                for row in db.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            ]
            sequences = [
                row[0] for row in db.execute("SELECT relname FROM pg_class WHERE relkind = 'S'")
            ]
            with db.transaction():  # DELETE, not TRUNCATE: a few rows go faster than new files
                db.execute("SET CONSTRAINTS ALL DEFERRED")
                for table in tables:
                    db.execute(f'DELETE FROM "{table}"')
                for sequence in sequences:
                    db.execute(f'ALTER SEQUENCE "{sequence}" RESTART')

    def drop_database(self, name: str) -> None:
        """Drop a database, ending the connections still open to it."""
        with self.admin() as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def required() -> bool:
    """Whether a missing PostgreSQL is an error (CI) rather than a reason to skip."""
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")
