"""The gTTS engine: Google Translate's voice, with a timeout, retries and backoff.

gTTS posts one request per ~100 characters and returns MP3; it raises ValueError for an
unsupported language (no retry helps) and gTTSError for HTTP and connection failures, which are
retried with exponential backoff when transient (5xx, 429, timeouts, dropped connections).
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable

import requests
from gtts import gTTS, gTTSError

from guide_bot.speech.ports import (
    EncodedAudio,
    PermanentSpeechError,
    SpeechError,
    TransientSpeechError,
)

logger = logging.getLogger(__name__)


class GttsEngine:
    """gTTS with language, accent (tld) and slow speech; blocking (see `synthesize_async`)."""

    name = "gtts"

    def __init__(
        self,
        *,
        language: str = "en",
        tld: str = "com",
        slow: bool = False,
        timeout_s: float = 10.0,
        attempts: int = 3,
        backoff_s: float = 0.5,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.language = language
        self.tld = tld
        self.slow = slow
        self.timeout_s = timeout_s
        self.attempts = max(1, attempts)
        self.backoff_s = backoff_s
        self._sleep = sleep or time.sleep
        self._make("check")  # an unsupported language fails here, before any request

    @property
    def voice_key(self) -> str:
        """Engine, language, accent and speed."""
        speed = "slow" if self.slow else "normal"
        return f"gtts:{self.language}:{self.tld}:{speed}"

    def synthesize(self, text: str) -> EncodedAudio:
        """MP3 for the text; retries transient failures, raises SpeechError at the end."""
        for attempt in range(1, self.attempts + 1):
            try:
                return self._once(text)
            except TransientSpeechError as exc:
                if attempt == self.attempts:
                    raise
                delay = self.backoff_s * 2 ** (attempt - 1)
                logger.warning(
                    "gTTS attempt %d/%d failed (%s); retrying in %.2f s",
                    attempt,
                    self.attempts,
                    exc,
                    delay,
                )
                self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _make(self, text: str) -> gTTS:
        try:
            return gTTS(
                text,
                tld=self.tld,
                lang=self.language,
                slow=self.slow,
                timeout=self.timeout_s,
            )
        except ValueError as exc:
            raise PermanentSpeechError(f"gTTS: {exc}") from exc
        except AssertionError as exc:  # gTTS asserts on empty text
            raise PermanentSpeechError("gTTS: nothing to say") from exc

    def _once(self, text: str) -> EncodedAudio:
        tts = self._make(text)
        out = io.BytesIO()
        try:
            tts.write_to_fp(out)
        except gTTSError as exc:
            raise _classify(exc) from exc
        except requests.RequestException as exc:  # not wrapped by gTTS while reading the body
            raise TransientSpeechError(f"gTTS: {exc.__class__.__name__}") from exc
        except AssertionError as exc:
            raise PermanentSpeechError("gTTS: nothing to say") from exc
        data = out.getvalue()
        if not data:
            raise PermanentSpeechError("gTTS returned no audio")
        return EncodedAudio(data, "mp3")


def _classify(exc: gTTSError) -> SpeechError:
    """Transient (retry) or permanent, from the HTTP answer gTTS saw, if any."""
    response = getattr(exc, "rsp", None)
    if response is None:  # no answer at all: timeout or connection failure
        return TransientSpeechError(f"gTTS: {exc}")
    status = int(response.status_code)
    if status >= 500 or status == 429:
        return TransientSpeechError(f"gTTS: HTTP {status}")
    return PermanentSpeechError(f"gTTS: {exc}")
