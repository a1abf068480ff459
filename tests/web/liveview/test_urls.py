"""The live view's button URL."""

from __future__ import annotations

import pytest

from guide_bot.web.liveview.urls import app_url


def test_app_url() -> None:
    assert app_url("https://guide.example.org/") == "https://guide.example.org/app"
    assert app_url("https://example.org/guide", "a b/1") == (
        "https://example.org/guide/app?session=a%20b%2F1"
    )


@pytest.mark.parametrize("base", ["http://guide.example.org", "guide.example.org", ""])
def test_app_url_needs_https(base: str) -> None:
    with pytest.raises(ValueError, match="must start with https://"):
        app_url(base)
