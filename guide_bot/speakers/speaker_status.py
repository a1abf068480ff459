"""A session on a speaker as every front end sees it: its phase and its place in the plan.

`SpeakerStatus.to_dict()` is the JSON shape of the speaker API; the chat and the terminal read
the same object.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from guide_bot.speakers.timeline_reading import Reading


class Phase(StrEnum):
    """Where a session on a speaker is."""

    STARTING = "starting"
    PLAYING = "playing"
    PAUSED = "paused"
    BUFFERING = "buffering"
    HOLDING_ON = "holding-on"
    INTERRUPTED = "interrupted"
    FINISHED = "finished"
    STOPPED = "stopped"

    @property
    def closed(self) -> bool:
        """Whether the session has ended."""
        return self in (Phase.FINISHED, Phase.STOPPED)


INTERRUPT_UNAVAILABLE = "The speaker became unavailable"
INTERRUPT_OTHER_MEDIA = "The speaker is playing something else"
INTERRUPT_STOPPED = "Playback was stopped on the speaker"
INTERRUPT_NOT_STARTED = "The speaker did not start the track"


@dataclass(frozen=True, kw_only=True, slots=True)
class SpeakerStatus:
    """A session on a speaker at one moment: for the terminal, the API and the chat."""

    entity: str
    speaker: str  # the player's friendly name
    routine: str
    title: str
    engine: str
    phase: Phase
    message: str | None  # why the session is interrupted, or what just happened
    reading: Reading
    total_s: float
    step_count: int
    step_title: str | None
    hold_on_left_s: float | None  # seconds until a "+15 s" pause resumes by itself

    @property
    def offset_s(self) -> float:
        """Where in the track (seconds from its start)."""
        return self.reading.offset_s

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of the speaker API's status."""
        r = self.reading
        return {
            "entity": self.entity,
            "speaker": self.speaker,
            "routine": self.routine,
            "title": self.title,
            "phase": self.phase.value,
            "message": self.message,
            "step": r.step,
            "step_count": self.step_count,
            "step_title": self.step_title,
            "side": r.side,
            "in_hold": r.hold is not None,
            "hold_left_s": None if r.hold_left_s is None else round(r.hold_left_s, 1),
            "offset_s": round(r.offset_s, 1),
            "total_s": round(self.total_s, 1),
            "said": r.said,
            "engine": self.engine,
        }
