"""Whole-session tracks for speakers: the plan and the rendered file, from one code path.

A speaker (through Home Assistant) or an Echo (through the Alexa skill) plays one track of the
whole session and seeks to step offsets; those offsets come from `track_plan`, the very timeline
the track is rendered from (the same voice, the same real cue lengths), so they match the audio
to the sample. Each track is rendered once per routine content, voice (engine, language, accent),
length and format, then kept in the audio cache.

The engine is resolved once per choice: `auto` picks gTTS or espeak-ng by a probe the first time
and keeps that pick for the life of the process, so a plan handed out earlier and a track fetched
later always use the same voice. URLs therefore name the concrete engine (`PreparedTrack.engine`).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from guide_bot.config import Settings
from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import PlanOptions, Timeline, plan
from guide_bot.domain.wording import ENGLISH, Wording
from guide_bot.speech.cache import AudioCache, Made, cache_key
from guide_bot.speech.codecs import TrackFormat, encode
from guide_bot.speech.cues import CueAudio, texts_to_speak
from guide_bot.speech.ports import SpeechError
from guide_bot.speech.selection import EngineSelector, NoSpeech, Voice
from guide_bot.speech.setup import open_cache

logger = logging.getLogger(__name__)

EngineName = Literal["gtts", "espeak"]
ENGINES: tuple[str, ...] = get_args(EngineName)
TRACK_FORMATS: tuple[str, ...] = get_args(TrackFormat)
CONTENT_TYPES: dict[str, str] = {"mp3": "audio/mpeg", "ogg": "audio/ogg", "m4a": "audio/mp4"}
_TRACK_VERSION = 1  # bump when the renderer or an encoder setting changes the bytes
_WARM_CONCURRENCY = 4


@dataclass(frozen=True, kw_only=True, slots=True)
class PreparedTrack:
    """A routine planned in one concrete voice: what links name and what followers seek in."""

    routine: Routine
    engine: str  # "gtts" or "espeak": put it in the media URL
    timeline: Timeline


@dataclass(frozen=True, kw_only=True, slots=True)
class TrackFile:
    """A rendered track in the audio cache."""

    path: Path
    fmt: str
    size: int
    duration_s: float
    key: str
    data: bytes | None = None  # the bytes, when the cache could not keep them (a full disk)

    @property
    def content_type(self) -> str:
        """The HTTP Content-Type of the format."""
        return CONTENT_TYPES[self.fmt]


class SessionTracks:
    """Plans and renders whole-session tracks in the voice of the settings, through the cache."""

    def __init__(
        self,
        settings: Settings,
        *,
        selector: EngineSelector | None = None,
        cache: AudioCache | None = None,
        chimes: bool = True,
        wording: Wording = ENGLISH,
        _root: SessionTracks | None = None,
    ) -> None:
        self.settings = settings
        self.voice = Voice(language=settings.language, tld=settings.tld)
        # the language of the generated cues; the voice speaks the same one (settings.language)
        self.options = PlanOptions(wording=wording)
        self.default_tts = settings.tts
        self.cache = cache or open_cache(settings)
        base = selector or EngineSelector.from_settings(settings)
        self._selector = base
        self._factories = base.factories
        self._root = _root  # the tracks this one was made from by `in_language`
        self._languages: dict[str, SessionTracks] = {}
        self._chimes = chimes
        self._lock = threading.Lock()
        self._auto: str | None = None
        self._cues: dict[str, CueAudio] = {}
        self._plans: dict[tuple[str, str], Timeline] = {}
        self._files: dict[str, TrackFile] = {}

    # -- voice -----------------------------------------------------------------------------

    def resolve(self, tts: str | None) -> str:
        """The concrete engine for a choice (None: GUIDE_BOT_TTS); probes `auto` once.

        Raises SpeechError when the engine cannot speak, ValueError for an unknown name.
        """
        if self._root is not None:  # one `auto` pick for every language of the process
            return self._root.resolve(tts)
        choice = tts or self.default_tts
        if choice in ENGINES:
            return choice
        if choice != "auto":
            raise ValueError(f"unknown speech engine {choice!r}; use gtts, espeak or auto")
        with self._lock:
            if self._auto is not None:
                return self._auto
        picked = EngineSelector(choice="auto", factories=self._factories).pick(
            self.voice, now=time.time()
        )
        if isinstance(picked, NoSpeech):
            raise SpeechError(f"no speech engine works ({picked.reason})")
        with self._lock:
            self._auto = self._auto or picked.name
            return self._auto

    def cues(self, engine: str) -> CueAudio:
        """The cue audio of a concrete engine (one per engine, its lengths remembered)."""
        if engine not in ENGINES:
            raise ValueError(f"unknown speech engine {engine!r}; use gtts or espeak")
        with self._lock:
            found = self._cues.get(engine)
            if found is None:
                found = CueAudio(self._factories[engine](self.voice), self.cache)  # type: ignore[index]
                self._cues[engine] = found
            return found

    def in_language(self, code: str) -> SessionTracks:
        """The tracks of a user's language (guide-bot code: en, de, es, ru, pt-br): its cue
        words and its voice, sharing this one's cache and engines; one per language."""
        from guide_bot.i18n import translator
        from guide_bot.speech.languages import speech_accent

        root = self._root or self
        with root._lock:
            found = root._languages.get(code)
            if found is not None:
                return found
        language, tld = speech_accent(code)
        settings = root.settings
        if language != settings.language:  # GUIDE_BOT_TLD kept for the same gTTS language
            settings = settings.model_copy(update={"language": language, "tld": tld})
        made = SessionTracks(
            settings,
            selector=root._selector,
            cache=root.cache,
            chimes=root._chimes,
            wording=translator(code),
            _root=root,
        )
        with root._lock:
            return root._languages.setdefault(code, made)

    # -- plans and tracks ------------------------------------------------------------------

    async def prepare(self, routine: Routine, tts: str | None = None) -> PreparedTrack:
        """Resolve the voice and plan the routine with its real cue lengths."""
        engine = await asyncio.to_thread(self.resolve, tts)
        return PreparedTrack(
            routine=routine, engine=engine, timeline=await self.track_plan(routine, engine)
        )

    async def track_plan(self, routine: Routine, tts: str | None = None) -> Timeline:
        """The timeline the track of this routine and voice is rendered from (step offsets)."""
        engine = await asyncio.to_thread(self.resolve, tts)
        memo = (engine, _routine_digest(routine))
        known = self._plans.get(memo)
        if known is not None:
            return known
        cues = self.cues(engine)
        limit = asyncio.Semaphore(_WARM_CONCURRENCY)

        async def one(text: str) -> None:
            async with limit:
                await cues.aentry(text)

        await asyncio.gather(*(one(text) for text in texts_to_speak(routine, self.options)))
        timeline = await asyncio.to_thread(plan, routine, cues.duration_s, self.options)
        self._plans[memo] = timeline
        return timeline

    async def track(self, routine: Routine, fmt: str, tts: str | None = None) -> TrackFile:
        """The rendered track (from the cache, or rendered now off the event loop)."""
        if fmt not in TRACK_FORMATS:
            raise ValueError(f"unknown track format {fmt!r}; use mp3, ogg or m4a")
        engine = await asyncio.to_thread(self.resolve, tts)
        timeline = await self.track_plan(routine, engine)
        cues = self.cues(engine)
        key = self.track_key(timeline, cues.voice_key, fmt)
        known = self._files.get(key)
        if known is not None and _still_there(known):
            return known

        def make() -> Made:
            from guide_bot.speech.track import render_track

            started = time.perf_counter()
            encoded = encode(render_track(timeline, cues, chimes=self._chimes), fmt)  # type: ignore[arg-type]
            logger.info(
                "rendered the %s track of %s (%s) in %.2f s",
                fmt,
                routine.id,
                engine,
                time.perf_counter() - started,
            )
            return Made(
                data=encoded.data,
                ext=fmt,
                meta={"duration_s": encoded.duration_s, "total_s": timeline.total_s},
            )

        entry, _hit = await self.cache.aget_or_make(key, make)
        found = TrackFile(
            path=entry.path,
            fmt=fmt,
            size=len(entry.data),
            duration_s=float(entry.meta["duration_s"]),
            key=key,
            data=None if entry.kept else entry.data,
        )
        if entry.kept:
            self._files[key] = found
        return found

    def track_key(self, timeline: Timeline, voice_key: str, fmt: str) -> str:
        """The cache key of a track: everything that changes its bytes."""
        cues = [
            [round(e.at_s, 4), e.kind.value, e.text if e.spoken else ""] for e in timeline.events
        ]
        holds = [[round(h.start_s, 4), round(h.end_s, 4)] for h in timeline.holds]
        return cache_key(
            kind="session-track",
            version=_TRACK_VERSION,
            voice=voice_key,
            cues=cues,
            holds=holds,
            total=round(timeline.total_s, 4),
            chimes=self._chimes,
            format=fmt,
        )


def _routine_digest(routine: Routine) -> str:
    return hashlib.sha256(routine.model_dump_json().encode("utf-8")).hexdigest()


def _still_there(track: TrackFile) -> bool:
    """A remembered file is served only while the cache still holds it, whole."""
    try:
        return track.path.stat().st_size == track.size
    except OSError:
        return False
