"""The `guide-bot` command line: one group, one module per family of sub-commands.

The sub-commands are loaded lazily (click's LazyGroup pattern): `guide-bot run` imports only
`run_cmds`, not the Alexa, picture or speech modules with their heavy imports (matplotlib, PyAV,
the ASK SDK), so that a restarted bot answers sooner. `guide-bot --help` still lists them all.
"""

from __future__ import annotations

import click

from guide_bot import __version__
from guide_bot.cli.errors import GuideBotGroup

# command name -> "module:attribute" under guide_bot.cli, imported when the command is used
COMMANDS = {
    "validate": "library_cmds:validate_cmd",
    "list": "library_cmds:list_cmd",
    "plan": "plan_cmds:plan_cmd",
    "play": "player_cmds:play_cmd",
    "run": "run_cmds:run_cmd",
    "warm-cache": "speech_cmds:warm_cache_cmd",
    "export": "speech_cmds:export_cmd",
    "speaker": "speaker_cmds:speaker_group",
    "serve": "serve_cmds:serve_cmd",
    "alexa": "alexa_cmds:alexa_group",
    "conditions": "safety_cmds:conditions_cmd",
    "picture": "safety_cmds:picture_cmd",
}


@click.group(
    cls=GuideBotGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="guide-bot")
def main() -> None:
    """A guided session timer for self-massage and stretching routines."""
