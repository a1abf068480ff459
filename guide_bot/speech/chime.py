"""The soft chime heard at hold start, at release and at the end of a session.

Synthesized, not shipped: two sine partials with an exponential decay and a short fade-in so it
does not click. Short (0.4 s) so a track ends within half a second of the plan's total_s.
"""

from __future__ import annotations

from guide_bot.speech.ports import Pcm

CHIME_S = 0.4
_FREQUENCIES = ((880.0, 1.0), (1320.0, 0.35))  # a fifth above, quieter
_PEAK = 0.22  # of full scale: under the voice, not over it
_DECAY_PER_S = 9.0
_FADE_IN_S = 0.004


def chime(rate: int) -> Pcm:
    """The chime as PCM at `rate`."""
    import numpy as np  # on first use: numpy is not on the bot's start-up path

    n = round(CHIME_S * rate)
    t = np.arange(n, dtype=np.float64) / rate
    wave = sum(weight * np.sin(2 * np.pi * freq * t) for freq, weight in _FREQUENCIES)
    envelope = np.exp(-_DECAY_PER_S * t) * np.minimum(1.0, t / _FADE_IN_S)
    total_weight = sum(weight for _freq, weight in _FREQUENCIES)
    samples = np.asarray(wave) * envelope * (_PEAK * 32767 / total_weight)
    return Pcm(samples.astype("<i2").tobytes(), rate)
