"""Shared fixtures: the shipped library, and the databases the storage contract tests run on.

`database_url` is the one fixture behind every storage test: parametrized over SQLite (a file in
the test's folder) and PostgreSQL (a fresh database in the session's throwaway cluster, see
tests/pg.py), so each repository is held to the same contract on both engines.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from pg import PgCluster, PostgresUnavailable, find_bindir, required
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from guide_bot.paths import shipped_library_dir
from guide_bot.storage.base import make_engine, make_sessionmaker
from guide_bot.storage.schema import create_or_migrate
from guide_bot.storage.user_data import load_all_tables

ENGINES = ("sqlite", "postgresql")
MIGRATED = "guide_bot_migrated"

# Property tests: 40 examples per property on every run (the suite's time budget), 400 with
# HYPOTHESIS_PROFILE=thorough. Hypothesis keeps failing examples in .hypothesis/ and tries them
# first on the next run, so a found bug stays found.
settings.register_profile("default", max_examples=40, deadline=None)
settings.register_profile("thorough", max_examples=400, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture
def library_dir() -> Path:
    """The shipped scripts_library/."""
    return shipped_library_dir()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """One running PostgreSQL cluster for the whole test session (skips, or fails in CI)."""
    try:
        bindir = find_bindir()
    except PostgresUnavailable as missing:
        if required():
            pytest.fail(f"PostgreSQL is required here (GUIDE_BOT_REQUIRE_POSTGRES): {missing}")
        pytest.skip(str(missing))
    cluster = PgCluster(bindir)
    try:
        cluster.start()
    except Exception:
        with contextlib.suppress(Exception):
            cluster.stop()
        raise
    # One database at the newest schema, shared by the tests that want the tables (emptied first).
    with cluster.admin() as db:
        db.execute(f'CREATE DATABASE "{MIGRATED}"')
    engine = make_engine(cluster.url(MIGRATED))
    load_all_tables()
    create_or_migrate(engine)
    engine.dispose()
    yield cluster
    cluster.stop()


def _pg_database(request: pytest.FixtureRequest, template: str) -> Iterator[str]:
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    name = cluster.take_database(template)
    yield cluster.url(name)
    cluster.drop_later(name)


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database."""
    yield from _pg_database(request, "template1")


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, empty database on each engine."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db.sqlite3'}"
    else:
        yield from _pg_database(request, "template1")


@pytest.fixture(scope="session")
def sqlite_migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file at the newest schema, made once; tests get copies of it."""
    path = tmp_path_factory.mktemp("sqlite-template") / "migrated.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    load_all_tables()
    create_or_migrate(engine)
    with engine.begin() as connection:  # one file: fold the WAL back in before copying
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(params=ENGINES)
def migrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a database with every table at the newest schema and no rows, on each engine."""
    if request.param == "sqlite":
        path = tmp_path / "db.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_migrated"), path)
        yield f"sqlite:///{path}"
    else:
        cluster: PgCluster = request.getfixturevalue("pg_cluster")
        cluster.reset_database(MIGRATED)
        yield cluster.url(MIGRATED)


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:
    """An engine over a migrated database (on each engine), disposed afterwards."""
    engine = make_engine(migrated_url)
    yield engine
    engine.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Any]:
    """The session factory the repositories take, over a migrated database (each engine)."""
    return make_sessionmaker(engine)
