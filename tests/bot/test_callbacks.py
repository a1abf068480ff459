"""Callback payloads: a button's data fits Telegram's 64 bytes, and anything else is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guide_bot.library.catalog import routine_ref
from guide_bot.telegram.callbacks import (
    MAX_CALLBACK_BYTES,
    Card,
    Control,
    Offer,
    PainAfter,
    PainBefore,
    Pick,
    ScreeningDone,
    ScreeningToggle,
    parse,
)


@pytest.mark.parametrize(
    "payload",
    [
        Control(action="pause", sid="0a1b2c3d", ver=12),
        PainBefore(routine="neck-release", pain=-1),
        PainAfter(entry=123456789, pain=10),
        Pick(by="c", value="tension-headache"),
        PainBefore(routine=routine_ref("a" * 64), pain=10, length="f", ok=True),
        Offer(routine=routine_ref("a" * 64), length="q", ok=False),
        ScreeningToggle(c=12),
        ScreeningDone(),
        Card(routine=routine_ref("a" * 64)),
    ],
)
def test_pack_then_parse_gives_the_same_payload(payload: object) -> None:
    data = payload.pack()  # type: ignore[attr-defined]
    assert len(data.encode()) <= MAX_CALLBACK_BYTES
    assert parse(data) == payload


def test_long_routine_ids_get_a_short_stable_reference() -> None:
    long_id = "-".join(["stretch"] * 8)
    assert len(long_id) > 40
    ref = routine_ref(long_id)
    assert ref.startswith("~")
    assert ref == routine_ref(long_id)
    assert Card(routine=ref).pack() == f"card:{ref}"


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "ctl:pause:0a1b2c3d",  # a field missing
        "ctl:pause:0a1b2c3d:1:extra",
        "ctl:dance:0a1b2c3d:1",
        "ctl:pause:XYZ:1",
        "ctl:pause:0a1b2c3d:-1",
        "pb:neck-release:11:s:0",
        "pb:../etc:3:s:0",
        "pb:neck-release:3",  # the format before lengths
        "pb:neck-release:3:x:0",
        "off:neck-release:m:0",
        "pa:0:3",
        "scr:1:perhaps",
        "scr:99",
        "nope:1",
        "menu:home:1",
        "card:" + "a" * 70,
    ],
)
def test_malformed_or_forged_data_is_refused(data: str | None) -> None:
    assert parse(data) is None


@given(st.text(max_size=80))
def test_parse_never_raises(data: str) -> None:
    parse(data)


def test_offer_buttons_sent_before_the_hands_free_choice_still_parse() -> None:
    from guide_bot.telegram.callbacks import PainBefore, parse

    old = parse("pb:neck-release:3:s:0")
    assert old == PainBefore(routine="neck-release", pain=3, length="s", ok=False, hands=False)
    assert parse("pb:neck-release:3:s:0:1") == PainBefore(
        routine="neck-release", pain=3, length="s", ok=False, hands=True
    )
    assert parse("pb:neck-release:3:s:0:1:1") is None  # one too many
