"""`guide-bot speaker list` and `guide-bot speaker play`: sessions on Home Assistant speakers.

The speaker, web and aiohttp modules are imported inside the commands, so that every other
command starts as fast as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click
from pydantic import ValidationError

from guide_bot.cli.language import Language, lang_option
from guide_bot.cli.options import json_option, library_option
from guide_bot.cli.plan_cmds import find_routine
from guide_bot.cli.speech_cmds import tts_option
from guide_bot.config import Settings, TtsChoice
from guide_bot.console.display import Display, LiveDisplay, LogDisplay
from guide_bot.console.keys import cbreak
from guide_bot.console.screen import clock_text
from guide_bot.domain.routine import Routine

if TYPE_CHECKING:
    from guide_bot.speakers.follower import SpeakerStatus
    from guide_bot.speakers.homeassistant import PlayerState


def load_settings() -> Settings:
    """The settings, or a clear error naming the bad variable (exit 1)."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"GUIDE_BOT_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors()
        )
        raise click.ClickException(f"bad setting: {problems}") from exc


def _ha_required(settings: Settings) -> None:
    from guide_bot.speakers.setup import SetupError, home_assistant

    try:
        found = home_assistant(settings)
    except SetupError as exc:
        raise click.ClickException(str(exc)) from exc
    if found is None:
        raise click.ClickException(
            "Home Assistant is not set up: set GUIDE_BOT_HA_URL (e.g. http://homeassistant.local"
            ":8123) and GUIDE_BOT_HA_TOKEN (a long-lived access token); see docs/speakers.md"
        )


@click.group("speaker")
def speaker_group() -> None:
    """Sessions on smart speakers through Home Assistant (docs/speakers.md)."""


@speaker_group.command("list")
@json_option
def list_cmd(as_json: bool) -> None:
    """The media players Home Assistant knows, with their names and states."""
    from guide_bot.speakers.homeassistant import HomeAssistantError
    from guide_bot.speakers.setup import home_assistant

    settings = load_settings()
    _ha_required(settings)

    async def fetch() -> list[PlayerState]:
        ha = home_assistant(settings)
        assert ha is not None
        try:
            return await ha.media_players()
        finally:
            await ha.close()

    try:
        players = asyncio.run(fetch())
    except HomeAssistantError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps([p.to_dict() for p in players], indent=2))
        return
    if not players:
        click.echo("Home Assistant has no media players.")
        return
    width = max(len(p.entity_id) for p in players)
    for p in players:
        allowed = " (allowed in chat)" if p.entity_id in settings.ha_speakers else ""
        click.echo(f"{p.entity_id:<{width}}  {p.state:<11}  {p.name}{allowed}")


@speaker_group.command("play")
@click.argument("routine_id")
@click.option(
    "--entity",
    required=True,
    help="The media player, e.g. media_player.kitchen (`guide-bot speaker list`).",
)
@tts_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["mp3", "m4a", "ogg"]),
    default="mp3",
    show_default=True,
    help="Track format the speaker gets.",
)
@library_option
@lang_option
def play_cmd(
    routine_id: str, entity: str, tts: TtsChoice | None, fmt: str, library: Path, lang: Language
) -> None:
    """Play a routine on a speaker and follow it here (words and voice in the language of --lang).

    Keys: space pause/resume, n next step, b previous step, + hold 15 s longer, q stop.
    """
    routine = find_routine(routine_id, library, lang)  # exit 2 with close matches, as `plan` does
    settings = lang.settings(load_settings())
    _ha_required(settings)
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="replace")
    display: Display = LiveDisplay(sys.stdout) if sys.stdout.isatty() else LogDisplay(sys.stdout)
    key_fd = sys.stdin.fileno() if sys.stdin.isatty() else None
    from guide_bot.speakers.follower import Phase

    with _keys(key_fd, display):
        final = asyncio.run(_play(settings, routine, entity, tts, fmt, display, key_fd, lang))
    if final.phase is Phase.FINISHED:
        display.close(f"Session complete on {final.speaker}. Well done.")
    else:
        display.close(
            f"Stopped at {clock_text(final.offset_s)} of {clock_text(final.total_s)} "
            f"on {final.speaker}."
        )


@contextlib.contextmanager
def _keys(key_fd: int | None, display: Display) -> Iterator[None]:
    if key_fd is None:
        yield
        return
    redraw = display.invalidate if isinstance(display, LiveDisplay) else None
    with cbreak(key_fd, on_resume=redraw):
        yield


async def _play(
    settings: Settings,
    routine: Routine,
    entity: str,
    tts: TtsChoice | None,
    fmt: str,
    display: Display,
    key_fd: int | None,
    lang: Language,
) -> SpeakerStatus:
    from guide_bot.domain.clock import SystemClock
    from guide_bot.speakers.console import follow
    from guide_bot.speakers.homeassistant import HomeAssistantError
    from guide_bot.speakers.routine_query import RoutineNotFound
    from guide_bot.speakers.sessions import SpeakerError
    from guide_bot.speakers.setup import SetupError, build_web_parts
    from guide_bot.speech.ports import SpeechError
    from guide_bot.speech.session_tracks import SessionTracks
    from guide_bot.web.server import build_web_app, start_web, stop_web

    try:
        parts = build_web_parts(
            settings,
            lambda: {routine.id: routine},
            SystemClock(),
            speaker_api=False,
            tracks=SessionTracks(settings, wording=lang.tr),
        )
    except SetupError as exc:
        raise click.ClickException(str(exc)) from exc
    sessions = parts.sessions
    assert sessions is not None
    sessions.fmt = fmt
    for note in parts.notes:
        click.echo(f"note: {note}", err=True)
    try:
        runner = await start_web(
            build_web_app(parts.features), settings.http_listen, settings.http_port
        )
    except OSError as exc:
        await sessions.close()
        raise click.ClickException(
            f"cannot serve the track on {settings.http_listen}:{settings.http_port} ({exc}); "
            "set GUIDE_BOT_HTTP_PORT to a free port"
        ) from exc
    status: SpeakerStatus | None = None
    try:
        click.echo(f"Preparing the track of {routine.id} and starting it on {entity}...", err=True)
        try:
            await sessions.start(routine.id, entity, tts=tts)
        except (HomeAssistantError, SpeakerError, SpeechError, RoutineNotFound) as exc:
            raise click.ClickException(str(exc)) from exc
        notices = (f"On {entity} through Home Assistant · media {parts.links.public_url}",)
        status = await follow(sessions, entity, routine, display, key_fd=key_fd, notices=notices)
        return status
    finally:
        if status is None or not status.phase.closed:
            with contextlib.suppress(SpeakerError, HomeAssistantError):
                await sessions.control(entity, "stop")
        await sessions.close()
        await stop_web(runner)
