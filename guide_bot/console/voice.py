"""The player's voice: the speech package's engine and audio cache, as WAV clips to play.

Nothing is synthesized or mixed here that speech/ does not already do: the engine and cache
come from `speech.setup.cue_audio` (GUIDE_BOT_TTS / --tts, probed once, one voice for the whole
session), clips from `CueAudio` through the content-addressed audio cache (trimmed 16-bit mono
WAV, which any player accepts as it is), and the chimes are mixed in by speech's track
renderer. Every text of the routine is fetched before the session starts, both to plan with the
real durations and so that playback during the session is a cache hit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

from guide_bot.config import Settings, TtsChoice
from guide_bot.console.audio import AudioBackend
from guide_bot.console.preparation import Prepared, Progress
from guide_bot.console.sound import VoiceSound
from guide_bot.console.speaker import Speaker
from guide_bot.domain.cues import FADE_TEXT, CueKind
from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import PlanOptions, TimelineEvent, plan
from guide_bot.speech.chime import CHIME_S
from guide_bot.speech.codecs import CodecError, pcm_to_wav
from guide_bot.speech.cues import CueAudio
from guide_bot.speech.ports import Pcm, SpeechError
from guide_bot.speech.setup import cue_audio
from guide_bot.speech.track import Segment, render_segment


class VoiceUnavailable(Exception):
    """No speech for this session; the message says why (shown once, then text is used)."""


class CachedVoice:
    """Clips of one engine's voice from the audio cache, as WAV bytes ready to play.

    Like the bot's voice notes and the exported tracks, a soft chime marks the moment a hold
    starts (right after its "... now"), its release (with the word "Release") and the end; the
    chime is mixed in by speech's own renderer, so the player sounds like the other outputs.
    """

    def __init__(self, cues: CueAudio, *, chimes: bool = True) -> None:
        self.cues = cues
        self.chimes = chimes
        self._mixed: dict[tuple[str, str], bytes] = {}
        self._lock = threading.Lock()

    def clip(self, text: str) -> Pcm:
        """The cached clip's PCM (synthesized only on a miss)."""
        return self.cues.clip(text)

    def event_wav(self, event: TimelineEvent) -> bytes:
        """What to play for a cue: its clip, with the chime where this kind of cue has one."""
        chime_at = self._chime_offset(event)
        if chime_at is None:
            entry, _hit = self.cues.entry(event.text)
            return entry.data  # the cached clip is a WAV already
        key = (event.kind.value, event.text)
        with self._lock:
            known = self._mixed.get(key)
        if known is not None:
            return known
        seg = Segment(
            start_s=0.0,
            end_s=chime_at + CHIME_S,
            events=(replace(event, at_s=0.0),) if event.spoken else (),
            chimes_at=(chime_at,),
        )
        wav = pcm_to_wav(render_segment(seg, self))
        with self._lock:
            self._mixed[key] = wav
        return wav

    def duration_s(self, text: str) -> float:
        """The clip's exact length: the planner's `SpeakTime` when the session is voiced."""
        return self.cues.duration_s(text)

    def _chime_offset(self, event: TimelineEvent) -> float | None:
        if event.text == FADE_TEXT:
            return None  # the quiet last words of a routine that fades out: no chime
        if not self.chimes:
            return 0.0 if event.kind is CueKind.COMPLETE else None
        if event.kind is CueKind.HOLD_START:
            return self.duration_s(event.text)  # the hold begins when "... now" ends
        if event.kind in (CueKind.RELEASE, CueKind.COMPLETE):
            return 0.0
        return None


def open_voiced_session(
    routine: Routine,
    *,
    output: AudioBackend,
    tts: TtsChoice,
    settings: Settings,
    progress: Progress,
    make_cues: Callable[[TtsChoice, Settings], CueAudio] | None = None,
    options: PlanOptions | None = None,
) -> Prepared:
    """Choose the engine, fetch every clip, plan with their real durations; or raise why not."""
    progress(f"Choosing the speech engine ({tts})...")
    try:
        cues = (make_cues or _cue_audio)(tts, settings)
        voice = CachedVoice(cues)
        # the estimate's plan names (nearly) every text
        texts = plan(routine, options=options).spoken_texts()
        hits = 0
        for number, text in enumerate(texts, start=1):
            _entry, hit = cues.entry(text)
            hits += hit
            voice.duration_s(text)
            if not hit:
                progress(f"Speaking cue {number} of {len(texts)} into the cache...")
        timeline = plan(routine, speak_s=voice.duration_s, options=options)
    except (SpeechError, CodecError, OSError) as exc:
        raise VoiceUnavailable(str(exc) or type(exc).__name__) from exc
    speaker = Speaker(output)
    engine = cues.engine.name
    notice = (
        f"Audio: cues play through {output.name}, spoken by {engine} "
        f"({hits} of {len(texts)} clips were already in the cache)."
    )
    return Prepared(
        timeline=timeline,
        notice=notice,
        make_sound=lambda ring: VoiceSound(voice, speaker, ring, quiet_end=timeline.quiet_end),
        voiced=True,
    )


def _cue_audio(tts: TtsChoice, settings: Settings) -> CueAudio:
    return cue_audio(settings, tts)
