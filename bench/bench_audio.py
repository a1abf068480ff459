"""Speech benchmark: prints cold synthesis per cue (espeak-ng), warm cache hit time, transcode
time per second of audio, and the time to render a 10-minute session track (multiple of real
time). Medians over several runs. Run: `.venv/bin/python bench/bench_audio.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import plan
from guide_bot.library.loader import load_routines
from guide_bot.paths import shipped_library_dir
from guide_bot.speech.cache import AudioCache
from guide_bot.speech.codecs import TrackFormat, decode, encode, encode_ogg_opus
from guide_bot.speech.cues import CueAudio, texts_to_speak
from guide_bot.speech.espeak_engine import EspeakEngine
from guide_bot.speech.track import render_track

TEN_MINUTES_S = 600.0


def median_time(func: Callable[[], object], runs: int) -> float:
    """Median wall time of `runs` calls, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def ten_minute_routine(routine: Routine) -> Routine:
    """The routine's steps, cycled one at a time until its plan lasts at least ten minutes."""
    steps = list(routine.steps)
    longer = routine
    while plan(longer).total_s < TEN_MINUTES_S and len(steps) < 40:
        steps.append(routine.steps[len(steps) % len(routine.steps)])
        longer = routine.model_copy(update={"steps": tuple(steps)})
    return longer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    routine = load_routines([shipped_library_dir()]).routines["neck-release"]
    long_routine = ten_minute_routine(routine)
    engine = EspeakEngine()
    texts = texts_to_speak(long_routine)

    with tempfile.TemporaryDirectory() as folder:
        # Cold: every cue synthesized, trimmed, written (a fresh cache each run).
        per_cue = []
        for run in range(runs):
            cues = CueAudio(engine, AudioCache(Path(folder) / f"cold{run}", 2**31))
            start = time.perf_counter()
            for text in texts:
                cues.entry(text)
            per_cue.append((time.perf_counter() - start) / len(texts))
        print(
            f"cold synthesis per cue (espeak-ng, {len(texts)} cues): "
            f"{statistics.median(per_cue) * 1000:.2f} ms"
        )

        cues = CueAudio(engine, AudioCache(Path(folder) / "warm", 2**31))
        for text in texts:
            cues.entry(text)
        hits = [median_time(functools.partial(cues.entry, text), runs * 5) for text in texts]
        biggest = max(texts, key=lambda text: len(cues.entry(text)[0].data))
        big_hit = median_time(functools.partial(cues.entry, biggest), runs * 5)
        clip = median_time(functools.partial(cues.clip, biggest), runs * 5)
        print(
            f"warm cache hit (read + length/SHA-256 check): median over cues "
            f"{statistics.median(hits) * 1000:.3f} ms; largest cue "
            f"({len(cues.entry(biggest)[0].data) // 1024} KiB) {big_hit * 1000:.3f} ms, "
            f"{clip * 1000:.3f} ms with WAV parsing"
        )

        timeline = plan(long_routine, speak_s=cues.duration_s)
        pcm = render_track(timeline, cues)
        render = median_time(lambda: render_track(timeline, cues), runs)
        print(
            f"render {timeline.total_s / 60:.1f}-minute track: {render * 1000:.0f} ms = "
            f"{pcm.duration_s / render:.0f}x real time"
        )
        formats: tuple[TrackFormat, ...] = ("ogg", "mp3")
        for fmt in formats:
            enc = median_time(functools.partial(encode, pcm, fmt), max(3, runs // 2))
            print(
                f"  encode whole track to {fmt}: {enc:.2f} s = {pcm.duration_s / enc:.0f}x real "
                f"time ({enc / pcm.duration_s * 1000:.2f} ms per second of audio)"
            )

        speech = cues.clip(biggest)
        mp3 = encode(speech, "mp3").data
        transcode = median_time(lambda: encode_ogg_opus(decode(mp3)), runs * 5)
        print(
            f"transcode MP3 -> OGG/Opus (a {speech.duration_s:.1f} s cue): "
            f"{transcode / speech.duration_s * 1000:.2f} ms per second of audio"
        )


if __name__ == "__main__":
    main()
