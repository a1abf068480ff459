"""The plan a session runs on, and how to make exactly the same plan again after a restart.

A stored session only fits the timeline it was made with (the engine checks a digest). The
timeline depends on how long each text takes to say (measured from audio in voice mode) and on
the countdown setting, so both are stored with the session: `inputs` = the countdown choice and
every duration the planner asked for. Rebuilding with them gives the same timeline.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from guide_bot.config import Settings
from guide_bot.domain.reading import speaking_time_s
from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import PlanOptions, SpeakTime, Timeline, plan
from guide_bot.speech.selection import NoSpeech
from guide_bot.speech.service import SessionSpeech, SpeechService, voice_for, voice_to_dict
from guide_bot.storage.users import UserSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True, slots=True)
class SessionPlan:
    """A timeline, what rebuilds it, how the session is delivered, and its voice (if any)."""

    timeline: Timeline
    inputs: dict[str, Any]
    mode: str
    speech_failed: bool
    speech: SessionSpeech | None = None  # the session's voice, in voice mode


def _recorded(
    routine: Routine, speak: SpeakTime, options: PlanOptions
) -> tuple[Timeline, dict[str, Any]]:
    seen: dict[str, float] = {}

    def measure(text: str) -> float:
        if text not in seen:
            seen[text] = float(speak(text))
        return seen[text]

    timeline = plan(routine, measure, options)
    inputs = {"countdown": options.countdown, "speak": seen}
    return _shared(routine, inputs, timeline), inputs


async def build_plan(
    routine: Routine,
    settings: UserSettings | None,
    *,
    speech: SpeechService | None,
    defaults: Settings,
    now: float,
    text_speak: SpeakTime = speaking_time_s,
) -> SessionPlan:
    """The plan for a new session with this user's settings.

    Voice mode picks the voice's engine and measures every text with it (off the event loop);
    if no engine works, the session runs in text on the estimate and says so once.
    """
    settings = settings or UserSettings()
    options = PlanOptions(countdown=settings.countdown)
    wants_voice = settings.mode in ("voice", "both")
    if wants_voice and speech is not None:
        voice = voice_for(settings.language, settings.slow, defaults)
        try:
            voiced = await speech.for_session(voice, now=now)
            if not isinstance(voiced, NoSpeech):
                timeline, inputs = await asyncio.to_thread(
                    _recorded, routine, voiced.speak_s, options
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
    timeline, inputs = _recorded(routine, text_speak, options)
    if settings.mode == "hands":  # the track is rendered in this voice when it is sent
        inputs["voice"] = voice_to_dict(voice_for(settings.language, settings.slow, defaults))
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

    options = PlanOptions(countdown=bool(inputs.get("countdown", True)))
    return plan(routine, speak, options)
