"""Each language its own voice: gTTS language and accent, an espeak-ng voice, its own files."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from guide_bot.i18n import LANGUAGES
from guide_bot.speech.cache import AudioCache
from guide_bot.speech.cues import CueAudio
from guide_bot.speech.espeak_engine import EspeakEngine, espeak_voice
from guide_bot.speech.gtts_engine import GttsEngine
from guide_bot.speech.languages import speech_accent, speech_voice
from guide_bot.speech.selection import Voice, make_espeak
from tests.speech.test_gtts_engine import google_body, mp3_of

ANY_GOOGLE = re.compile(
    r"https://translate\.google\.[a-z.]+/_/TranslateWebserverUi/data/batchexecute"
)


@pytest.mark.parametrize(
    ("tag", "accent", "espeak"),
    [
        ("en", ("en", "com"), "en-us"),
        ("en-gb", ("en", "co.uk"), "en"),
        ("en-AU", ("en", "com.au"), "en"),
        ("de", ("de", "com"), "de"),
        ("de-at", ("de", "com"), "de"),
        ("es", ("es", "es"), "es"),
        ("es-419", ("es", "com.mx"), "es-419"),
        ("ru", ("ru", "com"), "ru"),
        ("pt-br", ("pt", "com.br"), "pt-br"),
        ("pt_BR", ("pt", "com.br"), "pt-br"),
        ("pt-pt", ("pt", "pt"), "pt"),
        ("fr", ("en", "com"), "en-us"),  # not shipped: English
        (None, ("en", "com"), "en-us"),
    ],
)
def test_a_tag_maps_to_gtts_language_accent_and_an_espeak_voice(
    tag: str | None, accent: tuple[str, str], espeak: str
) -> None:
    assert speech_accent(tag) == accent
    assert espeak_voice(*accent) == espeak
    assert speech_voice(tag, slow=True) == Voice(language=accent[0], tld=accent[1], slow=True)


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_shipped_language_has_a_real_espeak_voice(code: str) -> None:
    engine = make_espeak(speech_voice(code))
    assert isinstance(engine, EspeakEngine)
    assert engine.synthesize("10").duration_s > 0.1


def test_german_and_english_of_one_text_never_share_a_cache_file(cache: AudioCache) -> None:
    text = "Tim"  # the same letters in both languages
    clips = {}
    for code in ("en", "de"):
        cues = CueAudio(make_espeak(speech_voice(code)), cache)
        entry, hit = cues.entry(text)
        assert not hit
        clips[code] = entry
    assert clips["en"].key != clips["de"].key
    assert clips["en"].path != clips["de"].path
    assert clips["en"].data != clips["de"].data
    assert sorted(p.name for p in cache.root.glob("*/*.wav")) == sorted(
        f"{e.key}.wav" for e in clips.values()
    )
    # and each language finds its own again
    again, hit = CueAudio(make_espeak(speech_voice("de")), cache).entry(text)
    assert hit
    assert again.path == clips["de"].path


def test_gtts_is_asked_in_the_language_and_accent_and_measured_per_language(
    cache: AudioCache,
) -> None:
    """Google's answer for German is longer here; each language keeps its own real duration."""
    seconds = {"de": 2.0, "pt": 1.2, "en": 0.8}
    asked: list[tuple[str, str]] = []

    def answer(request: object) -> tuple[int, dict[str, str], str]:
        url = getattr(request, "url", "")
        body = parse_qs(str(getattr(request, "body", "")))
        language = re.search(r'\\"([a-z]{2}(?:-[A-Z]{2})?)\\"', body["f.req"][0])
        assert language is not None
        code = language.group(1)
        asked.append((code, urlsplit(url).hostname or ""))
        return 200, {}, google_body(mp3_of(seconds[code]))

    durations = {}
    with responses.RequestsMock() as mocked:
        mocked.add_callback(responses.POST, ANY_GOOGLE, callback=answer)
        for tag in ("de", "pt-br", "en-gb"):
            voice = speech_voice(tag)
            engine = GttsEngine(language=voice.language, tld=voice.tld, sleep=lambda _s: None)
            durations[tag] = CueAudio(engine, cache).duration_s("Halfway.")
    assert asked == [
        ("de", "translate.google.com"),
        ("pt", "translate.google.com.br"),
        ("en", "translate.google.co.uk"),
    ]
    assert durations["de"] == pytest.approx(2.0, abs=0.01)
    assert durations["pt-br"] == pytest.approx(1.2, abs=0.01)
    assert durations["en-gb"] == pytest.approx(0.8, abs=0.01)
