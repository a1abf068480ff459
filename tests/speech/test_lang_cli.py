"""`--lang CODE` and GUIDE_BOT_LANG: the routine's words, the cue words and the voice follow it."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from click.testing import CliRunner

from guide_bot.cli import main
from guide_bot.library.loader import load_routines
from guide_bot.paths import shipped_library_dir

# the module (the package's `translator` attribute is the function of the same name)
translator_module = importlib.import_module("guide_bot.i18n.translator")
# A few words of a German catalog, as the translators' guide_bot.po gives them.
GERMAN_CUES = {
    "Press now.": "Jetzt drücken.",
    "Release.": "Loslassen.",
    "Right side.": "Rechte Seite.",
    "Left side.": "Linke Seite.",
    "Halfway.": "Halbzeit.",
}


@pytest.fixture
def german_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A compiled German catalog in a tmp locale folder, used by `translator("de")`."""
    catalog = Catalog(locale="de", domain="guide_bot")
    for source, words in GERMAN_CUES.items():
        catalog.add(source, words)
    folder = tmp_path / "locale" / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "guide_bot.mo").open("wb") as handle:
        write_mo(handle, catalog)
    monkeypatch.setattr(translator_module, "LOCALE_DIR", tmp_path / "locale")
    translator_module.translator.cache_clear()
    yield
    translator_module.translator.cache_clear()


def _run(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner(mix_stderr=False).invoke(main, list(args), env=env)


def _plan(*args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    run = _run("plan", "neck-release", "--json", *args, env=env)
    assert run.exit_code == 0, run.output
    return json.loads(run.stdout)


def test_plan_in_german_speaks_german_words_timed_by_the_german_voice(
    german_catalog: None, tmp_path: Path
) -> None:
    env = {"GUIDE_BOT_AUDIO_CACHE": str(tmp_path / "cache")}
    german = _plan("--lang", "de", "--tts", "espeak", env=env)
    english = _plan("--tts", "espeak", env=env)
    assert (german["language"], english["language"]) == ("de", "en")
    source = load_routines([shipped_library_dir()])
    routine = source.translations.localized(source.routines["neck-release"], "de")

    def by_kind(plan: dict[str, Any], kind: str) -> list[dict[str, Any]]:
        return [e for e in plan["events"] if e["kind"] == kind]

    # the routine's own words are the translation's, the cue words the catalog's
    announce = by_kind(german, "announce")
    assert len(announce) == len(routine.steps)
    for event, step in zip(announce, routine.steps, strict=True):
        assert step.instruction in event["text"]
    assert routine.title in by_kind(german, "prepare")[0]["text"]
    assert {e["text"] for e in by_kind(german, "release")} >= {"Loslassen."}
    assert "Jetzt drücken." in by_kind(german, "hold_start")[0]["text"]
    # German durations: measured from the German voice, not the English one
    german_lengths = [e["speak_s"] for e in announce]
    english_lengths = [e["speak_s"] for e in by_kind(english, "announce")]
    assert all(g > 0 for g in german_lengths)
    assert german_lengths != english_lengths
    assert german["total_s"] != english["total_s"]
    # the same text ("3" of the countdown) is measured in each language's own voice
    three = [next(e["speak_s"] for e in p["events"] if e["text"] == "3") for p in (german, english)]
    assert three[0] != three[1]
    # and the words never eat a hold: each hold lasts its step's hold_s in both languages
    for plan in (german, english):
        starts = by_kind(plan, "hold_start")
        releases = by_kind(plan, "release")
        first_hold = releases[0]["at_s"] - (starts[0]["at_s"] + starts[0]["speak_s"])
        assert first_hold == pytest.approx(routine.steps[0].hold_s, abs=0.01)
    # each language has its own clips in the cache: nothing shared
    said = [{e["text"] for e in plan["events"] if e["speak_s"] > 0} for plan in (german, english)]
    assert "3" in said[0] & said[1]  # the countdown: the same text in both, said by two voices
    assert len(list((tmp_path / "cache").glob("*/*.wav"))) >= len(said[0]) + len(said[1])


def test_the_estimate_also_follows_the_language() -> None:
    german = _plan("--lang", "de")
    assert german["language"] == "de"
    assert "Leg dich auf den Rücken" in german["events"][1]["text"]


def test_guide_bot_lang_sets_the_default_and_the_option_wins() -> None:
    run = _run("list", "--json", env={"GUIDE_BOT_LANG": "es"})
    assert run.exit_code == 0, run.output
    titles = {row["id"]: row["title"] for row in json.loads(run.stdout)}
    assert titles["bedtime-relaxation"] == "Relajación antes de dormir"
    run = _run("list", "--json", "--lang", "ru", env={"GUIDE_BOT_LANG": "es"})
    titles = {row["id"]: row["title"] for row in json.loads(run.stdout)}
    assert titles["bedtime-relaxation"] == "Расслабление перед сном"
    assert _plan("--lang", "PT_BR")["language"] == "pt-br"


@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("plan", "neck-release"),
        ("play", "neck-release", "--text-only"),
        ("export", "neck-release", "-o", "x.ogg"),
        ("warm-cache",),
        ("speaker", "play", "neck-release", "--entity", "media_player.kitchen"),
    ],
)
def test_a_language_not_shipped_is_one_line_and_exit_2(args: tuple[str, ...]) -> None:
    run = _run(*args, "--lang", "fr")
    assert run.exit_code == 2, run.output
    assert run.stderr.strip().splitlines() == [
        "guide-bot: --lang='fr': not a language guide-bot speaks; allowed: en, de, es, ru, pt-br"
    ]
    run = _run(*args, env={"GUIDE_BOT_LANG": "klingon"})
    assert run.exit_code == 2, run.output
    assert run.stderr.strip().splitlines() == [
        "guide-bot: GUIDE_BOT_LANG='klingon': not a language guide-bot speaks; "
        "allowed: en, de, es, ru, pt-br"
    ]


SHORT_GERMAN = """\
title: Kurze Testroutine
summary: Zwei kurze Schritte für die Tests.
steps:
  - title: Daumendruck
    instruction: Drück die empfindliche Stelle mit dem Daumen.
    cues: [Atme aus.]
  - title: Seitdehnung
    instruction: Neig den Kopf zur Seite.
"""


@pytest.fixture
def short_german(short_library: Path) -> Path:
    folder = short_library / "translations" / "de"
    folder.mkdir(parents=True)
    (folder / "short-test.yaml").write_text(SHORT_GERMAN, encoding="utf-8")
    return short_library


def test_warm_cache_and_export_speak_german(short_german: Path, tmp_path: Path) -> None:
    env = {"GUIDE_BOT_AUDIO_CACHE": str(tmp_path / "cache"), "GUIDE_BOT_LIBRARY": str(short_german)}
    run = _run("warm-cache", "--tts", "espeak", "--lang", "de", env=env)
    assert run.exit_code == 0, run.output
    german_clips = set((tmp_path / "cache").glob("*/*.wav"))
    assert german_clips
    run = _run("warm-cache", "--tts", "espeak", env=env)
    assert run.exit_code == 0, run.output
    assert " 0 hits" in run.stdout  # English shares no clip with German
    out = tmp_path / "de.ogg"
    run = _run("export", "short-test", "-o", str(out), "--tts", "espeak", "--lang", "de", env=env)
    assert run.exit_code == 0, run.output
    assert ":de:" in run.stdout  # the voice key: espeak-ng's German voice
    assert out.stat().st_size > 1000
    run = _run("warm-cache", "--tts", "espeak", "--lang", "de", env=env)
    assert " 0 misses" in run.stdout  # the export used the clips warm-cache made


def test_a_routine_without_the_language_says_so_and_stays_english(short_library: Path) -> None:
    run = _run("plan", "short-test", "--lang", "es", "--json", "--library", str(short_library))
    assert run.exit_code == 0, run.output
    assert "short-test has no es translation" in run.stderr
    assert "Press the sore spot" in json.loads(run.stdout)["events"][1]["text"]
