"""The speaker: plays clips one after another in a background thread, off the timing loop.

The player loop only queues work (`say`) and never waits for sound. A clip is fetched (from the
audio cache) and played by the worker thread, so a slow player or a cache miss cannot delay a
cue on screen. `hush` drops what is queued and cuts the clip being played: after pause, skip,
back or stop, old words are not heard over the new position. If the output fails, the speaker
turns itself off and keeps the reason, which the player shows once.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from guide_bot.console.audio import AudioBackend, PlaybackError

logger = logging.getLogger(__name__)

ClipSource = Callable[[], bytes]  # returns a WAV; may synthesize on a cache miss


class Speaker:
    """A queue of clips played in order by one daemon thread."""

    def __init__(self, backend: AudioBackend) -> None:
        self._backend = backend
        self._jobs: queue.Queue[tuple[int, ClipSource] | None] = queue.Queue()
        self._cancel = threading.Event()
        self._generation = 0
        self._lock = threading.Lock()
        self._failure: str | None = None
        self._idle = threading.Event()
        self._idle.set()
        self._played = 0
        self._thread = threading.Thread(target=self._work, name="guide-bot-speaker", daemon=True)
        self._thread.start()

    @property
    def name(self) -> str:
        """What the sound goes through."""
        return self._backend.name

    @property
    def failure(self) -> str | None:
        """Why playback stopped working, or None while it works."""
        return self._failure

    @property
    def played(self) -> int:
        """How many clips were played to the end (for the summary and tests)."""
        return self._played

    def say(self, clip: ClipSource) -> None:
        """Queue a clip to play after the ones already queued."""
        if self._failure is not None:
            return
        with self._lock:
            self._idle.clear()
            self._jobs.put((self._generation, clip))

    def hush(self) -> None:
        """Drop the queued clips and cut the one playing."""
        with self._lock:
            self._generation += 1
            self._cancel.set()

    def wait_idle(self, timeout: float) -> bool:
        """Block until everything queued has been played (used at the end of a session)."""
        return self._idle.wait(timeout)

    def close(self) -> None:
        """Stop playing and end the worker thread."""
        self.hush()
        self._jobs.put(None)
        self._thread.join(timeout=2.0)

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            generation, clip = job
            with self._lock:
                if generation != self._generation:
                    self._mark_idle()
                    continue
                self._cancel.clear()
            try:
                wav = clip()
                if generation == self._generation and self._failure is None:
                    self._backend.play(wav, self._cancel)
                    if not self._cancel.is_set():
                        self._played += 1
            except PlaybackError as exc:
                logger.warning("audio playback failed: %s", exc)
                self._failure = str(exc)
            except Exception as exc:  # a clip that cannot be made must not kill the thread
                logger.warning("could not make a clip: %s", exc)
                self._failure = f"{type(exc).__name__}: {exc}"
            with self._lock:
                self._mark_idle()

    def _mark_idle(self) -> None:
        if self._jobs.empty():
            self._idle.set()
