"""The `guide-bot` command line: one group, one module per family of sub-commands."""

from __future__ import annotations

import click

from guide_bot import __version__
from guide_bot.cli.alexa_cmds import alexa_group
from guide_bot.cli.errors import GuideBotGroup
from guide_bot.cli.library_cmds import list_cmd, validate_cmd
from guide_bot.cli.plan_cmds import plan_cmd
from guide_bot.cli.player_cmds import play_cmd
from guide_bot.cli.run_cmds import run_cmd
from guide_bot.cli.safety_cmds import conditions_cmd, picture_cmd
from guide_bot.cli.serve_cmds import serve_cmd
from guide_bot.cli.speaker_cmds import speaker_group
from guide_bot.cli.speech_cmds import export_cmd, warm_cache_cmd


@click.group(cls=GuideBotGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="guide-bot")
def main() -> None:
    """A guided session timer for self-massage and stretching routines."""


main.add_command(validate_cmd)
main.add_command(list_cmd)
main.add_command(plan_cmd)
main.add_command(play_cmd)
main.add_command(run_cmd)
main.add_command(warm_cache_cmd)
main.add_command(export_cmd)
main.add_command(speaker_group)
main.add_command(serve_cmd)
main.add_command(alexa_group)
main.add_command(conditions_cmd)
main.add_command(picture_cmd)
