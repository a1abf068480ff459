"""Before a session starts: decide between voice and text, and plan the timeline to match.

With sound, the timeline is planned with the speech engine's real clip durations (the same
`SpeakTime` the bot and the exported tracks use), so each cue's slot is as long as its words.
In text, it is planned with the reading-time estimate: the slot is how long the words take to
read. The choice is said once, as a notice on the screen: what plays the cues, or why nothing
does (`--text-only`, no audio output, no speech engine).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from guide_bot.config import Settings, TtsChoice
from guide_bot.console.audio import NoAudio, choose_output
from guide_bot.console.sound import BellSound, Sound
from guide_bot.domain.reading import reading_time_s
from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import PlanOptions, Timeline, plan

logger = logging.getLogger(__name__)

TEXT_TAIL = "running with text and the terminal bell at hold start and release."
TEXT_ONLY_NOTICE = f"Text only (--text-only): {TEXT_TAIL}"

Progress = Callable[[str], None]
SoundFactory = Callable[[Callable[[], None]], Sound]  # given the display's bell


@dataclass(frozen=True, slots=True)
class Prepared:
    """A planned session and how it will be heard."""

    timeline: Timeline
    notice: str
    make_sound: SoundFactory
    voiced: bool


def text_mode(routine: Routine, notice: str, options: PlanOptions | None = None) -> Prepared:
    """Plan with reading times; the bell marks the holds."""
    return Prepared(
        timeline=plan(routine, speak_s=reading_time_s, options=options),
        notice=notice,
        make_sound=BellSound,
        voiced=False,
    )


def prepare(
    routine: Routine,
    *,
    text_only: bool,
    tts: TtsChoice,
    settings: Settings,
    progress: Progress,
    options: PlanOptions | None = None,
) -> Prepared:
    """Voice when an audio output and a speech engine work, text otherwise (saying why).

    `options` carry the language of the generated cues; the voice is the settings' (GUIDE_BOT_
    LANGUAGE and TLD, which --lang sets), so each language's real cue lengths are measured."""
    if text_only:
        return text_mode(routine, TEXT_ONLY_NOTICE, options)
    progress("Looking for an audio output...")
    output = choose_output(settings.audio_player)
    if isinstance(output, NoAudio):
        return text_mode(routine, f"No audio output ({output.reason}): {TEXT_TAIL}", options)
    # Imported here: PyAV and the engines load only when there is something to play them on.
    from guide_bot.console.voice import VoiceUnavailable, open_voiced_session

    try:
        return open_voiced_session(
            routine,
            output=output,
            tts=tts,
            settings=settings,
            progress=progress,
            options=options,
        )
    except VoiceUnavailable as exc:
        logger.warning("no speech for the terminal player: %s", exc)
        return text_mode(routine, f"No speech ({exc}): {TEXT_TAIL}", options)
