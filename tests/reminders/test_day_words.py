"""/remind in the user's own language: Babel's day names and the catalog's words for every day,
weekdays and weekends, English always too, case and accents ignored; the answers to bad input
suggest and show the user's own words, and every example they show really works."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest
from bot.harness import running
from fakebot.server import FakeBotServer

from guide_bot.i18n import translator
from guide_bot.library.catalog import title_key
from guide_bot.paths import shipped_library_dir
from guide_bot.reminders.parsing import InputProblem, ReminderInputError, parse_remind
from guide_bot.reminders.rules import EVERY_DAY, WEEKDAYS, WEEKENDS
from guide_bot.reminders.words import vocabulary
from guide_bot.telegram.reminders.texts import REMIND_EXAMPLES, input_error
from reminders.harness import CHAT, START, build_reminder_bot, data_of, labels, say, tap

ROUTINES = {"neck-release", "quick-test"}
MON_WED_FRI = frozenset({0, 2, 4})


@pytest.mark.parametrize(
    ("code", "words", "days"),
    [
        ("es", "lun-vie", WEEKDAYS),
        ("es", "LUN-VIE", WEEKDAYS),
        ("es", "lunes-viernes", WEEKDAYS),
        ("es", "lun,mié,vie", MON_WED_FRI),
        ("es", "lun,mie,vie", MON_WED_FRI),
        ("es", "Miércoles", frozenset({2})),
        ("es", "sáb-dom", WEEKENDS),
        ("es", "entre semana", WEEKDAYS),
        ("es", "fines de semana", WEEKENDS),
        ("es", "todos los días", EVERY_DAY),
        ("es", "diario", EVERY_DAY),
        ("es", "mon-fri", WEEKDAYS),  # English always works
        ("de", "Mo-Fr", WEEKDAYS),
        ("de", "Mo.-Fr.", WEEKDAYS),
        ("de", "mo - fr", WEEKDAYS),
        ("de", "Mo,Mi,Fr", MON_WED_FRI),
        ("de", "Montag,Mittwoch,Freitag", MON_WED_FRI),
        ("de", "Fr-Mo", frozenset({4, 5, 6, 0})),
        ("de", "werktags", WEEKDAYS),
        ("de", "am Wochenende", WEEKENDS),
        ("de", "TÄGLICH", EVERY_DAY),
        ("de", "taglich", EVERY_DAY),
        ("de", "weekends", WEEKENDS),
        ("ru", "пн-пт", WEEKDAYS),
        ("ru", "ПН,СР,ПТ", MON_WED_FRI),
        ("ru", "по будням", WEEKDAYS),
        ("ru", "ежедневно", EVERY_DAY),
        ("pt-br", "seg-sex", WEEKDAYS),
        ("pt-br", "seg.-sex.", WEEKDAYS),
        ("pt-br", "segunda-feira-sexta-feira", WEEKDAYS),
        ("pt-br", "segunda-sexta", WEEKDAYS),
        ("pt-br", "dias úteis", WEEKDAYS),
        ("pt-br", "sáb,dom", WEEKENDS),
    ],
)
def test_each_language_days(code: str, words: str, days: frozenset[int]) -> None:
    got = parse_remind(["07:30", *words.split(), "neck-release"], ROUTINES, vocabulary(code))
    assert (got.at, got.days, got.routine_id) == (time(7, 30), days, "neck-release")


def test_english_users_keep_english_only() -> None:
    with pytest.raises(ReminderInputError) as info:
        parse_remind(["07:30", "lun-vie", "neck-release"], ROUTINES, vocabulary("en"))
    assert info.value.problem is InputProblem.UNKNOWN_DAY


@pytest.mark.parametrize(
    ("code", "token", "suggestion"),
    [
        ("es", "viernez", "viernes"),
        ("es", "mon-fru", "fri"),  # an English word gets an English suggestion
        ("de", "montga", "montag"),
        ("ru", "пятниц", "пятница"),
        ("pt-br", "segnda", "segunda"),
    ],
)
def test_suggestions_in_the_users_language(code: str, token: str, suggestion: str) -> None:
    with pytest.raises(ReminderInputError) as info:
        parse_remind(["07:30", token], ROUTINES, vocabulary(code))
    assert info.value.suggestion == suggestion


@pytest.mark.parametrize("code", ["en", "de", "es", "ru", "pt-br"])
def test_every_translated_example_works(code: str) -> None:
    tr = translator(code)
    lines = [line for line in tr.gettext(REMIND_EXAMPLES).splitlines() if line.startswith("/")]
    assert len(lines) == 4
    for line in lines:
        parse_remind(line.split(" — ")[0].split()[1:], ROUTINES, vocabulary(code))
    if code != "en":
        assert "mon-fri" not in tr.gettext(REMIND_EXAMPLES)


@pytest.mark.parametrize(
    ("code", "command", "stored", "shown"),
    [
        ("es", "/remind 07:30 lun-vie quick-test", WEEKDAYS, "entre semana"),
        ("es", "/remind 07:30 Lun,Mié,Vie", MON_WED_FRI, "lun, mié, vie"),
        ("de", "/remind 07:30 Mo-Fr quick-test", WEEKDAYS, "werktags"),
        ("de", "/remind 07:30 Di-Do", frozenset({1, 2, 3}), "Di.-Do."),
    ],
)
async def test_bot_understands_the_users_day_words(
    server: FakeBotServer,
    tmp_path: Path,
    test_library: Path,
    code: str,
    command: str,
    stored: frozenset[int],
    shown: str,
) -> None:
    server.language_codes[CHAT] = code
    bot = build_reminder_bot(server, tmp_path, test_library)
    bot.services.reminders.set_timezone(CHAT, "Europe/Berlin", START)
    async with running(bot):
        replies = await say(bot, command)
        assert f"<b>07:30</b> {shown}:" in replies[-1].text, replies[-1].text
    (reminder,) = bot.services.reminders.for_user(CHAT)
    assert reminder.rule.days == stored


@pytest.mark.parametrize(
    ("code", "command", "expected", "example"),
    [
        ("es", "/remind 07:30 lun-viernez", '"viernez" no es un día', "¿Quisiste decir"),
        ("de", "/remind 07:30 Montga", "„montga“ kenne ich nicht als Tag", "Meintest du"),
    ],
)
async def test_bot_suggests_in_the_users_language(
    server: FakeBotServer,
    tmp_path: Path,
    test_library: Path,
    code: str,
    command: str,
    expected: str,
    example: str,
) -> None:
    server.language_codes[CHAT] = code
    bot = build_reminder_bot(server, tmp_path, test_library)
    bot.services.reminders.set_timezone(CHAT, "Europe/Berlin", START)
    async with running(bot):
        (reply,) = await say(bot, command)
    assert expected in reply.text, reply.text
    assert example in reply.text, reply.text
    own_range = {"es": "/remind 07:30 lun-vie", "de": "/remind 07:30 Mo-Fr"}[code]
    assert own_range in reply.text
    assert "mon-fri" not in reply.text
    assert bot.services.reminders.for_user(CHAT) == []


def test_error_answer_uses_own_words_in_each_language() -> None:
    error = ReminderInputError(InputProblem.UNKNOWN_DAY, "xyz")
    for code, words in {
        "de": "Mo-Fr",
        "es": "lun-vie",
        "ru": "пн-пт",
        "pt-br": "seg-sex",
    }.items():
        answer = input_error(error, tr=translator(code))
        assert words in answer
        assert "mon-fri" not in answer
        assert "weekdays" not in answer


async def test_the_routine_step_lists_titles_in_the_users_language_and_order(
    server: FakeBotServer, tmp_path: Path
) -> None:
    server.language_codes[CHAT] = "es"
    bot = build_reminder_bot(server, tmp_path, shipped_library_dir())
    bot.services.reminders.set_timezone(CHAT, "Europe/Madrid", START)
    async with running(bot):
        (times,) = await say(bot, "/remind")
        await tap(bot, times, data_of(times, "18:00"))
        await tap(bot, times, data_of(server.sent(CHAT)[-1], "Entre semana"))
        routines = server.sent(CHAT)[-1]
        shown = labels(routines)[:-1]  # the last one is "no particular routine"
        assert shown[0] == "Abrir el pecho tras horas de escritorio"
        assert shown == sorted(shown, key=title_key)
        await tap(bot, routines, data_of(routines, "Nudos en el cuello"))
        done = server.sent(CHAT)[-1]
    assert "<b>18:00</b> entre semana: Nudos en el cuello" in done.text, done.text
    (stored,) = bot.services.reminders.for_user(CHAT)
    assert (stored.rule.days, stored.rule.routine_id) == (WEEKDAYS, "neck-release")
