"""How long a text takes to say or to read, when no speech engine has measured it.

The planner takes cue durations as input; this estimate is what it uses without an engine.
"""

from __future__ import annotations

import re

SPEAKING_WORDS_PER_S = 2.5  # about 150 words a minute, a calm instructing voice
READING_WORDS_PER_S = 3.3  # about 200 words a minute, reading on a phone
_PAUSE_S = 0.3  # a breath at each sentence end
_WORD = re.compile(r"[\w'’-]+")
_SENTENCE_END = re.compile(r"[.!?;:](?:\s|$)")


def word_count(text: str) -> int:
    """Words in a text, counting digits as words."""
    return len(_WORD.findall(text))


def speaking_time_s(text: str) -> float:
    """Estimated seconds to speak a text aloud, at least half a second for any text."""
    words = word_count(text)
    if words == 0:
        return 0.0
    pauses = len(_SENTENCE_END.findall(text))
    return max(0.5, round(words / SPEAKING_WORDS_PER_S + pauses * _PAUSE_S, 2))


def reading_time_s(text: str) -> float:
    """Estimated seconds to read a text on screen."""
    return round(word_count(text) / READING_WORDS_PER_S, 2)
