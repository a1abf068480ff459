"""Codecs with PyAV: voice notes (OGG/Opus 48 kHz mono), MP3, WAV, decoding, resampling."""

from __future__ import annotations

import pytest

from guide_bot.speech.codecs import (
    CodecError,
    decode,
    encode,
    encode_ogg_opus,
    pcm_to_wav,
    probe,
    resample,
    to_pcm,
    wav_to_pcm,
)
from guide_bot.speech.ports import EncodedAudio
from tests.speech.fakes import tone


@pytest.mark.parametrize("seconds", [0.3, 2.5, 61.37])
def test_voice_note_is_ogg_opus_mono_48k_with_exact_duration(seconds: float) -> None:
    pcm = tone(seconds)
    note = encode_ogg_opus(pcm)
    assert note.data[:4] == b"OggS"
    info = probe(note.data)
    assert (info.codec, info.sample_rate, info.channels) == ("opus", 48_000, 1)
    assert info.duration_s == pytest.approx(seconds, abs=0.001)
    assert note.duration_s == pytest.approx(seconds, abs=1e-4)
    assert note.telegram_duration == max(1, -(-seconds // 1))


def test_mp3_export_with_libmp3lame() -> None:
    pcm = tone(4.0)
    mp3 = encode(pcm, "mp3")
    info = probe(mp3.data)
    assert info.codec == "mp3"
    assert info.sample_rate == 22_050
    assert info.channels == 1
    assert info.duration_s == pytest.approx(4.0, abs=0.001)


def test_unknown_format_is_refused() -> None:
    with pytest.raises(CodecError, match="ogg, mp3 or m4a"):
        encode(tone(1.0), "flac")  # type: ignore[arg-type]


def test_decode_mp3_to_pcm_at_a_chosen_rate() -> None:
    mp3 = encode(tone(2.0, rate=24_000), "mp3").data
    pcm = to_pcm(EncodedAudio(mp3, "mp3"), rate=16_000)
    assert pcm.rate == 16_000
    assert pcm.duration_s == pytest.approx(2.0, abs=0.002)


def test_garbage_does_not_decode() -> None:
    with pytest.raises(CodecError):
        decode(b"this is not audio at all" * 20)


def test_resample_keeps_duration() -> None:
    pcm = tone(3.0)
    up = resample(pcm, 48_000)
    assert up.rate == 48_000
    assert up.duration_s == pytest.approx(3.0, abs=0.001)


def test_wav_round_trip_and_truncation() -> None:
    pcm = tone(1.0)
    wav = pcm_to_wav(pcm)
    assert wav_to_pcm(wav) == pcm
    with pytest.raises(CodecError):
        wav_to_pcm(wav[: len(wav) // 2])
