"""Voice notes for Telegram: one step of the timeline as OGG/Opus, rendered once and cached.

The timing lives in the audio: the note speaks the instruction, the hold cues and the release at
their offsets, so network delay cannot shift them. The cache key is the note's content (voice,
each cue's offset and text, the chimes' offsets, length), so equal segments share one file.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from guide_bot.domain.timeline import Timeline
from guide_bot.speech.cache import Made, cache_key
from guide_bot.speech.codecs import encode_ogg_opus
from guide_bot.speech.cues import CueAudio
from guide_bot.speech.track import (
    Segment,
    opened_segment,
    render_segment,
    segment,
    step_segment,
)

NOTE_FORMAT = "ogg-opus-48k-mono"


@dataclass(frozen=True, slots=True)
class VoiceNote:
    """An OGG/Opus voice note, its exact duration, and its cache key (for file_id reuse)."""

    data: bytes
    duration_s: float
    key: str
    path: Path

    @property
    def telegram_duration(self) -> int:
        """Telegram's integer `duration`: whole seconds, rounded up."""
        return max(1, math.ceil(self.duration_s - 1e-6))


class VoiceNotes:
    """Renders and caches the voice notes of timeline segments in one voice."""

    def __init__(self, cues: CueAudio, *, chimes: bool = True) -> None:
        self.cues = cues
        self.chimes = chimes

    def step(self, timeline: Timeline, step: int) -> VoiceNote:
        """The note of one step (1-based), from its announcement to the next step."""
        return self.segment(step_segment(timeline, step))

    def opening(self, timeline: Timeline) -> VoiceNote:
        """The first note of a session: the get-ready cue and the whole first step, so that a
        session costs one message fewer than a get-ready note of its own."""
        end = timeline.step_starts[1] if timeline.step_count > 1 else timeline.total_s
        return self.segment(segment(timeline, 0.0, end))

    def prepare(self, timeline: Timeline) -> VoiceNote:
        """The note before the first step (the get-ready cue)."""
        first = timeline.step_starts[0] if timeline.step_starts else timeline.total_s
        return self.segment(segment(timeline, 0.0, first))

    def picked_up(
        self, timeline: Timeline, start_s: float, end_s: float, openings: Sequence[str]
    ) -> VoiceNote:
        """The note of the rest of a step from `start_s` (after Resume or +15 s): it opens by
        saying where the person is (`openings`, fullest first), never with silence."""
        seg = opened_segment(timeline, start_s, end_s, openings, self.cues.duration_s)
        return self.segment(seg)

    def key(self, seg: Segment) -> str:
        """The content key of a segment's note."""
        cues = [
            [round(e.at_s - seg.start_s, 4), e.kind.value, e.text if e.spoken else ""]
            for e in seg.events
        ]
        return cache_key(
            voice=self.cues.voice_key,
            kind="segment-note",
            cues=cues,
            length=round(seg.end_s - seg.start_s, 4),
            chimes=[round(at - seg.start_s, 4) for at in seg.chimes_at] if self.chimes else [],
            format=NOTE_FORMAT,
        )

    def segment(self, seg: Segment) -> VoiceNote:
        """The note of any segment, rendered on a cache miss."""

        def make() -> Made:
            encoded = encode_ogg_opus(render_segment(seg, self.cues, chimes=self.chimes))
            return Made(data=encoded.data, ext="ogg", meta={"duration_s": encoded.duration_s})

        entry, _hit = self.cues.cache.get_or_make(self.key(seg), make)
        return VoiceNote(
            data=entry.data,
            duration_s=float(entry.meta["duration_s"]),
            key=entry.key,
            path=entry.path,
        )
