"""The plan a session runs on, and how to make exactly the same plan again after a restart.

A stored session only fits the timeline it was made with (the engine checks a digest). The
timeline depends on how long each text takes to say (measured from audio in voice mode) and on
the countdown setting, so both are stored with the session: `inputs` = the countdown choice and
every duration the planner asked for. Rebuilding with them gives the same timeline.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from guide_bot.bot.services import Services
from guide_bot.domain.reading import speaking_time_s
from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import PlanOptions, SpeakTime, Timeline, plan
from guide_bot.storage.users import UserSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True, slots=True)
class SessionPlan:
    """A timeline, what rebuilds it, and how the session is delivered."""

    timeline: Timeline
    inputs: dict[str, Any]
    mode: str
    speech_failed: bool


def _recorded(routine: Routine, speak: SpeakTime, options: PlanOptions) -> SessionPlan:
    seen: dict[str, float] = {}

    def measure(text: str) -> float:
        if text not in seen:
            seen[text] = float(speak(text))
        return seen[text]

    timeline = plan(routine, measure, options)
    inputs = {"countdown": options.countdown, "speak": seen}
    return SessionPlan(timeline=timeline, inputs=inputs, mode="text", speech_failed=False)


async def build_plan(
    routine: Routine, settings: UserSettings | None, services: Services
) -> SessionPlan:
    """The plan for a new session with this user's settings.

    Voice mode measures every text with the speech engine; if that fails the session runs in
    text (on the reading-time estimate) and says so once.
    """
    settings = settings or UserSettings()
    options = PlanOptions(countdown=settings.countdown)
    if settings.mode in ("voice", "both") and services.speech is not None:
        try:
            speak = await services.speech.durations(routine, options, settings)
        except Exception as exc:  # every engine failed: carry on in text
            log.warning("speech unavailable for a session: %s", type(exc).__name__)
        else:
            result = _recorded(routine, speak, options)
            return SessionPlan(
                timeline=result.timeline,
                inputs=result.inputs,
                mode=settings.mode,
                speech_failed=False,
            )
    result = _recorded(routine, services.text_speak, options)
    wanted_voice = settings.mode in ("voice", "both")
    return SessionPlan(
        timeline=result.timeline,
        inputs=result.inputs,
        mode=settings.mode,
        speech_failed=wanted_voice,
    )


def rebuild_plan(routine: Routine, inputs: dict[str, Any]) -> Timeline:
    """The same timeline as when the session started (given the same routine)."""
    stored = inputs.get("speak") or {}

    def speak(text: str) -> float:
        value = stored.get(text)
        return float(value) if isinstance(value, int | float) else speaking_time_s(text)

    options = PlanOptions(countdown=bool(inputs.get("countdown", True)))
    return plan(routine, speak, options)
