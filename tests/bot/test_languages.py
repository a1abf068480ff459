"""Each user's language, end to end over HTTP against the fake Bot API server, on a fake clock.

A user whose Telegram app speaks German, Spanish, Russian or Brazilian Portuguese gets the
welcome, the routine card and the session's steps in it (the routine from its translation);
/language changes it and the next session's voice (the gTTS requests, mocked at HTTP, ask for the
new language and accent); a language the bot does not speak gets English and one notice; the
reminder comes in the user's language; the command menu is set per language.

Texts are compared with `translator(code)` of the English msgid, and each must differ from the
English: those checks pass only once the translators' catalogs are there.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import responses
from fakebot.server import Call, FakeBotServer
from sqlalchemy import select

from bot.harness import build_bot, button_data, event_at, ready_user, running, write_library
from guide_bot.i18n import EN, Translator, translator
from guide_bot.reminders.rules import EVERY_DAY, ReminderRule
from guide_bot.speech.codecs import encode
from guide_bot.storage.media import MediaFileRow
from guide_bot.telegram import texts
from tests.speech.fakes import tone

CHAT = 4242
# The Telegram tag each language's user has (a regional tag maps onto the shipped language).
TAGS = {"de": "de-AT", "es": "es", "ru": "ru", "pt-br": "pt-br"}
# quick-test in each language: its title and its steps' titles (the rest is in TRANSLATIONS).
TITLES = {
    "de": ("Kurze Testroutine", ["Balldruck", "Seitdehnung", "Atmen"]),
    "es": ("Rutina corta de prueba", ["Presión con pelota", "Estiramiento lateral", "Respirar"]),
    "ru": ("Короткая тестовая программа", ["Давление мячом", "Наклон в сторону", "Дыхание"]),
    "pt-br": ("Rotina curta de teste", ["Pressão com bola", "Alongamento lateral", "Respirar"]),
}
WORDS = {  # summary, caution, the three instructions
    "de": ("Eine winzige Routine.", "Hör auf, wenn es stechend wird.", "Drück.", "Neig.", "Atme."),
    "es": ("Una rutina mínima.", "Para si el dolor es agudo.", "Presiona.", "Inclina.", "Respira."),
    "ru": ("Крошечная программа.", "Остановись при острой боли.", "Дави.", "Наклон.", "Дыши."),
    "pt-br": ("Uma rotina mínima.", "Pare se doer forte.", "Pressione.", "Incline.", "Respire."),
}


def translated_library(folder: Path) -> Path:
    """The test routines, with quick-test translated into every shipped language."""
    write_library(folder)
    for code, (title, steps) in TITLES.items():
        summary, caution, *instructions = WORDS[code]
        data = {
            "title": title,
            "summary": summary,
            "cautions": [caution],
            "steps": [
                {"title": t, "instruction": i} for t, i in zip(steps, instructions, strict=True)
            ],
        }
        target = folder / "translations" / code
        target.mkdir(parents=True, exist_ok=True)
        (target / "quick-test.yaml").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return folder


def said(tr: Translator, msgid: str, **values: Any) -> str:
    """`msgid` in the language of `tr`, which must not be the English (a catalog is there)."""
    text = tr.t(msgid, **values)
    assert text != EN.t(msgid, **values), f"{tr.code}: not translated yet: {msgid[:60]!r}"
    return text


def button_with(call: Call, label: str) -> str:
    """The data of the button whose label is `label` exactly."""
    for shown, data in call.buttons():
        if shown == label:
            return data
    raise AssertionError(f"no button {label!r} in {call.buttons()}")


async def tap(server: FakeBotServer, call: Call, data: str) -> None:
    before = len(server.calls_of("answerCallbackQuery"))
    server.press(CHAT, call.message_id or 0, data)
    await server.wait_for("answerCallbackQuery", count=before + 1)
    await server.wait_idle(0.1)


async def say(server: FakeBotServer, text: str) -> list[Call]:
    """Send `text` as the user; the bot's sends and edits that followed."""
    before = len(server.sent(CHAT))
    server.send_text(CHAT, text)
    await server.wait_idle(0.1)
    return server.sent(CHAT)[before:]


@pytest.mark.parametrize("code", list(TAGS))
async def test_a_user_gets_the_welcome_a_card_and_a_step_in_their_language(
    server: FakeBotServer, tmp_path: Path, code: str
) -> None:
    library = translated_library(tmp_path / "library")
    bot = build_bot(server, tmp_path, library)
    server.language_codes[CHAT] = TAGS[code]
    tr = translator(code)
    title, step_titles = TITLES[code]
    async with running(bot):
        welcome, *_ = await say(server, "/start")
        assert welcome.text.startswith(said(tr, texts.WELCOME))
        assert said(tr, texts.NOT_MEDICAL_ADVICE) in welcome.text
        user = bot.services.users.get(CHAT)
        assert user is not None
        assert user.locale == code

        ready_user(bot.services, CHAT)  # past the screening, steps as text
        (menu,) = await say(server, "/routines")
        assert menu.text == said(tr, texts.CHOOSE)
        await tap(server, menu, button_with(menu, said(tr, texts.MENU_ALL)))
        listing = server.sent(CHAT)[-1]
        await tap(server, listing, button_data(listing, title))
        card = server.sent(CHAT)[-1]
        assert card.method == "editMessageText"
        assert card.text.startswith(f"<b>{title}</b>\n{WORDS[code][0]}")
        assert said(tr, "Take care:") in card.text
        assert WORDS[code][1] in card.text
        # "▶️ Start" and "⏸ Pause" are German words too: the catalog's word, not a different one
        assert next(label for label, _ in card.buttons()) == tr.t(texts.START_BUTTON)

        await tap(server, card, button_data(card, tr.t(texts.START_BUTTON)))
        offer = server.sent(CHAT)[-1]
        assert said(tr, texts.PAIN_BEFORE) in offer.text
        await tap(server, offer, button_with(offer, "5"))
        await bot.run_for(15)  # the get-ready time, then step 1
        heading = said(tr, "Step {number} of {count} · {title}", number=1, count=3, title="")
        step = next(c for c in server.sent(CHAT) if heading in c.text)
        assert f"<b>{heading}{step_titles[0]}</b>\n{WORDS[code][2]}" in step.text
        labels = [label for label, _ in step.buttons()]
        assert labels[0] == tr.t(texts.PAUSE)
        assert labels[-1] == said(tr, texts.STOP)
        await bot.run_for(120)
        closing = server.sent(CHAT)[-1]
        assert said(tr, texts.PAIN_AFTER) in closing.text


def google_mp3() -> bytes:
    return encode(tone(0.4, rate=24_000), "mp3").data


def gtts_answer(mp3: bytes) -> str:
    """The batchexecute answer gTTS parses (tests/speech/test_gtts_engine.py)."""
    import base64

    b64 = base64.b64encode(mp3).decode("ascii")
    return ")]}'\n\n" + '[["wrb.fr","jQ1olc","[\\"' + b64 + '\\"]",null,null,null,"generic"]]\n'


class Google:
    """gTTS's HTTP calls, answered with a short tone; records each (host, language) asked."""

    URL = re.compile(
        r"https://translate\.google\.([a-z.]+)/_/TranslateWebserverUi/data/batchexecute"
    )

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []
        self.mp3 = google_mp3()

    def __call__(self, request: Any) -> tuple[int, dict[str, str], str]:
        host = urllib.parse.urlsplit(request.url).hostname or ""
        body = request.body.decode() if isinstance(request.body, bytes) else request.body
        rpc = json.loads(urllib.parse.parse_qs(body)["f.req"][0])
        _text, language, *_ = json.loads(rpc[0][0][1])
        self.asked.append((host, language))
        return 200, {}, gtts_answer(self.mp3)

    def since(self, start: int) -> set[tuple[str, str]]:
        return set(self.asked[start:])


async def start_quick_test(server: FakeBotServer, tr: Translator) -> None:
    """/session quick-test and the pain tap, in the user's language; waits for the first note."""
    (offer,) = await say(server, "/session quick-test")
    assert tr.gettext(texts.PAIN_BEFORE) in offer.text
    before = len(server.calls_of("sendVoice", chat_id=CHAT))
    await tap(server, offer, button_with(offer, "5"))
    await server.wait_for("sendVoice", count=before + 1, chat_id=CHAT)


async def test_language_switches_the_next_sessions_voice_and_words(
    server: FakeBotServer, tmp_path: Path
) -> None:
    library = translated_library(tmp_path / "library")
    bot = build_bot(server, tmp_path, library, settings_update={"tts": "gtts"})
    ready_user(bot.services, CHAT, mode="voice")
    google = Google()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.POST, Google.URL, callback=google)
        async with running(bot):
            await start_quick_test(server, EN)
            assert google.since(0) == {("translate.google.com", "en")}
            await say(server, "/stop")

            (choice,) = await say(server, "/language")
            assert choice.text == texts.LANGUAGE_PROMPT
            labels = [label for label, _ in choice.buttons()]
            assert labels == ["✅ English", "Deutsch", "Español", "Русский", "Português (Brasil)"]
            await tap(server, choice, button_with(choice, "Português (Brasil)"))
            pt = translator("pt-br")
            edit = server.sent(CHAT)[-1]
            chosen = said(pt, texts.LANGUAGE_CHOSEN, language="Português (Brasil)")
            assert edit.text == chosen
            assert "✅ Português (Brasil)" in [label for label, _ in edit.buttons()]
            assert bot.services.users.locale_of(CHAT) == "pt-br"
            menu = server.command_menus[("chat", CHAT, "")]
            assert {"command": "language", "description": said(pt, "Choose my language")} in menu

            asked = len(google.asked)
            await start_quick_test(server, pt)
            assert google.since(asked) == {("translate.google.com.br", "pt")}
            note = server.calls_of("sendVoice", chat_id=CHAT)[-1]
            assert TITLES["pt-br"][0] in note.text
            live = bot.services.sessions.get(CHAT)
            assert live is not None
            assert live.routine.title == TITLES["pt-br"][0]
            assert live.record.plan["language"] == "pt-br"
            assert live.record.plan["voice"] == {"language": "pt", "tld": "com.br", "slow": False}

            # /settings in Portuguese shows no English accent row
            (settings,) = await say(server, "/settings")
            assert settings.text.startswith(said(pt, texts.SETTINGS_TITLE))
            assert not any("English" in label for label, _ in settings.buttons())


async def test_an_unsupported_language_gets_english_and_one_notice(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    server.language_codes[CHAT] = "fr"
    server.language_codes[CHAT + 1] = None  # Telegram sent no language: English, no notice
    async with running(bot):
        notice, welcome, *_ = await say(server, "/start")
        assert notice.text == texts.LANGUAGE_UNSUPPORTED
        assert welcome.text.startswith(texts.WELCOME)
        assert bot.services.users.locale_of(CHAT) == "en"
        again = await say(server, "/start")
        assert texts.LANGUAGE_UNSUPPORTED not in [c.text for c in again]
        assert again[0].text.startswith(texts.WELCOME)

        before = len(server.sent(CHAT + 1))
        server.send_text(CHAT + 1, "/start")
        await server.wait_idle(0.1)
        first = server.sent(CHAT + 1)[before]
        assert first.text.startswith(texts.WELCOME)
        assert bot.services.users.locale_of(CHAT + 1) == "en"


async def test_a_choice_made_with_language_outlasts_the_telegram_language(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    server.language_codes[CHAT] = "de"
    async with running(bot):
        await say(server, "/help")
        assert bot.services.users.locale_of(CHAT) == "de"
        (choice,) = await say(server, "/language")
        assert choice.text == said(translator("de"), texts.LANGUAGE_PROMPT)
        await tap(server, choice, "lng:fr")  # forged: a language not shipped
        refused = server.calls_of("answerCallbackQuery")[-1]
        assert refused.params["text"] == said(translator("de"), texts.INVALID_BUTTON)
        assert bot.services.users.locale_of(CHAT) == "de"
        await tap(server, choice, button_with(choice, "Español"))
        (help_text,) = await say(server, "/help")  # still a German app: Spanish stays
        es = translator("es")
        assert help_text.text.startswith(said(es, texts.HELP_BODY))
        assert said(es, texts.HELP_LANGUAGE) in help_text.text


async def test_the_command_menu_is_set_in_each_language(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    async with running(bot):
        await server.wait_for("setMyCommands", count=5)
    english = server.command_menus[("default", None, "")]
    assert {"command": "language", "description": "Choose my language"} in english
    for code, menu_code in {"de": "de", "es": "es", "ru": "ru", "pt-br": "pt"}.items():
        menu = server.command_menus[("default", None, menu_code)]
        assert [c["command"] for c in menu] == [c["command"] for c in english]
        tr = translator(code)
        assert {"command": "language", "description": said(tr, "Choose my language")} in menu


async def test_the_reminder_goes_out_in_the_users_language(
    server: FakeBotServer, tmp_path: Path
) -> None:
    library = translated_library(tmp_path / "library")
    start = datetime(2026, 1, 5, 5, 0, tzinfo=UTC)
    from guide_bot.domain.clock import FakeClock

    bot = build_bot(
        server, tmp_path, library, clock=FakeClock(start.timestamp()), features=("reminders",)
    )
    server.language_codes[CHAT] = "es"
    bot.services.reminders.add(
        user_id=CHAT,
        chat_id=CHAT,
        rule=ReminderRule(at=time(7, 30), days=EVERY_DAY, zone="UTC", routine_id="quick-test"),
        now=start,
    )
    async with running(bot):
        await say(server, "/help")  # first contact: the user's language is stored
        bot.clock.set((start + timedelta(hours=2, minutes=30)).timestamp())
        assert (await bot.services.reminder_dispatcher.run_due()).sent == 1
        reminder = server.sent(CHAT)[-1]
    es = translator("es")
    assert said(es, "Time for <b>{title}</b>.", title=TITLES["es"][0]) in reminder.text
    assert said(es, "▶️ Start now") == next(label for label, _ in reminder.buttons())


async def test_a_restart_keeps_the_sessions_language(
    server: FakeBotServer, tmp_path: Path, bot_database: str | None
) -> None:
    from guide_bot.domain.clock import FakeClock

    library = translated_library(tmp_path / "library")
    server.language_codes[CHAT] = "de"
    de = translator("de")
    bot = build_bot(server, tmp_path, library, database_url=bot_database)
    async with running(bot):
        await say(server, "/help")
        ready_user(bot.services, CHAT)
        (offer,) = await say(server, "/session quick-test")
        await tap(server, offer, button_with(offer, "5"))
        await bot.run_for(event_at(bot, CHAT, "announce", 1) + 0.5)
    stopped_at = bot.clock.now()

    again = build_bot(
        server, tmp_path, library, clock=FakeClock(stopped_at + 1.0), database_url=bot_database
    )
    async with running(again):
        live = again.services.sessions.get(CHAT)
        assert live is not None
        assert live.routine.title == TITLES["de"][0]  # the translation, as when it started
        before = len(server.sent(CHAT))
        await again.run_for(
            event_at(again, CHAT, "announce", 2) - event_at(again, CHAT, "announce", 1)
        )
        shown = [c.text for c in server.sent(CHAT)[before:]]
    heading = said(de, "Step {number} of {count} · {title}", number=2, count=3, title="")
    assert any(f"<b>{heading}{TITLES['de'][1][1]}</b>" in text for text in shown), shown


async def test_a_hands_free_track_is_in_the_users_language_and_kept_per_language(
    server: FakeBotServer, tmp_path: Path
) -> None:
    library = translated_library(tmp_path / "library")
    bot = build_bot(server, tmp_path, library)
    server.language_codes[CHAT] = "es"
    es = translator("es")
    async with running(bot):
        await say(server, "/help")
        ready_user(bot.services, CHAT, mode="hands")
        (offer,) = await say(server, "/session quick-test")
        await tap(server, offer, button_with(offer, "5"))
        (track,) = await server.wait_for("sendAudio", chat_id=CHAT)
    title, steps = TITLES["es"]
    assert track.params["title"] == title
    assert f"1. {steps[0]}" in track.text
    tail = (
        "Pause and seek with the player's own controls. When you finish, tap Done or Stopped early."
    )
    assert track.text.endswith(said(es, tail))
    labels = [label for label, _ in track.buttons()]
    assert labels == [said(es, texts.HANDS_FREE_DONE), said(es, texts.HANDS_FREE_QUIT)]
    live = bot.services.sessions.get(CHAT)
    assert live is not None
    assert live.record.plan["voice"] == {"language": "es", "tld": "es", "slow": False}
    with bot.services.database() as db:  # the track's file id is kept under its language
        keys = set(db.scalars(select(MediaFileRow.audio_key)))
    tracks = {k for k in keys if k.startswith("track:")}
    assert tracks
    assert all(k.startswith("track:es:") for k in tracks)


async def test_in_a_group_each_member_is_answered_in_their_language_without_a_notice(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    from bot.test_group_policy import GROUP
    from bot.test_group_policy import say as say_in_group
    from guide_bot.telegram.group_policy import PRIVATELY, PRIVATELY_BUTTON

    bot = build_bot(server, tmp_path, test_library)
    german, french = 21, 22
    server.language_codes[german] = "de"
    server.language_codes[french] = "fr"
    de = translator("de")
    async with running(bot):
        say_in_group(bot, german, "/screening")
        await server.wait_idle(0.1)
        reply = server.sent(GROUP)[-1]
        assert reply.text == said(de, PRIVATELY)
        assert [label for label, _ in reply.buttons()] == [said(de, PRIVATELY_BUTTON)]
        before = len(server.sent(GROUP))
        say_in_group(bot, french, "/screening")
        await server.wait_idle(0.1)
        (english,) = server.sent(GROUP)[before:]  # no notice about one member's app
        assert english.text == PRIVATELY
    assert bot.services.users.locale_of(german) == "de"
    assert bot.services.users.locale_of(french) == "en"


async def test_language_switches_the_offline_voice_too(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    """espeak-ng: the engine of each session is made for the user's language at its start."""
    from guide_bot.speech.selection import EngineSelector
    from guide_bot.speech.service import SpeechService

    bot = build_bot(server, tmp_path, test_library)  # tts: espeak
    speech = bot.services.sessions.speech
    assert isinstance(speech, SpeechService)
    real = speech.selector.factories["espeak"]
    voices: list[str] = []

    def recording(voice: Any) -> Any:
        engine = real(voice)
        voices.append(engine.voice)  # type: ignore[attr-defined]
        return engine

    speech.selector = EngineSelector(choice="espeak", factories={"espeak": recording})
    ready_user(bot.services, CHAT, mode="voice")
    async with running(bot):
        await start_quick_test(server, EN)
        assert set(voices) == {"en-us"}
        await say(server, "/stop")
        (choice,) = await say(server, "/language")
        await tap(server, choice, button_with(choice, "Русский"))
        voices.clear()
        await start_quick_test(server, translator("ru"))
        assert set(voices) == {"ru"}
