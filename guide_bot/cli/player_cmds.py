"""`guide-bot play ROUTINE_ID`: run a whole session in the terminal, spoken or in text."""

from __future__ import annotations

import contextlib
import io
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import click

from guide_bot.cli.language import Language, lang_option
from guide_bot.cli.options import library_option
from guide_bot.cli.plan_cmds import find_routine
from guide_bot.cli.safety_cmds import (
    REFUSED_EXIT,
    condition_option,
    length_option,
    personal_routine,
)
from guide_bot.config import Settings, TtsChoice
from guide_bot.console.display import Display, LiveDisplay, LogDisplay
from guide_bot.console.keys import KeySource, NoKeys, TerminalKeys, cbreak
from guide_bot.console.player import Player
from guide_bot.console.preparation import prepare
from guide_bot.domain.clock import SystemClock
from guide_bot.domain.routine import Length
from guide_bot.domain.session import SessionMachine


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _terminal(interactive: bool, display: Display) -> Iterator[None]:
    """cbreak mode on stdin when it is a terminal; SIGTERM and SIGHUP end the session cleanly."""
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    redraw = display.invalidate if isinstance(display, LiveDisplay) else None
    try:
        if interactive:
            with cbreak(sys.stdin.fileno(), on_resume=redraw):
                yield
        else:
            yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@click.command("play")
@click.argument("routine_id")
@click.option(
    "--text-only",
    is_flag=True,
    help="Show the cues as text with the terminal bell; play no sound.",
)
@click.option(
    "--tts",
    type=click.Choice(["gtts", "espeak", "auto"]),
    default=None,
    help="Speech engine (default: GUIDE_BOT_TTS, else auto: gTTS, then espeak-ng).",
)
@length_option
@condition_option
@library_option
@lang_option
def play_cmd(
    routine_id: str,
    text_only: bool,
    tts: TtsChoice | None,
    length: Length,
    conditions: tuple[str, ...],
    library: Path,
    lang: Language,
) -> None:
    """Play a routine in the terminal: spoken cues, a live countdown, keys to steer it.

    Keys: space pause/resume, n skip, b back, + add 15 s, q stop. With --condition the routine
    is adapted to those screening answers first (the changes are listed); a condition that means
    "not now" or "ask first" refuses it (exit 3). --lang sets the words, the screen and the voice.
    """
    found = find_routine(routine_id, library, lang)  # exit 2 with close matches, as `plan` does
    adaptation = personal_routine(found, length, conditions, lang.tr)
    if adaptation.routine is None:
        for advice in adaptation.refusals:
            click.echo(lang.tr.t("Not offered: {advice}", advice=advice.text), err=True)
        raise SystemExit(REFUSED_EXIT)
    for change in adaptation.changes:
        click.echo(lang.tr.t("Adapted: {change}", change=change.text), err=True)
    routine = adaptation.routine
    settings = lang.settings(Settings())
    if isinstance(sys.stdout, io.TextIOWrapper):  # a terminal without UTF-8 gets "?" for "█"
        sys.stdout.reconfigure(errors="replace")
    interactive_out = sys.stdout.isatty()

    def progress(text: str) -> None:
        click.echo(text, err=True)

    prepared = prepare(
        routine,
        text_only=text_only,
        tts=tts or settings.tts,
        settings=settings,
        progress=progress,
        options=lang.options,
    )
    display: Display = LiveDisplay(sys.stdout) if interactive_out else LogDisplay(sys.stdout)
    interactive_in = sys.stdin.isatty()
    keys: KeySource = TerminalKeys(sys.stdin.fileno()) if interactive_in else NoKeys()
    player = Player(
        routine=routine,
        session=SessionMachine(prepared.timeline),
        clock=SystemClock(),
        keys=keys,
        display=display,
        sound=prepared.make_sound(display.bell),
        notices=(prepared.notice,),
        tr=lang.tr,
    )
    with _terminal(interactive_in, display):
        player.run()
