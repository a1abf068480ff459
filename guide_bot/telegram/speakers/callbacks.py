"""The speaker buttons' payloads: which allowed speaker (by its place in the operator's list, so
an entity id never has to fit in 64 bytes) and which action."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from guide_bot.telegram.callbacks import Payload, RoutineRefStr, payload

SpeakerAction = Literal["toggle", "next", "previous", "add_time", "stop"]


@payload("spk")
class SpeakerStart(Payload):
    """Start `routine` on the n-th allowed speaker."""

    routine: RoutineRefStr
    n: int = Field(ge=0, le=99)


@payload("spc")
class SpeakerControl(Payload):
    """An action on the session playing on the n-th allowed speaker."""

    action: SpeakerAction
    n: int = Field(ge=0, le=99)
