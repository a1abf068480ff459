"""`guide-bot plan`: print the timeline of one routine, as a table or as JSON.

Without `--tts` the planner uses the reading-time estimate of each cue. With `--tts ENGINE` it
uses the real durations of that engine's audio, synthesized through the audio cache:
`speak_time_for` is the one seam where the speech package plugs in.
"""

from __future__ import annotations

import difflib
import importlib
import json
from pathlib import Path
from typing import Literal, get_args

import click

from guide_bot.cli.language import Language, lang_option
from guide_bot.cli.options import json_option, library_option
from guide_bot.cli.safety_cmds import (
    REFUSED_EXIT,
    condition_option,
    length_option,
    personal_routine,
)
from guide_bot.config import Settings
from guide_bot.domain.adapt import Adaptation
from guide_bot.domain.reading import speaking_time_s
from guide_bot.domain.routine import Length, Routine
from guide_bot.domain.timeline import SpeakTime, Timeline, plan
from guide_bot.i18n import EN, Translator
from guide_bot.library.loader import load_routines

TtsChoice = Literal["gtts", "espeak", "auto"]
TTS_CHOICES: tuple[str, ...] = get_args(TtsChoice)
UNKNOWN_ROUTINE_EXIT = 2


def speak_time_for(engine: TtsChoice, settings: Settings | None = None) -> SpeakTime:
    """How long each text takes in `engine`'s voice, measured from its audio (for `--tts`); the
    voice is the one `settings` name (GUIDE_BOT_LANGUAGE, GUIDE_BOT_TLD; --lang sets them).

    The speech package (guide_bot.speech) synthesizes each text through the audio cache and
    returns its exact length; without that package, or with no working engine, `--tts` fails
    with a message that says so instead of silently estimating.
    """
    try:
        setup = importlib.import_module("guide_bot.speech.setup")
    except ImportError:
        raise click.ClickException(
            f"--tts {engine} needs the speech package (guide_bot.speech), which this build does "
            "not have; leave out --tts to plan with the reading-time estimate"
        ) from None
    try:
        cues = setup.cue_audio(settings or Settings(), engine)
    except setup.SpeechError as exc:
        raise click.ClickException(
            f"--tts {engine}: {exc}; leave out --tts to plan with the reading-time estimate"
        ) from exc
    speak: SpeakTime = cues.duration_s
    return speak


def mmss(seconds: float) -> str:
    """Seconds as m:ss for a table (rounded down, so that the order of rows shows)."""
    whole = int(seconds + 1e-9)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def find_routine(routine_id: str, library: Path, lang: Language | None = None) -> Routine:
    """The routine with this id (in the language `lang`, if given), or exit: 2 for an unknown id
    (with close matches), 1 if invalid."""
    result = load_routines((library,))
    if routine_id in result.routines:
        found = result.routines[routine_id]
        return found if lang is None else lang.routine(found, result.translations)
    broken = [issue for issue in result.errors if Path(issue.file).stem == routine_id]
    if broken:
        for issue in broken:
            click.echo(f"error: {issue}", err=True)
        raise click.ClickException(f"routine {routine_id!r} is invalid; see the errors above")
    close = difflib.get_close_matches(routine_id, sorted(result.routines), n=5, cutoff=0.5)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    click.echo(
        f"Error: no routine {routine_id!r} in {library}.{hint} (`guide-bot list` shows them all.)",
        err=True,
    )
    raise SystemExit(UNKNOWN_ROUTINE_EXIT)


def _echo_table(timeline: Timeline, length: str = "standard", tr: Translator = EN) -> None:
    steps = tr.n("{n} step", "{n} steps", timeline.step_count)
    cues = tr.n("{n} cue", "{n} cues", len(timeline.events))
    total = tr.t("{time} total ({length})", time=mmss(timeline.total_s), length=length)
    click.echo(f"{timeline.routine_id}: {timeline.title} - {total}, {steps}, {cues}")
    click.echo(f"{'time':>5}  {'step':>4}  {'side':<5}  {'kind':<12}  text")
    for event in timeline.events:
        step = "" if event.step is None else str(event.step)
        side = event.side or ""
        text = event.text if event.spoken else f"({event.text})"
        click.echo(f"{mmss(event.at_s):>5}  {step:>4}  {side:<5}  {event.kind.value:<12}  {text}")


def _refused(
    adaptation: Adaptation, head: dict[str, object], as_json: bool, tr: Translator = EN
) -> None:
    advice = [
        {"condition": a.condition, "kind": a.kind, "text": a.text} for a in adaptation.refusals
    ]
    if as_json:
        click.echo(json.dumps(head | {"refused": True, "advice": advice}, indent=2))
    else:
        click.echo(tr.t("{routine}: not offered with these answers.", routine=head["routine"]))
        for item in adaptation.refusals:
            click.echo(f"  - {item.text}")
    raise SystemExit(REFUSED_EXIT)


@click.command("plan")
@click.argument("routine_id")
@json_option
@library_option
@length_option
@condition_option
@lang_option
@click.option(
    "--tts",
    "tts",
    type=click.Choice(TTS_CHOICES),
    default=None,
    help="Time the cues by this speech engine's real audio (default: a reading-time estimate).",
)
def plan_cmd(
    routine_id: str,
    as_json: bool,
    library: Path,
    length: Length,
    conditions: tuple[str, ...],
    lang: Language,
    tts: TtsChoice | None,
) -> None:
    """Print the timeline of ROUTINE_ID: every cue at its offset from the session start.

    With --condition, the routine is first adapted to those screening answers: the changes are
    listed, and a condition that means "not now" or "ask first" refuses it (exit 3). With --lang
    the routine's words, the cue words and (with --tts) the voice are in that language.
    """
    routine = find_routine(routine_id, library, lang)
    adaptation = personal_routine(routine, length, conditions, lang.tr)
    head: dict[str, object] = {
        "routine": routine_id,
        "language": lang.code,
        "length": length,
        "conditions": list(conditions),
    }
    if adaptation.routine is None:
        _refused(adaptation, head, as_json, lang.tr)
        return
    speak = speaking_time_s if tts is None else speak_time_for(tts, lang.settings(Settings()))
    timeline = plan(adaptation.routine, speak_s=speak, options=lang.options)
    if as_json:
        data = timeline.to_dict() | {
            "language": lang.code,
            "length": length,
            "conditions": list(conditions),
            "changes": [change.to_dict() for change in adaptation.changes],
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if conditions:
        click.echo(lang.tr.t("Adapted for: {conditions}", conditions=", ".join(conditions)))
        for change in adaptation.changes:
            click.echo(f"  - {change.text}")
        if not adaptation.changes:
            nothing = lang.tr.gettext("nothing to change")
            click.echo(f"  - {nothing}")
    _echo_table(timeline, length, lang.tr)
