"""Rendering the timeline into audio: a whole-session track or the segment of one step.

Every spoken cue is placed at its exact `at_s` (to the sample) in the plan made with the same
voice, silence fills the holds, and a soft chime marks each hold's start (the end of its "... now"
words), its release, and the end of the session. Mixing is done with numpy on whole clips, never
sample by sample in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from guide_bot.domain.timeline import CueKind, Timeline, TimelineEvent
from guide_bot.speech.chime import chime
from guide_bot.speech.codecs import resample
from guide_bot.speech.ports import Pcm

if TYPE_CHECKING:
    import numpy as np  # imported on first use: numpy is not on the bot's start-up path

DEFAULT_RATE = 22_050


class ClipSource(Protocol):
    """Where spoken clips come from (a `CueAudio`, or a fake in tests)."""

    def clip(self, text: str) -> Pcm:
        """The trimmed PCM of one text."""
        ...


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of the timeline: the events in it and its bounds (seconds from session start)."""

    start_s: float
    end_s: float
    events: tuple[TimelineEvent, ...]
    chimes_at: tuple[float, ...]  # hold starts, releases and the end, in the segment


def step_segment(timeline: Timeline, step: int) -> Segment:
    """One step (1-based): from its announcement to the next step's start; the last step ends
    with the completion chime."""
    if not 1 <= step <= timeline.step_count:
        raise ValueError(f"step {step} is not in 1..{timeline.step_count}")
    return segment(timeline, timeline.step_starts[step - 1], timeline.step_end(step))


def segment(timeline: Timeline, start_s: float, end_s: float) -> Segment:
    """Events with start <= at_s < end, plus the completion when the segment ends the session."""

    def inside(at: float) -> bool:
        return start_s <= at < end_s

    events = tuple(
        e
        for e in timeline.events
        if inside(e.at_s) or (e.kind is CueKind.COMPLETE and e.at_s == end_s)
    )
    marks = [t for hold in timeline.holds for t in (hold.start_s, hold.end_s) if inside(t)]
    marks += [e.at_s for e in events if e.kind is CueKind.COMPLETE]
    if timeline.quiet_end and timeline.holds:  # a routine that fades out ends without a chime
        marks = [t for t in marks if t < timeline.holds[-1].end_s]
    return Segment(start_s=start_s, end_s=end_s, events=events, chimes_at=tuple(sorted(marks)))


# Generated cues that a lead-in may take the place of; the others are always said.
_MAY_GIVE_WAY = frozenset({CueKind.COUNTDOWN, CueKind.HALFWAY, CueKind.PACE})


def opened_segment(
    timeline: Timeline,
    start_s: float,
    end_s: float,
    openings: Sequence[str],
    speak: Callable[[str], float],
    gap_s: float = 0.25,
) -> Segment:
    """A segment that opens with spoken words at its very start (a note after Resume or +15 s).

    The first of `openings` (fullest first) that ends `gap_s` before the next cue that must be
    said is placed at `start_s`; countdown, halfway and pacing cues under it give way, and so
    does the chime of a hold that began while it speaks. When none fits, the segment starts
    at that next cue instead (under a second early), so it never opens with silence.
    """
    seg = segment(timeline, start_s, end_s)
    spoken = [e for e in seg.events if e.spoken]
    for text in openings:
        length = speak(text)
        ends = start_s + length + gap_s
        if any(e.at_s < ends and e.kind not in _MAY_GIVE_WAY for e in spoken):
            continue
        kept = tuple(e for e in seg.events if not (e.spoken and e.at_s < ends))
        first = seg.events[0] if seg.events else None
        lead = TimelineEvent(
            at_s=start_s,
            kind=CueKind.LEAD_IN,
            step=first.step if first is not None else None,
            side=first.side if first is not None else None,
            text=text,
            speak_s=length,
        )
        chimes = tuple(at for at in seg.chimes_at if at >= ends)
        return Segment(start_s=start_s, end_s=end_s, events=(lead, *kept), chimes_at=chimes)
    must = next((e for e in spoken if e.kind not in _MAY_GIVE_WAY), None)
    if must is None or must.at_s <= start_s:
        return seg
    return segment(timeline, must.at_s, end_s)


def render_track(timeline: Timeline, clips: ClipSource, *, chimes: bool = True) -> Pcm:
    """The whole session: total_s long, plus the final chime."""
    return render_segment(segment(timeline, 0.0, timeline.total_s), clips, chimes=chimes)


def render_segment(seg: Segment, clips: ClipSource, *, chimes: bool = True) -> Pcm:
    """Mix a segment's clips (and chimes) into one mono PCM buffer."""
    import numpy as np

    spoken = [(e, clips.clip(e.text)) for e in seg.events if e.spoken]
    rate = spoken[0][1].rate if spoken else DEFAULT_RATE
    placed: list[tuple[int, np.ndarray]] = []
    for event, pcm in spoken:
        placed.append((_offset(event.at_s - seg.start_s, rate), _samples(pcm, rate)))
    if chimes:
        bell = _samples(chime(rate), rate)
        placed += [(_offset(at - seg.start_s, rate), bell) for at in seg.chimes_at]
    length = _offset(seg.end_s - seg.start_s, rate)
    length = max([length, *(at + len(samples) for at, samples in placed)])
    mix = np.zeros(length, dtype=np.int32)
    for at, samples in placed:
        mix[at : at + len(samples)] += samples
    np.clip(mix, -32768, 32767, out=mix)
    return Pcm(mix.astype("<i2").tobytes(), rate)


def _offset(seconds: float, rate: int) -> int:
    return max(0, round(seconds * rate))


def _samples(pcm: Pcm, rate: int) -> np.ndarray:
    import numpy as np

    if pcm.rate != rate:
        pcm = resample(pcm, rate)
    return np.frombuffer(pcm.samples, dtype="<i2")
