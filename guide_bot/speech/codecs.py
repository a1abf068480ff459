"""Audio codecs in-process with PyAV: decode anything to PCM, encode OGG/Opus, MP3, AAC and WAV.

Everything inside guide-bot is mono signed 16-bit PCM (`Pcm`); this module is the only one that
talks to PyAV. Voice notes for Telegram are OGG/Opus at 48 kHz mono with their exact duration.
PyAV and numpy are imported on first use (about 0.15 s), not with the bot's start-up.
"""

from __future__ import annotations

import io
import math
import os
import tempfile
import wave
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from guide_bot.speech.ports import SAMPLE_WIDTH, Pcm, SpeechAudio, SpeechError

if TYPE_CHECKING:
    import av

TrackFormat = Literal["ogg", "mp3", "m4a"]
OPUS_RATE = 48_000  # Opus always runs at 48 kHz
MP3_RATES = frozenset({8_000, 11_025, 12_000, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000})
_CHUNK_S = 1.0  # frames handed to the encoder at a time
# format: (codec, bit rate, encoder options). Opus at complexity 5 encodes long silences about
# five times faster than at the default 10, with no audible loss for speech at 24 kbit/s.
_ENCODERS: dict[str, tuple[str, int, dict[str, str]]] = {
    "ogg": ("libopus", 24_000, {"compression_level": "5"}),
    "mp3": ("libmp3lame", 64_000, {"compression_level": "7"}),
    "m4a": ("aac", 64_000, {}),  # FFmpeg's native AAC encoder (PyAV's wheel has no libfdk_aac)
}
# PyAV container format of each track format. M4A is written with "+faststart" (the index
# before the audio, so a speaker can start playing while downloading); the muxer then rewrites
# the file, which needs a real file rather than memory.
_CONTAINERS: dict[str, tuple[str, dict[str, str]]] = {
    "ogg": ("ogg", {}),
    "mp3": ("mp3", {}),
    "m4a": ("ipod", {"movflags": "+faststart"}),
}


class CodecError(SpeechError):
    """Audio could not be decoded or encoded (corrupt input, missing codec): no speech."""


@dataclass(frozen=True, slots=True)
class Encoded:
    """An encoded file and the exact duration of the audio in it."""

    data: bytes
    format: TrackFormat
    duration_s: float

    @property
    def telegram_duration(self) -> int:
        """Telegram's integer `duration` of a voice note: whole seconds, rounded up."""
        return max(1, math.ceil(self.duration_s - 1e-6))


@dataclass(frozen=True, slots=True)
class AudioInfo:
    """What a file holds, read back with PyAV."""

    codec: str
    sample_rate: int
    channels: int
    duration_s: float


def to_pcm(audio: SpeechAudio, rate: int | None = None) -> Pcm:
    """Decoded mono PCM from whatever an engine returned, at `rate` if given."""
    if isinstance(audio, Pcm):
        return audio if rate is None or rate == audio.rate else resample(audio, rate)
    return decode(audio.data, rate=rate)


def decode(data: bytes, *, rate: int | None = None) -> Pcm:
    """Decode a whole file (MP3, OGG, WAV, ...) to mono PCM, resampled to `rate` if given."""
    import av

    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            stream = container.streams.audio[0]
            out_rate = rate or stream.codec_context.sample_rate
            resampler = av.AudioResampler(format="s16", layout="mono", rate=out_rate)
            parts: list[bytes] = []
            for packet in container.demux(stream):
                try:
                    frames = packet.decode()
                except av.error.InvalidDataError:
                    # gTTS joins one MP3 per text chunk; a header between them is not audio
                    continue
                for frame in frames:
                    for out in resampler.resample(frame):
                        parts.append(_frame_bytes(out))
            for out in resampler.resample(None):
                parts.append(_frame_bytes(out))
    except (av.error.FFmpegError, IndexError, ValueError) as exc:
        raise CodecError(f"cannot decode audio: {exc}") from exc
    pcm = Pcm(b"".join(parts), out_rate)
    if pcm.frames == 0:
        raise CodecError("no audio in the data")
    return pcm


def resample(pcm: Pcm, rate: int) -> Pcm:
    """The same audio at another sample rate (FFmpeg's resampler, via PyAV)."""
    if rate == pcm.rate:
        return pcm
    import av

    resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
    parts = [_frame_bytes(out) for frame in _frames(pcm) for out in resampler.resample(frame)]
    parts += [_frame_bytes(out) for out in resampler.resample(None)]
    return Pcm(b"".join(parts), rate)


def encode(pcm: Pcm, fmt: TrackFormat) -> Encoded:
    """Encode mono PCM as OGG/Opus (48 kHz), MP3 (libmp3lame) or AAC in M4A; MP3 and AAC keep
    the PCM's rate if MP3 has it, else 44.1 kHz."""
    import av

    if fmt not in _ENCODERS:
        raise CodecError(f"unknown format {fmt!r}; use ogg, mp3 or m4a")
    codec, bit_rate, options = _ENCODERS[fmt]
    mp3_rate = pcm.rate if pcm.rate in MP3_RATES else 44_100
    rate = OPUS_RATE if fmt == "ogg" else mp3_rate
    try:
        av.Codec(codec, "w")
    except av.error.FFmpegError as exc:  # pragma: no cover - depends on the wheel's build
        raise CodecError(f"this PyAV build has no {codec} encoder") from exc
    container_format, container_options = _CONTAINERS[fmt]
    if fmt == "m4a":
        fd, temp = tempfile.mkstemp(suffix=".m4a")
        os.close(fd)
        try:
            _mux(temp, container_format, container_options, codec, bit_rate, options, pcm, rate)
            with open(temp, "rb") as handle:
                data = handle.read()
        finally:
            os.unlink(temp)
    else:
        out = io.BytesIO()
        _mux(out, container_format, container_options, codec, bit_rate, options, pcm, rate)
        data = out.getvalue()
    return Encoded(data=data, format=fmt, duration_s=pcm.duration_s)


def _mux(
    target: str | io.BytesIO,
    container_format: str,
    container_options: dict[str, str],
    codec: str,
    bit_rate: int,
    options: dict[str, str],
    pcm: Pcm,
    rate: int,
) -> None:
    import av

    with av.open(target, mode="w", format=container_format, options=container_options) as out:
        stream = out.add_stream(codec, rate=rate, layout="mono", options=options)
        assert isinstance(stream, av.audio.stream.AudioStream)
        stream.bit_rate = bit_rate
        for frame in _frames(resample(pcm, rate)):
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def encode_ogg_opus(pcm: Pcm) -> Encoded:
    """A Telegram voice note: OGG with Opus, mono, 48 kHz, with its exact duration."""
    return encode(pcm, "ogg")


def probe(data: bytes) -> AudioInfo:
    """Codec, sample rate, channels and duration of an encoded file, counted from its samples."""
    import av

    pcm_frames = 0
    with av.open(io.BytesIO(data), mode="r") as container:
        stream = container.streams.audio[0]
        ctx = stream.codec_context
        codec, rate, channels = ctx.codec.canonical_name, ctx.sample_rate, ctx.channels
        for frame in container.decode(stream):
            pcm_frames += frame.samples
    return AudioInfo(codec=codec, sample_rate=rate, channels=channels, duration_s=pcm_frames / rate)


def pcm_to_wav(pcm: Pcm) -> bytes:
    """A WAV file (16-bit mono) holding the PCM: how cue clips are kept in the cache."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(SAMPLE_WIDTH)
        w.setframerate(pcm.rate)
        w.writeframes(pcm.samples)
    return out.getvalue()


def wav_to_pcm(data: bytes) -> Pcm:
    """The PCM inside a 16-bit mono WAV written by `pcm_to_wav`."""
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            if w.getnchannels() != 1 or w.getsampwidth() != SAMPLE_WIDTH:
                raise CodecError("expected a 16-bit mono WAV")
            frames = w.getnframes()
            samples = w.readframes(frames)
            rate = w.getframerate()
    except (wave.Error, EOFError) as exc:
        raise CodecError(f"bad WAV: {exc}") from exc
    if len(samples) != frames * SAMPLE_WIDTH:
        raise CodecError("truncated WAV")
    return Pcm(samples, rate)


def _frames(pcm: Pcm) -> list[av.AudioFrame]:
    """PCM cut into ~1 s PyAV frames with running timestamps."""
    import av
    import numpy as np

    samples = np.frombuffer(pcm.samples, dtype="<i2")
    step = max(1, int(pcm.rate * _CHUNK_S))
    frames = []
    for start in range(0, len(samples), step):
        chunk = samples[start : start + step].reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(chunk), format="s16", layout="mono")
        frame.sample_rate = pcm.rate
        frame.pts = start
        frames.append(frame)
    return frames


def _frame_bytes(frame: av.AudioFrame) -> bytes:
    """The packed s16 mono samples of one decoded frame, without plane padding."""
    return bytes(frame.planes[0])[: frame.samples * SAMPLE_WIDTH]
