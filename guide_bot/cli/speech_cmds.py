"""`guide-bot warm-cache` and `guide-bot export`: fill the audio cache, write session tracks."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from guide_bot.cli.language import Language, lang_option
from guide_bot.cli.options import library_option
from guide_bot.cli.safety_cmds import (
    REFUSED_EXIT,
    condition_option,
    length_option,
    personal_routine,
)
from guide_bot.config import Settings, TtsChoice
from guide_bot.domain.routine import Length
from guide_bot.domain.timeline import plan
from guide_bot.library.loader import load_routines
from guide_bot.speech.codecs import TrackFormat, encode, probe
from guide_bot.speech.cues import CueAudio, texts_to_speak
from guide_bot.speech.ports import SpeechError
from guide_bot.speech.setup import cue_audio
from guide_bot.speech.track import render_track

F = TypeVar("F", bound=Callable[..., Any])


def tts_option(func: F) -> F:
    """`--tts ENGINE` (or GUIDE_BOT_TTS): gtts, espeak or auto."""
    return click.option(
        "--tts",
        "tts",
        type=click.Choice(["gtts", "espeak", "auto"]),
        default=None,
        help="Speech engine (default: GUIDE_BOT_TTS, else auto = gTTS with espeak-ng fallback).",
    )(func)


def open_speech(tts: TtsChoice | None, lang: Language | None = None) -> CueAudio:
    """The cue audio for a command in the voice of `lang` (default: the settings' voice), or a
    clear error (exit 1) when no engine works."""
    settings = Settings() if lang is None else lang.settings(Settings())
    try:
        return cue_audio(settings, tts, notify=lambda line: click.echo(line, err=True))
    except SpeechError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command("warm-cache")
@library_option
@tts_option
@lang_option
def warm_cache_cmd(library: Path, tts: TtsChoice | None, lang: Language) -> None:
    """Synthesize every cue of the library into the audio cache, in the language of --lang."""
    result = load_routines((library,))
    for issue in result.errors:
        click.echo(f"skipped: {issue}", err=True)
    routines = [result.translations.localized(r, lang.code) for r in result.routines.values()]
    options = lang.options
    texts = list(dict.fromkeys(t for r in routines for t in texts_to_speak(r, options)))
    cues = open_speech(tts, lang)
    hits = misses = failed = 0
    bytes_in_cues = 0
    with click.progressbar(texts, label=f"Synthesizing ({cues.engine.name})") as bar:
        for text in bar:
            try:
                entry, hit = cues.entry(text)
            except SpeechError as exc:
                failed += 1
                click.echo(f"\nfailed: {exc}", err=True)
                continue
            hits += hit
            misses += not hit
            bytes_in_cues += len(entry.data)
    click.echo(
        f"{len(result.routines)} routines, {len(texts)} cues: {hits} hits, {misses} misses"
        f"{f', {failed} failed' if failed else ''}; "
        f"{cues.cache.stats.bytes_written} bytes written, {bytes_in_cues} bytes of cue audio; "
        f"cache {cues.cache.root} holds {cues.cache.total_bytes()} bytes"
    )
    if failed:
        raise SystemExit(1)


@click.command("export")
@click.argument("routine_id")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="File to write.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["ogg", "mp3", "m4a"]),
    default=None,
    help="ogg (Opus), mp3 or m4a (AAC); default: from the file name, else ogg.",
)
@tts_option
@length_option
@condition_option
@library_option
@lang_option
def export_cmd(
    routine_id: str,
    output: Path,
    fmt: TrackFormat | None,
    tts: TtsChoice | None,
    length: Length,
    conditions: tuple[str, ...],
    library: Path,
    lang: Language,
) -> None:
    """Write the whole-session track of a routine: every cue at its time, chimes, silences
    (words and voice in the language of --lang)."""
    result = load_routines((library,))
    found = result.routines.get(routine_id)
    if found is None:
        known = ", ".join(sorted(result.routines)) or "none"
        raise click.UsageError(f"unknown routine {routine_id!r} (known: {known})")
    found = lang.routine(found, result.translations)
    adaptation = personal_routine(found, length, conditions, lang.tr)
    if adaptation.routine is None:
        for advice in adaptation.refusals:
            click.echo(lang.tr.t("Not offered: {advice}", advice=advice.text), err=True)
        raise SystemExit(REFUSED_EXIT)
    routine = adaptation.routine
    if fmt is None:
        fmt = "mp3" if output.suffix.lower() == ".mp3" else "ogg"
        fmt = "m4a" if output.suffix.lower() == ".m4a" else fmt
    cues = open_speech(tts, lang)
    try:
        timeline = plan(routine, speak_s=cues.duration_s, options=lang.options)
        encoded = encode(render_track(timeline, cues), fmt)
    except SpeechError as exc:
        raise click.ClickException(str(exc)) from exc
    _write_atomically(output, encoded.data)
    info = probe(encoded.data)
    click.echo(
        f"wrote {output}: {info.codec} {info.sample_rate} Hz, {info.channels} channel, "
        f"{info.duration_s:.3f} s (plan total_s {timeline.total_s:.3f} s, "
        f"voice {cues.voice_key}), {len(encoded.data)} bytes"
    )


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
