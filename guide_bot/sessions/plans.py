"""The plan a session runs on, and how to make exactly the same plan again after a restart.

A stored session only fits the timeline it was made with (the engine checks a digest). The
timeline depends on how long each text takes to say (measured from audio in voice mode) and on
the countdown setting, so both are stored with the session: `inputs` = the countdown choice and
every duration the planner asked for, and how settle times were counted (`settle`). Rebuilding
with them gives the same timeline.

A session started with a length and screening answers (`PlanChoice`) plays the routine in that
length, adapted to those conditions (domain/adapt.py); `inputs` then also hold `length` and
`conditions` (the names of the adapting conditions), and `played_routine` makes the same adapted
routine again from the library routine after a restart. Sessions stored before had neither and
play the routine as it is.

A session in a language other than English stores its code as `language`: the cue words the
planner generates ("Switch sides", the countdown) are in it (a `Translator` as the plan's
`Wording`), and a restart plays the routine's translation in it again. No `language`: English.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any

from guide_bot.config import Settings
from guide_bot.domain.adapt import personalise
from guide_bot.domain.reading import speaking_time_s
from guide_bot.domain.routine import LENGTHS, Length, Routine
from guide_bot.domain.timeline import PlanOptions, SpeakTime, Timeline, plan
from guide_bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, translator
from guide_bot.speech.selection import NoSpeech
from guide_bot.speech.service import SessionSpeech, SpeechService, voice_for, voice_to_dict
from guide_bot.storage.users import UserSettings

log = logging.getLogger(__name__)

# How the quiet after each instruction was timed, stored with the plan: sessions stored before
# steps had their own settle time (domain/positioning.py) paused 1 s, and are rebuilt that way.
SETTLE_RULE = "per-step"
LEGACY_SETTLE_S = 1.0


@dataclass(frozen=True, kw_only=True, slots=True)
class SessionPlan:
    """A timeline, what rebuilds it, how the session is delivered, and its voice (if any)."""

    timeline: Timeline
    inputs: dict[str, Any]
    mode: str
    speech_failed: bool
    speech: SessionSpeech | None = None  # the session's voice, in voice mode


@dataclass(frozen=True, kw_only=True, slots=True)
class PlanChoice:
    """The length the user picked and the screening conditions that adapt the routine."""

    length: Length = "standard"
    conditions: tuple[str, ...] = ()

    def to_inputs(self) -> dict[str, Any]:
        """The part of a plan's `inputs` that says how the routine was played."""
        return {"length": self.length, "conditions": sorted(self.conditions)}


class RoutineRefused(ValueError):
    """The stored length or conditions no longer give a routine to play (it changed)."""


def played_routine(routine: Routine, inputs: dict[str, Any]) -> Routine:
    """The routine as the session plays it: its length, adapted (as it was at the start).

    Raises RoutineRefused when the inputs no longer fit the routine (the library changed).
    """
    length = inputs.get("length")
    if length is None:
        return routine
    conditions = inputs.get("conditions") or []
    if length not in LENGTHS or not isinstance(conditions, list):
        raise RoutineRefused(f"stored length {length!r} or conditions are not valid")
    try:
        adaptation = personalise(
            routine,
            length=length,
            conditions=[str(c) for c in conditions],
            w=translator(session_language(inputs)),
        )
    except ValueError as exc:  # a length the routine lost, a condition no longer known
        raise RoutineRefused(str(exc)) from exc
    if adaptation.routine is None:
        raise RoutineRefused("the stored conditions now refuse this routine")
    return adaptation.routine


def _recorded(
    routine: Routine,
    speak: SpeakTime,
    options: PlanOptions,
    choice: PlanChoice | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> tuple[Timeline, dict[str, Any]]:
    seen: dict[str, float] = {}

    def measure(text: str) -> float:
        if text not in seen:
            seen[text] = float(speak(text))
        return seen[text]

    timeline = plan(routine, measure, options)
    inputs: dict[str, Any] = {"countdown": options.countdown, "speak": seen, "settle": SETTLE_RULE}
    if choice is not None:
        inputs.update(choice.to_inputs())
    if language != DEFAULT_LANGUAGE:
        inputs["language"] = language
    return _shared(routine, inputs, timeline), inputs


async def build_plan(
    routine: Routine,
    settings: UserSettings | None,
    *,
    speech: SpeechService | None,
    defaults: Settings,
    now: float,
    text_speak: SpeakTime = speaking_time_s,
    choice: PlanChoice | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> SessionPlan:
    """The plan for a new session with this user's settings.

    `routine` is the routine as played (`played_routine` of the library routine and `choice`);
    `choice` is recorded in the inputs so that a restart plays the same. `language`: the
    user's (the routine is already in it); the generated cues and the voice follow it.

    Voice mode picks the voice's engine and measures every text with it (off the event loop);
    if no engine works, the session runs in text on the estimate and says so once.
    """
    settings = settings or UserSettings()
    options = PlanOptions(countdown=settings.countdown, wording=translator(language))
    wants_voice = settings.mode in ("voice", "both")
    voice = voice_for(settings.language, settings.slow, defaults, language=language)
    if wants_voice and speech is not None:
        try:
            voiced = await speech.for_session(voice, now=now)
            if not isinstance(voiced, NoSpeech):
                timeline, inputs = await asyncio.to_thread(
                    _recorded, routine, voiced.speak_s, options, choice, language
                )
                inputs["voice"] = voice_to_dict(voice)
                return SessionPlan(
                    timeline=timeline,
                    inputs=inputs,
                    mode=settings.mode,
                    speech_failed=False,
                    speech=voiced,
                )
            log.warning("no speech engine for a session: %s", voiced.reason)
        except Exception as exc:  # an engine failing while measuring: carry on in text
            log.warning("speech unavailable for a session: %s", type(exc).__name__)
    timeline, inputs = _recorded(routine, text_speak, options, choice, language)
    if settings.mode == "hands":  # the track is rendered in this voice when it is sent
        inputs["voice"] = voice_to_dict(voice)
    return SessionPlan(
        timeline=timeline, inputs=inputs, mode=settings.mode, speech_failed=wants_voice
    )


_CACHE_SIZE = 512
_rebuilt: OrderedDict[tuple[Routine, str], Timeline] = OrderedDict()


def _shared(routine: Routine, inputs: dict[str, Any], timeline: Timeline) -> Timeline:
    """One timeline object for equal plans: sessions of the same routine share it."""
    key = (routine, json.dumps(inputs, sort_keys=True))
    known = _rebuilt.setdefault(key, timeline)
    _rebuilt.move_to_end(key)
    if len(_rebuilt) > _CACHE_SIZE:
        _rebuilt.popitem(last=False)
    return known


def session_language(inputs: dict[str, Any]) -> str:
    """The language a session was planned in (English for sessions stored without one)."""
    code = inputs.get("language", DEFAULT_LANGUAGE)
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def rebuild_plan(routine: Routine, inputs: dict[str, Any]) -> Timeline:
    """The same timeline as when the session started (given the same routine).

    Timelines are immutable, so sessions of the same routine and inputs share one: a restart with
    thousands of sessions in progress plans each routine once.
    """
    key = (routine, json.dumps(inputs, sort_keys=True))
    timeline = _rebuilt.get(key)
    if timeline is None:
        timeline = _rebuild(routine, inputs)
        _rebuilt[key] = timeline
        if len(_rebuilt) > _CACHE_SIZE:
            _rebuilt.popitem(last=False)
    else:
        _rebuilt.move_to_end(key)
    return timeline


def _rebuild(routine: Routine, inputs: dict[str, Any]) -> Timeline:
    stored = inputs.get("speak") or {}

    def speak(text: str) -> float:
        value = stored.get(text)
        return float(value) if isinstance(value, int | float) else speaking_time_s(text)

    wording = translator(session_language(inputs))
    options = PlanOptions(countdown=bool(inputs.get("countdown", True)), wording=wording)
    if inputs.get("settle") != SETTLE_RULE:  # stored before steps had their own settle time
        options = replace(options, legacy_settle_s=LEGACY_SETTLE_S)
    return plan(routine, speak, options)
