"""Measuring where speech sits in a rendered file: an energy envelope and onset detection."""

from __future__ import annotations

import numpy as np

from guide_bot.domain.timeline import Timeline
from guide_bot.speech.ports import Pcm

BLOCK_S = 0.001  # envelope resolution: 1 ms
THRESHOLD = 0.01  # of full scale: the level the clips were trimmed at
SEARCH_BEFORE_S = 0.15  # the previous cue is silent at least gap_s (0.25 s) before the next


def envelope(pcm: Pcm) -> tuple[np.ndarray, int]:
    """Peak absolute level per 1 ms block (0..1) and the block length in samples."""
    block = max(1, round(pcm.rate * BLOCK_S))
    samples = np.abs(np.frombuffer(pcm.samples, dtype="<i2").astype(np.float64)) / 32768
    usable = len(samples) // block * block
    return samples[:usable].reshape(-1, block).max(axis=1), block


def onset_errors(timeline: Timeline, pcm: Pcm, *, offset_s: float = 0.0) -> list[float]:
    """For every spoken cue: detected speech onset minus planned at_s (seconds)."""
    env, block = envelope(pcm)
    step = block / pcm.rate
    errors: list[float] = []
    for event in timeline.events:
        if not event.spoken:
            continue
        at = event.at_s - offset_s
        start = max(0, int((at - SEARCH_BEFORE_S) / step))
        stop = int((at + 0.3) / step)
        loud = np.flatnonzero(env[start:stop] > THRESHOLD)
        assert loud.size, f"no speech near {event.at_s:.3f} s ({event.kind})"
        errors.append((start + int(loud[0])) * step - at)
    return errors
