"""initData validation as Telegram documents it: signature, freshness, user, malformed input."""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import quote, urlencode

import pytest

from guide_bot.web.liveview.initdata import (
    InitDataError,
    data_check_string,
    secret_key,
    validate_init_data,
)
from tests.web.liveview.support import BOT_TOKEN, T0, init_data


def check(raw: str, *, now: float = T0, max_age_s: float = 86400.0) -> int:
    return validate_init_data(raw, bot_token=BOT_TOKEN, now=now, max_age_s=max_age_s).user.id


def test_valid_init_data_gives_the_user() -> None:
    raw = init_data(42, auth_date=T0 - 60)
    data = validate_init_data(raw, bot_token=BOT_TOKEN, now=T0)
    assert (data.user.id, data.user.first_name, data.user.language_code) == (42, "Ann", "en")
    assert data.auth_date == int(T0 - 60)


def test_the_algorithm_is_telegrams_written_out() -> None:
    """Independently of the module: sorted key=value lines, HMAC of HMAC("WebAppData")."""
    user = '{"id":7,"first_name":"Bo"}'
    fields = {"auth_date": str(int(T0)), "query_id": "Q", "user": user, "signature": "abc"}
    lines = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    key = hmac.new(b"WebAppData", BOT_TOKEN.encode(), hashlib.sha256).digest()
    digest = hmac.new(key, lines.encode(), hashlib.sha256).hexdigest()
    raw = urlencode({**fields, "hash": digest}, quote_via=quote)
    assert check(raw) == 7
    assert secret_key(BOT_TOKEN) == key
    assert data_check_string({**fields, "hash": "x"}) == lines


def test_field_order_in_the_query_does_not_matter() -> None:
    raw = init_data(42, auth_date=T0)
    parts = raw.split("&")
    assert check("&".join(reversed(parts))) == 42


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        (lambda raw: raw.replace("%22Ann%22", "%22Eve%22"), "does not match"),  # data changed
        (lambda raw: raw[:-64] + "0" * 64, "does not match"),  # forged hash
        (lambda raw: raw[:-64] + "A" * 64, "64 lowercase hex"),
        (lambda raw: raw.rsplit("&hash=", 1)[0], "no hash"),  # missing hash
        (lambda raw: raw + "&auth_date=1", "more than once"),  # duplicated key
        (lambda raw: raw + "&" + raw.rsplit("&", 1)[1], "more than once"),  # duplicated hash
        (lambda raw: "", "no initData"),
        (lambda raw: "not a query string", "not a valid query string"),
    ],
)
def test_forged_or_malformed_is_refused(mangle, reason: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InitDataError, match=reason):
        check(mangle(init_data(42, auth_date=T0)))


def test_signed_with_another_bots_token_is_refused() -> None:
    raw = init_data(42, auth_date=T0, token="987654321:another-bot-token")
    with pytest.raises(InitDataError, match="does not match"):
        check(raw)


def test_stale_is_refused_at_the_window() -> None:
    raw = init_data(42, auth_date=T0 - 3600)
    assert check(raw, max_age_s=3600) == 42  # exactly at the limit
    with pytest.raises(InitDataError, match="older than 3600 s"):
        check(raw, now=T0 + 1, max_age_s=3600)


def test_future_auth_date_is_refused_beyond_the_skew() -> None:
    assert check(init_data(42, auth_date=T0 + 60)) == 42  # a phone a minute ahead
    with pytest.raises(InitDataError, match="in the future"):
        check(init_data(42, auth_date=T0 + 61))


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ({"auth_date": "soon"}, "no auth_date"),
        ({"user": "not json"}, "not JSON"),
        ({"user": "[1, 2]"}, "not a JSON object"),
        ({"user": json.dumps({"first_name": "No id"})}, "no positive integer id"),
        ({"user": json.dumps({"id": "42"})}, "no positive integer id"),
        ({"user": json.dumps({"id": True})}, "no positive integer id"),
    ],
)
def test_signed_but_unusable_fields_are_refused(extra: dict[str, str], reason: str) -> None:
    raw = init_data(42, auth_date=T0, extra=extra)  # correctly signed: the content is the problem
    with pytest.raises(InitDataError, match=reason):
        check(raw)


def test_missing_user_is_refused() -> None:
    from guide_bot.web.liveview.initdata import sign

    fields = {"auth_date": str(int(T0)), "query_id": "Q"}
    raw = urlencode({**fields, "hash": sign(fields, BOT_TOKEN)})
    with pytest.raises(InitDataError, match="no user"):
        check(raw)


def test_error_messages_do_not_echo_the_data() -> None:
    raw = init_data(42, auth_date=T0 - 10**6)
    with pytest.raises(InitDataError) as caught:
        check(raw)
    assert "Ann" not in str(caught.value)
    assert raw[-64:] not in str(caught.value)
