"""Start-up cost (issue 18, item 4): `guide-bot run` imports only what answering needs.

The CLI loads a sub-command's module when that command is used, and the heavy libraries of
pictures, audio and shared locations load with their first use. Checked in a fresh interpreter,
since this test process has imported everything already.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from guide_bot.cli import COMMANDS, main
from guide_bot.storage.schema import HEAD, head_revision

HEAVY = ("matplotlib", "av", "numpy", "timezonefinder", "PIL")
# what a polling bot on SQLite does not use: gTTS (the first gTTS voice loads it), aiohttp's
# server side (the web features and the webhook load it), PTB's webhook server (tornado: the
# `webhooks` extra is not a dependency, our own receiver takes webhooks), PostgreSQL's
# SQLAlchemy dialect
UNUSED_ON_THE_RUN_PATH = (
    "gtts",
    "requests",
    "aiohttp.web",
    "guide_bot.web.server",
    "tornado",
    "sqlalchemy.dialects.postgresql",
)
OTHER_COMMANDS = (
    "guide_bot.cli.alexa_cmds",
    "guide_bot.cli.plan_cmds",
    "guide_bot.cli.safety_cmds",
    "guide_bot.cli.speech_cmds",
    "guide_bot.cli.speaker_cmds",
    "guide_bot.cli.serve_cmds",
    "guide_bot.cli.player_cmds",
    "guide_bot.cli.library_cmds",
)

# what `guide-bot run` imports before its bot answers: the command, its checks, the bot
PROBE = """
import json, sys
import click
from guide_bot.cli import main
with click.Context(main) as ctx:
    main.get_command(ctx, "run")
import guide_bot.cli.run_checks, guide_bot.bootstrap, guide_bot.storage.leadership
print(json.dumps(sorted(name for name, module in sys.modules.items() if module is not None)))
"""


def test_run_imports_neither_other_commands_nor_heavy_libraries() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = set(json.loads(out.stdout))
    assert "guide_bot.cli.run_cmds" in loaded
    assert "guide_bot.bootstrap" in loaded
    assert sorted(m for m in OTHER_COMMANDS if m in loaded) == []
    assert sorted(m for m in HEAVY if m in loaded) == []
    assert sorted(m for m in UNUSED_ON_THE_RUN_PATH if m in loaded) == []


def test_every_command_is_listed_and_loads() -> None:
    with click.Context(main) as ctx:
        assert main.list_commands(ctx) == sorted(COMMANDS)
        for name in COMMANDS:
            command = main.get_command(ctx, name)
            assert isinstance(command, click.Command)
            assert command.name == name
        assert main.get_command(ctx, "no-such-command") is None
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert f"  {name} " in result.output


def test_an_unknown_command_is_still_refused_by_name() -> None:
    result = CliRunner().invoke(main, ["runn"])
    assert result.exit_code == 2
    assert "No such command 'runn'" in result.output


def test_a_database_at_the_newest_revision_is_checked_without_alembic(
    sqlite_migrated: Path, tmp_path: Path
) -> None:
    """Every start but the first after an upgrade: one query, and Alembic is never loaded."""
    path = tmp_path / "db.sqlite3"
    shutil.copyfile(sqlite_migrated, path)
    probe = f"""
import json, sys
from guide_bot.storage.base import make_engine
from guide_bot.storage.schema import create_or_migrate
done = create_or_migrate(make_engine({f"sqlite:///{path}"!r}))
print(json.dumps([done, "alembic" in sys.modules]))
"""
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(out.stdout) == [[], False]


def test_the_known_head_is_alembics_head() -> None:
    assert head_revision() == HEAD
