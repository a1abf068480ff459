"""What the player does with a cue for the ear: speak it through the speaker, or ring the bell.

Two implementations of one small port. `VoiceSound` queues the cached clip of each spoken cue
(with the chimes of hold start, release and the end) on the background speaker; `BellSound` is
the text-only mode: the terminal bell at hold start, at release and at the end, so the holds
can be followed without looking at the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from guide_bot.console.speaker import Speaker
from guide_bot.domain.timeline import CueKind, TimelineEvent

BELL_KINDS = frozenset({CueKind.HOLD_START, CueKind.RELEASE, CueKind.COMPLETE})


class Sound(Protocol):
    """The player's sound port."""

    @property
    def failure(self) -> str | None:
        """Why sound stopped working mid-session (shown once), or None."""
        ...

    def cue(self, event: TimelineEvent) -> None:
        """Make the cue heard, without waiting for it."""
        ...

    def hush(self) -> None:
        """Cut what is being said and drop what is queued."""
        ...

    def finish(self, timeout: float) -> None:
        """Let the queued sound play out (up to `timeout` s), then release the device."""
        ...


class BellSound:
    """Text-only mode: the terminal bell at hold start, release and the end of the session."""

    def __init__(self, ring: Callable[[], None]) -> None:
        self._ring = ring

    @property
    def failure(self) -> str | None:
        """A bell does not fail."""
        return None

    def cue(self, event: TimelineEvent) -> None:
        """Ring for the moments that matter when not looking at the screen."""
        if event.kind in BELL_KINDS:
            self._ring()

    def hush(self) -> None:
        """Nothing is playing."""

    def finish(self, timeout: float) -> None:
        """Nothing to release."""


class Voice(Protocol):
    """Where the clips come from: the speech engine's voice through the audio cache."""

    def event_wav(self, event: TimelineEvent) -> bytes:
        """What to play for a cue, as a WAV (its clip, with a chime where it has one)."""
        ...


class VoiceSound:
    """Spoken cues: each spoken event's clip is queued on the background speaker.

    If playback fails mid-session, the bell takes over, as in text-only mode. A routine that
    fades out (`quiet_end`, for sleep) ends without the completion chime.
    """

    def __init__(
        self,
        voice: Voice,
        speaker: Speaker,
        ring: Callable[[], None],
        *,
        quiet_end: bool = False,
    ) -> None:
        self._voice = voice
        self._speaker = speaker
        self._fallback = BellSound(ring)  # once playback has failed
        self._quiet_end = quiet_end

    @property
    def failure(self) -> str | None:
        """Set once playback failed; the speaker then stays quiet."""
        return self._speaker.failure

    @property
    def speaker(self) -> Speaker:
        """The background speaker (for its counters)."""
        return self._speaker

    def cue(self, event: TimelineEvent) -> None:
        """Queue the clip; the completion, which has no words, is a chime only."""
        if self._speaker.failure is not None:
            self._fallback.cue(event)
            return
        voice = self._voice
        end_chime = event.kind is CueKind.COMPLETE and not self._quiet_end
        if event.spoken or end_chime:
            self._speaker.say(lambda: voice.event_wav(event))

    def hush(self) -> None:
        """Cut the speaker."""
        self._speaker.hush()

    def finish(self, timeout: float) -> None:
        """Wait for the last words and the chime, then stop the speaker's thread."""
        self._speaker.wait_idle(timeout)
        self._speaker.close()
