"""What the Alexa skill needs from the rest of guide-bot: a Protocol the composition root fills."""

from __future__ import annotations

from typing import Protocol

ALEXA_TRACK_FORMAT = "mp3"  # AudioPlayer streams MP3 or AAC, not OGG


class TrackLinks(Protocol):
    """The whole-session tracks, as the media server serves them."""

    def track_url(self, routine_id: str, fmt: str) -> str:
        """A signed HTTPS URL of the routine's whole-session track in `fmt`, valid for a while."""
        ...

    def step_offsets_ms(self, routine_id: str) -> list[int]:
        """Where each step starts in that track, in milliseconds, ascending."""
        ...
