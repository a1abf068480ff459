"""The schema comes from Alembic's revisions, on SQLite and PostgreSQL: an empty database gets
exactly the models' schema, a database made by the versions before Alembic (create_all plus
ALTER TABLE ... ADD COLUMN at start-up) is completed and stamped, and what cannot be done stops."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.command import downgrade, upgrade
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from guide_bot.storage.base import Base, make_engine, make_sessionmaker
from guide_bot.storage.migrations.baseline import baseline_metadata
from guide_bot.storage.schema import (
    MIGRATIONS_DIR,
    MigrationError,
    alembic_config,
    create_or_migrate,
    current_revision,
    head_revision,
)
from guide_bot.storage.user_data import load_all_tables
from guide_bot.storage.users import UserRepository, UserSettings

NOW = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
ALL_REVISIONS = ["0001", "0002", "0003", "0004", "0005"]


@pytest.fixture
def empty(database_url: str) -> Iterator[Engine]:
    """An engine over an empty database (each engine)."""
    load_all_tables()
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def differences(engine: Engine) -> list[object]:
    """What Alembic's autogenerate would change to make the database match the models."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def test_an_empty_database_gets_exactly_the_models_schema(empty: Engine) -> None:
    assert create_or_migrate(empty) == ALL_REVISIONS
    assert differences(empty) == []
    with empty.connect() as connection:
        assert current_revision(connection) == head_revision()
    assert create_or_migrate(empty) == []  # nothing left to do


def test_a_database_made_by_create_all_is_stamped_and_keeps_its_rows(empty: Engine) -> None:
    Base.metadata.create_all(empty)  # what versions before Alembic made at start-up
    UserRepository(make_sessionmaker(empty)).ensure(1, 10, NOW)
    assert create_or_migrate(empty) == ALL_REVISIONS
    assert differences(empty) == []
    with empty.connect() as connection:
        assert current_revision(connection) == head_revision()
    user = UserRepository(make_sessionmaker(empty)).get(1)
    assert user is not None
    assert user.chat_id == 10


def test_an_older_database_gets_its_missing_columns_tables_and_indexes(empty: Engine) -> None:
    with empty.begin() as db:  # a users table from before settings existed, and one old index gone
        db.execute(
            text(
                "CREATE TABLE users (user_id BIGINT PRIMARY KEY, chat_id BIGINT NOT NULL, "
                "created_at TIMESTAMP NOT NULL)"
            )
        )
        db.execute(text("INSERT INTO users VALUES (1, 1, '2026-01-01 00:00:00')"))
    baseline = baseline_metadata()
    baseline.tables["reminders"].create(empty)
    with empty.begin() as db:
        db.execute(text("DROP INDEX ix_reminders_active_due"))
    assert create_or_migrate(empty) == ALL_REVISIONS
    columns = {c["name"] for c in inspect(empty).get_columns("users")}
    assert {"mode", "slow", "countdown", "screening", "blocked_at"} <= columns
    indexes = {i["name"] for i in inspect(empty).get_indexes("reminders")}
    assert "ix_reminders_active_due" in indexes
    assert "session_history" in inspect(empty).get_table_names()
    user = UserRepository(make_sessionmaker(empty)).get(1)
    assert user is not None
    assert user.settings == UserSettings()  # the defaults filled in for the old row
    assert user.created_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert create_or_migrate(empty) == []


def test_what_cannot_be_filled_in_stops_with_a_clear_message(empty: Engine) -> None:
    with empty.begin() as db:  # a history table missing NOT NULL columns without a default
        db.execute(text("CREATE TABLE session_history (id INTEGER PRIMARY KEY)"))
    with pytest.raises(MigrationError, match=r"session_history\.\w+ .*NOT NULL without a default"):
        create_or_migrate(empty)
    with empty.connect() as connection:
        assert current_revision(connection) is None  # not stamped: the next start tries again


def test_downgrade_to_base_and_up_again(empty: Engine) -> None:
    create_or_migrate(empty)
    with empty.begin() as connection:
        downgrade(alembic_config(connection), "base")
    assert set(inspect(empty).get_table_names()) <= {"alembic_version"}
    assert create_or_migrate(empty) == ALL_REVISIONS
    assert differences(empty) == []


def test_the_revisions_ship_inside_the_package() -> None:
    assert MIGRATIONS_DIR.parent == Path(sys.modules["guide_bot.storage"].__file__ or "").parent
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert (MIGRATIONS_DIR / "script.py.mako").is_file()
    assert list((MIGRATIONS_DIR / "versions").glob("r0001_*.py"))


def test_the_alembic_command_works_for_developers(tmp_path: Path) -> None:
    """`alembic -c <none>`: env.py takes the URL from -x url=..., no alembic.ini in the package."""
    url = f"sqlite:///{tmp_path / 'dev.sqlite3'}"
    command = [
        sys.executable, "-m", "alembic", "-x", f"url={url}",
        "-c", str(tmp_path / "none.ini"), "upgrade", "head",
    ]  # fmt: skip
    (tmp_path / "none.ini").write_text(f"[alembic]\nscript_location = {MIGRATIONS_DIR}\n")
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    engine = make_engine(url)
    with engine.connect() as connection:
        assert current_revision(connection) == head_revision()
    engine.dispose()


def test_the_users_language_gets_its_own_column_and_keeps_the_accent(empty: Engine) -> None:
    """0003 adds users.locale; users.language (the English accent of /settings) is untouched."""
    with empty.begin() as connection:
        upgrade(alembic_config(connection), "0002")
    with empty.begin() as db:
        db.execute(
            text(
                "INSERT INTO users (user_id, chat_id, created_at, mode, language, slow, countdown)"
                " VALUES (1, 1, '2026-01-01 00:00:00', 'voice', 'en-gb', false, true)"
            )
        )
    assert create_or_migrate(empty) == ["0003", "0004", "0005"]
    assert differences(empty) == []
    users = UserRepository(make_sessionmaker(empty))
    user = users.get(1)
    assert user is not None
    assert user.settings.language == "en-gb"  # the accent stays the accent
    assert user.locale is None  # not chosen yet: first contact sets it
    assert user.language_code == "en"
    users.set_locale(1, "pt-br")
    assert users.locale_of(1) == "pt-br"
    assert users.get(1).settings.language == "en-gb"  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        users.set_locale(1, "fr")
    with empty.begin() as connection:
        downgrade(alembic_config(connection), "0002")
    assert "locale" not in {c["name"] for c in inspect(empty).get_columns("users")}
    with empty.connect() as db:
        assert db.execute(text("SELECT language FROM users")).scalar_one() == "en-gb"


def test_the_step_view_column_is_added_to_stored_sessions_and_removed_again(
    empty: Engine,
) -> None:
    """Revision 0004 on a database at 0003 with a session in progress: the row stays, without a
    step view (its next refresh sends a new step message); down to 0003 the column goes."""
    from alembic.command import downgrade, upgrade

    from guide_bot.storage.schema import alembic_config

    with empty.begin() as connection:
        upgrade(alembic_config(connection), "0003")
    row = {
        "chat_id": 7, "user_id": 7, "session_id": "s1", "version": 3, "routine_id": "r",
        "mode": "text", "state": "{}", "plan": "{}", "speech_failed": False,
        "started_at": NOW.replace(tzinfo=None), "updated_at": NOW.replace(tzinfo=None),
    }  # fmt: skip
    with empty.begin() as db:
        names = ", ".join(row)
        db.execute(text(f"INSERT INTO active_sessions ({names}) VALUES (:{', :'.join(row)})"), row)
    assert "step_view" not in {c["name"] for c in inspect(empty).get_columns("active_sessions")}
    assert create_or_migrate(empty) == ["0004", "0005"]
    assert differences(empty) == []
    with empty.connect() as connection:
        assert connection.execute(text("SELECT step_view, version FROM active_sessions")).one() == (
            None,
            3,
        )
    with empty.begin() as connection:
        downgrade(alembic_config(connection), "0003")
    assert "step_view" not in {c["name"] for c in inspect(empty).get_columns("active_sessions")}
    with empty.connect() as connection:
        assert connection.execute(text("SELECT version FROM active_sessions")).scalar() == 3
