"""What the speaker sessions refuse, with a message for a person."""

from __future__ import annotations


class SpeakerError(Exception):
    """A request the speaker sessions refuse; the message says why, for a person."""


class SpeakerNotAllowed(SpeakerError):
    """The operator does not let chat users play on this entity (GUIDE_BOT_HA_SPEAKERS)."""


class NoSession(SpeakerError):
    """No session (or no single session) to control."""
