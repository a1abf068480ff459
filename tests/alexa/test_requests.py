"""Every kind of Alexa request, sent over HTTP as Amazon sends it, and the skill's JSON answers."""

from __future__ import annotations

from typing import Any

import pytest

from guide_bot.speakers.alexa.playback import Position, StreamToken
from tests.alexa.harness import (
    DEVICE_ID,
    STEP_STARTS_MS,
    TOKEN,
    USER_ID,
    AlexaHarness,
    body_of,
    envelope,
    envelope_names,
)

PLAYER_EVENTS = [
    "playback_started",
    "playback_finished",
    "playback_stopped",
    "playback_nearly_finished",
    "playback_failed",
]


def speech(answer: dict[str, Any]) -> str:
    return str(answer["response"]["outputSpeech"]["ssml"])


def directives(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return list(answer["response"].get("directives", []))


def the_play(answer: dict[str, Any]) -> dict[str, Any]:
    (directive,) = directives(answer)
    assert directive["type"] == "AudioPlayer.Play"
    assert directive["playBehavior"] == "REPLACE_ALL"
    return directive


def assert_no_conversation(answer: dict[str, Any]) -> None:
    """Amazon's rule for AudioPlayer and PlaybackController requests: directives at most."""
    assert set(answer["response"]) <= {"directives"}, answer["response"]


def with_offset(data: dict[str, Any], offset_ms: int, activity: str = "PLAYING") -> dict[str, Any]:
    data["context"]["AudioPlayer"] = {
        "token": TOKEN,
        "offsetInMilliseconds": offset_ms,
        "playerActivity": activity,
    }
    return data


def without_player(data: dict[str, Any]) -> dict[str, Any]:
    data["context"]["AudioPlayer"] = {"playerActivity": "IDLE"}
    return data


async def test_every_recorded_request_gets_a_valid_answer() -> None:
    names = envelope_names()
    assert len(names) >= 27
    async with AlexaHarness() as alexa:
        for name in names:
            answer = await alexa.post(envelope(name))
            assert answer["version"] == "1.0", name
            assert isinstance(answer["response"], dict), name


async def test_launch_asks_which_routine_and_keeps_listening() -> None:
    async with AlexaHarness() as alexa:
        answer = await alexa.post(envelope("launch"))
    assert "Which routine" in speech(answer)
    assert "neck release" in speech(answer) or "chest opener" in speech(answer)
    assert "Which routine" in answer["response"]["reprompt"]["outputSpeech"]["ssml"]
    assert answer["response"]["shouldEndSession"] is False
    assert not directives(answer)


async def test_start_by_entity_resolution_plays_the_mp3_track_from_zero() -> None:
    async with AlexaHarness() as alexa:
        answer = await alexa.post(envelope("start_routine_resolved"))
        again = await alexa.post(envelope("start_routine_resolved"))
        stored = alexa.positions.get(USER_ID, DEVICE_ID)
        issued = list(alexa.links.issued)
    play = the_play(answer)
    stream = play["audioItem"]["stream"]
    assert (
        stream["url"]
        == "https://guide-bot.example.test/media/neck-release.mp3?exp=1765000000&sig=s1"
    )
    assert issued == [("neck-release", "mp3"), ("neck-release", "mp3")]
    assert stream["offsetInMilliseconds"] == 0
    token = StreamToken.parse(stream["token"])
    assert token is not None
    assert token.routine_id == "neck-release"
    assert the_play(again)["audioItem"]["stream"]["token"] != stream["token"]  # a new nonce
    assert play["audioItem"]["metadata"]["title"] == "Neck and upper back knots"
    assert answer["response"]["shouldEndSession"] is True
    assert "outputSpeech" not in answer["response"]
    assert stored is not None
    assert str(stored.token) == the_play(again)["audioItem"]["stream"]["token"]
    assert stored.offset_ms == 0


async def test_start_by_the_spoken_words_when_resolution_found_nothing() -> None:
    async with AlexaHarness() as alexa:
        answer = await alexa.post(envelope("start_routine_spoken"))  # "legs after sports"
    play = the_play(answer)
    assert play["audioItem"]["stream"]["token"].startswith("guide-bot:legs-after-sport:")
    assert play["audioItem"]["metadata"]["title"] == "Legs after sport"


async def test_an_unknown_routine_is_named_and_a_few_are_offered() -> None:
    async with AlexaHarness() as alexa:
        answer = await alexa.post(envelope("start_routine_unknown"))
    said = speech(answer)
    assert "I don't know a routine called underwater juggling" in said
    assert "chest opener" in said
    assert "foot reset" in said
    assert answer["response"]["shouldEndSession"] is False
    assert "reprompt" in answer["response"]
    assert not directives(answer)


async def test_no_routine_heard_asks_which() -> None:
    async with AlexaHarness() as alexa:
        answer = await alexa.post(envelope("start_routine_empty"))
    assert "Which routine?" in speech(answer)
    assert answer["response"]["shouldEndSession"] is False


async def test_pause_stops_and_keeps_the_offset_from_the_player_context() -> None:
    async with AlexaHarness() as alexa:
        answer = await alexa.post(envelope("pause"))
        stored = alexa.positions.get(USER_ID, DEVICE_ID)
    assert directives(answer) == [{"type": "AudioPlayer.Stop"}]
    assert "outputSpeech" not in answer["response"]
    assert stored is not None
    assert (str(stored.token), stored.offset_ms) == (TOKEN, 61234)


async def test_resume_plays_from_the_context_offset_with_the_same_token() -> None:
    async with AlexaHarness() as alexa:
        answer = await alexa.post(envelope("resume"))
    stream = the_play(answer)["audioItem"]["stream"]
    assert stream["token"] == TOKEN
    assert stream["offsetInMilliseconds"] == 61234
    assert stream["url"].startswith("https://guide-bot.example.test/media/neck-release.mp3?")
    assert answer["response"]["shouldEndSession"] is True


async def test_resume_without_player_context_uses_the_remembered_position() -> None:
    async with AlexaHarness() as alexa:
        await alexa.post(envelope("pause"))
        answer = await alexa.post(without_player(envelope("resume")))
    stream = the_play(answer)["audioItem"]["stream"]
    assert (stream["token"], stream["offsetInMilliseconds"]) == (TOKEN, 61234)


async def test_resume_with_nothing_to_resume_says_so() -> None:
    async with AlexaHarness() as alexa:
        answer = await alexa.post(without_player(envelope("resume")))
        foreign = envelope("resume")
        foreign["context"]["AudioPlayer"]["token"] = "another-skill-token-123"
        other = await alexa.post(foreign)
    for reply in (answer, other):
        assert "no session to resume" in speech(reply)
        assert not directives(reply)


async def test_resume_after_the_track_finished_says_it_finished() -> None:
    async with AlexaHarness() as alexa:
        answer = await alexa.post(with_offset(envelope("resume"), 1_254_000, "FINISHED"))
    assert "finished" in speech(answer)
    assert not directives(answer)


@pytest.mark.parametrize(
    ("offset_ms", "expected_ms"),
    [(0, STEP_STARTS_MS[0]), (61_234, STEP_STARTS_MS[1]), (64_900, STEP_STARTS_MS[2])],
)
async def test_next_plays_from_the_next_step_start(offset_ms: int, expected_ms: int) -> None:
    async with AlexaHarness() as alexa:
        answer = await alexa.post(with_offset(envelope("next"), offset_ms))
    stream = the_play(answer)["audioItem"]["stream"]
    assert (stream["token"], stream["offsetInMilliseconds"]) == (TOKEN, expected_ms)


async def test_next_on_the_last_step_says_so_and_sends_no_directive() -> None:
    async with AlexaHarness() as alexa:
        answer = await alexa.post(with_offset(envelope("next"), STEP_STARTS_MS[-1] + 10_000))
    assert "last step" in speech(answer)
    assert not directives(answer)


@pytest.mark.parametrize(
    ("offset_ms", "expected_ms"),
    [(130_000, STEP_STARTS_MS[1]), (61_234, STEP_STARTS_MS[0]), (1_000, 0)],
)
async def test_previous_plays_from_the_previous_step_start(
    offset_ms: int, expected_ms: int
) -> None:
    async with AlexaHarness() as alexa:
        answer = await alexa.post(with_offset(envelope("previous"), offset_ms))
    assert the_play(answer)["audioItem"]["stream"]["offsetInMilliseconds"] == expected_ms


async def test_start_over_plays_from_zero_with_the_same_token() -> None:
    async with AlexaHarness() as alexa:
        answer = await alexa.post(envelope("start_over"))
    stream = the_play(answer)["audioItem"]["stream"]
    assert (stream["token"], stream["offsetInMilliseconds"]) == (TOKEN, 0)


@pytest.mark.parametrize("name", ["stop", "cancel"])
async def test_stop_and_cancel_stop_the_audio_and_end(name: str) -> None:
    async with AlexaHarness() as alexa:
        answer = await alexa.post(envelope(name))
    assert directives(answer) == [{"type": "AudioPlayer.Stop"}]
    assert answer["response"]["shouldEndSession"] is True


async def test_help_explains_the_controls_and_listens() -> None:
    async with AlexaHarness() as alexa:
        answer = await alexa.post(envelope("help"))
    assert "pause, resume, next, previous" in speech(answer)
    assert answer["response"]["shouldEndSession"] is False


@pytest.mark.parametrize(
    ("name", "words"), [("fallback", "didn't get that"), ("navigate_home", "Welcome")]
)
async def test_fallback_and_home_ask_for_a_routine(name: str, words: str) -> None:
    async with AlexaHarness() as alexa:
        answer = await alexa.post(envelope(name))
    assert words in speech(answer)
    assert answer["response"]["shouldEndSession"] is False


async def test_loop_and_shuffle_are_declined_without_touching_the_audio() -> None:
    async with AlexaHarness() as alexa:
        answer = await alexa.post(envelope("loop_on"))
    assert "doesn't apply" in speech(answer)
    assert not directives(answer)


async def test_session_ended_gets_an_empty_answer() -> None:
    async with AlexaHarness() as alexa:
        answer = await alexa.post(envelope("session_ended"))
    assert answer["response"] == {}


@pytest.mark.parametrize("name", PLAYER_EVENTS)
async def test_audio_player_events_get_no_speech_and_no_session_flag(name: str) -> None:
    async with AlexaHarness() as alexa:
        answer = await alexa.post(envelope(name))
    assert answer["response"] == {}


async def test_player_events_keep_the_position_up_to_date() -> None:
    token = StreamToken.parse(TOKEN)
    assert token is not None
    async with AlexaHarness() as alexa:
        await alexa.post(envelope("playback_started"))
        started = alexa.positions.get(USER_ID, DEVICE_ID)
        await alexa.post(envelope("playback_stopped"))
        await alexa.post(envelope("playback_failed"))  # no offset in it: the last one stays
        stopped = alexa.positions.get(USER_ID, DEVICE_ID)
        await alexa.post(envelope("playback_finished"))
        finished = alexa.positions.get(USER_ID, DEVICE_ID)
    assert started == Position(token=token, offset_ms=0)
    assert stopped == Position(token=token, offset_ms=98765)
    assert finished is None


@pytest.mark.parametrize(
    ("name", "offset_ms"),
    [
        ("controller_play", 61234),
        ("controller_next", STEP_STARTS_MS[1]),
        ("controller_previous", STEP_STARTS_MS[0]),
    ],
)
async def test_device_buttons_answer_with_a_play_directive_only(name: str, offset_ms: int) -> None:
    async with AlexaHarness() as alexa:
        answer = await alexa.post(envelope(name))
    assert_no_conversation(answer)
    stream = the_play(answer)["audioItem"]["stream"]
    assert (stream["token"], stream["offsetInMilliseconds"]) == (TOKEN, offset_ms)


async def test_pause_button_answers_with_a_stop_directive_only() -> None:
    async with AlexaHarness() as alexa:
        answer = await alexa.post(envelope("controller_pause"))
    assert answer["response"] == {"directives": [{"type": "AudioPlayer.Stop"}]}


@pytest.mark.parametrize("name", ["controller_play", "controller_next", "controller_previous"])
async def test_buttons_with_nothing_playing_get_an_empty_answer(name: str) -> None:
    async with AlexaHarness() as alexa:
        answer = await alexa.post(without_player(envelope(name)))
    assert answer["response"] == {}


async def test_next_button_on_the_last_step_gets_an_empty_answer() -> None:
    async with AlexaHarness() as alexa:
        answer = await alexa.post(with_offset(envelope("controller_next"), 300_000))
    assert answer["response"] == {}


async def test_system_exception_gets_an_empty_answer() -> None:
    async with AlexaHarness() as alexa:
        answer = await alexa.post(envelope("system_exception"))
    assert answer["response"] == {}


async def test_a_request_for_another_skill_is_refused() -> None:
    data = envelope("launch")
    data["context"]["System"]["application"]["applicationId"] = "amzn1.ask.skill.someone-else"
    async with AlexaHarness() as alexa:
        status, _ = await alexa.post_raw(body_of(data))
        right = await alexa.post(envelope("launch"))
    assert status == 400
    assert right["response"]["shouldEndSession"] is False  # the configured SKILL_ID passes


@pytest.mark.parametrize(
    "body", [b"{not json", b"\xff\xfe", b"[]", b"{}", b'{"request": {"type": "LaunchRequest"}}']
)
async def test_a_body_that_is_not_an_alexa_request_is_refused(body: bytes) -> None:
    async with AlexaHarness() as alexa:
        status, _ = await alexa.post_raw(body)
    assert status == 400


async def test_a_failed_playback_is_logged_with_alexas_reason(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with AlexaHarness() as alexa:
        await alexa.post(envelope("playback_failed"))
    assert any(
        "MEDIA_ERROR_SERVICE_UNAVAILABLE: The server returned 403 Forbidden" in r.getMessage()
        for r in caplog.records
    )
