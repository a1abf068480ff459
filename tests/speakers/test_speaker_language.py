"""A speaker session speaks the language of the chat user who started it, end to end: the real
bot (fake Bot API server), its media server and the fake Home Assistant. A German user's session
plays the German routine text, German cue words and a German voice at a URL naming `de`, while an
English user's session on another speaker, started at the same time, stays English."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
from bot.harness import build_bot, button_data, ready_user, running
from fakebot.server import FakeBotServer
from fakeha.server import FakeHomeAssistant
from pydantic import SecretStr

from guide_bot.domain.clock import FakeClock
from guide_bot.i18n import translator
from speakers.test_chat_speaker import free_port, last_text

GERMAN = 6161
ENGLISH = 6262

GERMAN_SPEAKER_TEST = """\
title: Lautsprecher-Testroutine
summary: Drei kurze Schritte für die Lautsprechertests.
steps:
  - title: Daumendruck
    instruction: Drück auf die empfindliche Stelle.
  - title: Seitdehnung
    instruction: Neig den Kopf.
  - title: Schulterkreisen
    instruction: Kreis mit den Schultern.
"""


def spoken(bot_speakers: object, entity: str) -> list[str]:
    timeline = bot_speakers.timeline(entity)  # type: ignore[attr-defined]
    assert timeline is not None
    return [e.text for e in timeline.events if e.spoken]


def said(texts: list[str], phrase: str) -> bool:
    return any(phrase in text for text in texts)


async def test_a_german_users_speaker_session_plays_german_and_an_english_one_stays_english(
    tmp_path: Path, speaker_library: Path, clock: FakeClock, fake_ha: FakeHomeAssistant
) -> None:
    library = tmp_path / "library"
    shutil.copytree(speaker_library, library)
    (library / "translations" / "de").mkdir(parents=True)
    (library / "translations" / "de" / "speaker-test.yaml").write_text(
        GERMAN_SPEAKER_TEST, encoding="utf-8"
    )
    async with FakeBotServer() as server:
        bot = build_bot(
            server,
            tmp_path,
            library,
            clock=clock,
            settings_update={
                "ha_url": fake_ha.url,
                "ha_token": SecretStr(fake_ha.token),
                "ha_speakers": ("media_player.kitchen", "media_player.office"),
                "http_listen": "127.0.0.1",
                "http_port": free_port(),
                "tts": "espeak",
            },
        )
        speakers = bot.services.speakers
        assert speakers is not None
        ready_user(bot.services, GERMAN)
        ready_user(bot.services, ENGLISH)
        bot.services.users.set_locale(GERMAN, "de")
        bot.services.users.set_locale(ENGLISH, "en")
        async with running(bot):
            for chat in (GERMAN, ENGLISH):
                server.send_text(chat, "/speaker speaker test")
            await server.wait_idle()
            german_pick, english_pick = last_text(server, GERMAN), last_text(server, ENGLISH)
            assert "Lautsprecher-Testroutine" in german_pick.text
            assert "Speaker test routine" in english_pick.text
            # both presses at once: the two sessions are prepared in parallel
            server.press(GERMAN, german_pick.message_id or 0, button_data(german_pick, "Kitchen"))
            server.press(ENGLISH, english_pick.message_id or 0, button_data(english_pick, "Office"))
            await fake_ha.wait_for_call("play_media", count=2)
            await server.wait_idle(within=30)

            played = {
                c["entity_id"]: c["media_content_id"] for m, c in fake_ha.calls if m == "play_media"
            }
            german_url, english_url = played["media_player.kitchen"], played["media_player.office"]
            assert "/media/track/speaker-test/de/espeak.mp3?" in german_url
            assert "/media/track/speaker-test/en/espeak.mp3?" in english_url

            de = translator("de")
            german_words = spoken(speakers, "media_player.kitchen")
            english_words = spoken(speakers, "media_player.office")
            assert said(german_words, "Daumendruck")  # the routine's text
            assert said(german_words, de.gettext("Press now."))  # the cue words
            assert said(german_words, de.gettext("Release."))
            assert said(german_words, de.gettext("Right side."))
            assert not said(german_words, "Press now.")
            assert not said(german_words, "Release.")
            assert said(english_words, "Thumb press")
            assert said(english_words, "Right side.")
            assert said(english_words, "Press now.")
            assert said(english_words, "Release.")
            assert not said(english_words, "Daumendruck")

            # the voice: the German track's clips were spoken by espeak-ng's German voice
            assert ":de:" in speakers.tracks.in_language("de").cues("espeak").voice_key
            assert ":en" in speakers.tracks.in_language("en").cues("espeak").voice_key

            assert last_text(server, GERMAN).text.startswith("🔊 <b>Lautsprecher-Testroutine</b>")
            assert last_text(server, ENGLISH).text.startswith("🔊 <b>Speaker test routine</b>")

            async with aiohttp.ClientSession() as http:
                bodies = []
                for url in (german_url, english_url):
                    async with http.get(url) as got:
                        assert got.status == 200, await got.text()
                        bodies.append(await got.read())
                assert bodies[0] != bodies[1]
                # the language is in the signed path: the German URL cannot fetch another one
                parts = urlsplit(german_url)
                forged = german_url.replace("/de/", "/en/")
                assert parts.query in forged
                async with http.get(forged) as got:
                    assert got.status == 403
