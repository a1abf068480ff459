"""Pure parts of the skill: stream tokens, step jumps, the position store, routine matching."""

from __future__ import annotations

import threading

import pytest

from guide_bot.speakers.alexa.catalog import AlexaCatalog, normalize
from guide_bot.speakers.alexa.playback import (
    Position,
    PositionStore,
    StreamToken,
    next_step_offset,
    previous_step_offset,
    step_index,
)
from tests.alexa.harness import TITLES

STARTS = [4_200, 64_900, 125_300]


def test_a_token_names_its_routine_and_is_unique() -> None:
    first, second = StreamToken.new("neck-release"), StreamToken.new("neck-release")
    assert first != second
    assert StreamToken.parse(str(first)) == first
    assert str(first).startswith("guide-bot:neck-release:")


@pytest.mark.parametrize(
    "text",
    [None, "", "neck-release", "guide-bot:Neck:abc", "other:neck-release:abc", "guide-bot:x:"],
)
def test_tokens_that_are_not_ours_are_ignored(text: str | None) -> None:
    assert StreamToken.parse(text) is None


@pytest.mark.parametrize(
    ("offset", "index", "following", "previous"),
    [
        (0, -1, 4_200, 0),  # during the introduction
        (4_200, 0, 64_900, 4_200),  # at the start of the first step
        (60_000, 0, 64_900, 4_200),
        (64_900, 1, 125_300, 4_200),
        (130_000, 2, None, 64_900),  # last step: no next
    ],
)
def test_step_jumps(offset: int, index: int, following: int | None, previous: int) -> None:
    assert step_index(STARTS, offset) == index
    assert next_step_offset(STARTS, offset) == following
    assert previous_step_offset(STARTS, offset) == previous


def test_a_track_with_no_steps_has_nowhere_to_jump() -> None:
    assert next_step_offset([], 1_000) is None
    assert previous_step_offset([], 1_000) == 0


def test_the_store_keeps_one_position_per_user_and_device() -> None:
    store = PositionStore(limit=2)
    token = StreamToken.new("neck-release")
    store.put("u1", "d1", Position(token=token, offset_ms=1))
    store.put("u1", "d2", Position(token=token, offset_ms=2))
    store.put("u1", "d1", Position(token=token, offset_ms=3))  # refreshed: now the newest
    store.put("u2", "d1", Position(token=token, offset_ms=4))  # over the limit: d2 goes
    assert store.get("u1", "d1") == Position(token=token, offset_ms=3)
    assert store.get("u1", "d2") is None
    store.forget("u2", "d1")
    assert store.get("u2", "d1") is None


def test_the_store_is_safe_across_threads() -> None:
    store = PositionStore(limit=50)
    token = StreamToken.new("neck-release")

    def writer(n: int) -> None:
        for i in range(200):
            store.put(f"u{n}", f"d{i % 60}", Position(token=token, offset_ms=i))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store._positions) == 50


def test_routines_are_found_by_any_of_their_names() -> None:
    catalog = AlexaCatalog(TITLES)
    assert {r.id: r.synonyms for r in catalog.routines} == {
        "chest-opener": ("chest opener",),
        "foot-reset": ("foot reset",),
        "legs-after-sport": (),
        "neck-release": ("neck release",),
    }
    found = {
        heard: getattr(catalog.match(heard), "id", None)
        for heard in [
            "neck release",
            "Neck and upper back knots",
            "neck-release",
            "legs after sports",
            "foot reset with a ball",
            "CHEST OPENER!",
            "juggling",
            "",
            "   ",
        ]
    }
    assert found == {
        "neck release": "neck-release",
        "Neck and upper back knots": "neck-release",
        "neck-release": "neck-release",
        "legs after sports": "legs-after-sport",
        "foot reset with a ball": "foot-reset",
        "CHEST OPENER!": "chest-opener",
        "juggling": None,
        "": None,
        "   ": None,
    }


def test_a_name_two_routines_share_goes_to_neither() -> None:
    catalog = AlexaCatalog(
        {"upper-back-roll": "Upper back with a roller", "upper-back": "Upper back"}
    )
    roll = catalog.get("upper-back-roll")
    assert roll is not None
    assert "upper back" not in roll.synonyms  # it is the other routine's title
    assert getattr(catalog.match("upper back"), "id", None) == "upper-back"


def test_titles_with_punctuation_get_a_plain_synonym() -> None:
    catalog = AlexaCatalog({"hips": "Hips & glutes (floor)"})
    assert catalog.routines[0].synonyms == ("hips", "hips glutes floor")
    assert normalize("Hips & glutes (floor)") == "hips glutes floor"


def test_an_empty_library_cannot_make_a_skill() -> None:
    with pytest.raises(ValueError, match="at least one routine"):
        AlexaCatalog({})
