"""The offline engine: espeak-ng from the `espeakng-loader` wheel, driven through ctypes.

No system package and no network: the wheel ships libespeak-ng and its data. The library keeps
global state and is not thread-safe, so one process-wide lock guards every call; it is
initialised once in synchronous mode, where a callback receives 22,050 Hz mono 16-bit PCM.
"""

from __future__ import annotations

import ctypes
import threading
from typing import Any

import espeakng_loader

from guide_bot.speech.ports import Pcm, PermanentSpeechError, SpeechError

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_PARAM_RATE = 1
_SYNTH_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)
# The accents gTTS reaches through Google's domains, mapped to espeak-ng voices ("en" is British).
_ENGLISH_BY_TLD = {"com": "en-us", "us": "en-us", "co.uk": "en", "com.au": "en", "ca": "en-us"}
_SPANISH_BY_TLD = {"com.mx": "es-419", "us": "es-419"}
_PORTUGUESE_BY_TLD = {"com.br": "pt-br"}
DEFAULT_RATE_WPM = 165
SLOW_RATE_WPM = 130


class _Library:
    """The loaded library, its sample rate, and the PCM collected by the callback."""

    def __init__(self) -> None:
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_SYNTH_CALLBACK]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        lib.espeak_Synth.restype = ctypes.c_int
        lib.espeak_Synchronize.restype = ctypes.c_int
        lib.espeak_Info.argtypes = [ctypes.c_void_p]
        lib.espeak_Info.restype = ctypes.c_char_p
        data_path = espeakng_loader.get_data_path().encode()
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path, 0)
        if rate <= 0:
            raise SpeechError("espeak-ng failed to initialise")
        self.lib: Any = lib
        self.rate = int(rate)
        self.version = (lib.espeak_Info(None) or b"?").decode()
        self.chunks: list[bytes] = []
        self._callback = _SYNTH_CALLBACK(self._collect)  # kept alive as long as the library
        lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav: Any, count: int, _events: Any) -> int:
        if wav and count > 0:
            self.chunks.append(ctypes.string_at(wav, count * 2))
        return 0  # 0 = go on synthesizing


_LOCK = threading.Lock()
_library: _Library | None = None


def _load() -> _Library:
    """The process-wide library (call with _LOCK held)."""
    global _library
    if _library is None:
        try:
            _library = _Library()
        except OSError as exc:
            raise SpeechError(f"espeak-ng cannot be loaded: {exc}") from exc
    return _library


def espeak_voice(language: str, tld: str = "com") -> str:
    """The espeak-ng voice name for a gTTS-style language and accent (pt + com.br is pt-br)."""
    if language == "en":
        return _ENGLISH_BY_TLD.get(tld, "en-us")
    if language == "es":
        return _SPANISH_BY_TLD.get(tld, "es")
    if language == "pt":
        return _PORTUGUESE_BY_TLD.get(tld, "pt")
    return language


class EspeakEngine:
    """espeak-ng with a voice (language) and a speaking rate in words per minute."""

    name = "espeak"

    def __init__(self, *, voice: str = "en-us", rate_wpm: int = DEFAULT_RATE_WPM) -> None:
        self.voice = voice
        self.rate_wpm = rate_wpm
        with _LOCK:
            self._version = _load().version

    @property
    def voice_key(self) -> str:
        """Library version, voice and rate."""
        return f"espeak-ng:{self._version}:{self.voice}:{self.rate_wpm}"

    def synthesize(self, text: str) -> Pcm:
        """22,050 Hz mono PCM for the text."""
        if not text.strip():
            raise PermanentSpeechError("espeak-ng: nothing to say")
        encoded = text.encode("utf-8")
        with _LOCK:
            lib = _load()
            if lib.lib.espeak_SetVoiceByName(self.voice.encode()) != 0:
                raise PermanentSpeechError(f"espeak-ng has no voice {self.voice!r}")
            lib.lib.espeak_SetParameter(_PARAM_RATE, self.rate_wpm, 0)
            lib.chunks.clear()
            status = lib.lib.espeak_Synth(
                encoded, len(encoded) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
            )
            lib.lib.espeak_Synchronize()
            samples = b"".join(lib.chunks)
            lib.chunks.clear()
        if status != 0 or not samples:
            raise SpeechError(f"espeak-ng synthesis failed (status {status})")
        return Pcm(samples, lib.rate)
