"""A first session's offer offers hands-free delivery, inside the fitted offer: the tap keeps the
length and the screening adaptation, and a later offer no longer asks."""

from __future__ import annotations

from pathlib import Path

from fakebot.server import FakeBotServer

from bot.harness import build_bot, ready_user, running, screen
from bot.test_fitted_sessions import CHAT, data_of, library_routine, offer, shown, tap
from guide_bot.domain.lengths import select_length
from guide_bot.paths import shipped_library_dir
from guide_bot.telegram import texts


def labels(bot: object, message_id: int) -> list[str]:
    markup = shown(bot, message_id)["reply_markup"]["inline_keyboard"]  # type: ignore[arg-type,index]
    return [b["text"] for row in markup for b in row]


async def test_a_first_session_offers_hands_free_and_keeps_the_fitting(
    server: FakeBotServer, tmp_path: Path
) -> None:
    bot = build_bot(server, tmp_path, shipped_library_dir())
    ready_user(bot.services, CHAT)
    screen(bot.services, CHAT, "osteoporosis", "age_65_plus")
    base = library_routine(bot, "lower-back-relief")
    async with running(bot):
        mid = await offer(bot, "lower-back-relief")
        assert texts.HANDS_FREE_OFFER in str(shown(bot, mid)["text"])
        assert "🎧 Hands-free: off" in labels(bot, mid)
        await tap(bot, mid, data_of(bot, mid, "Full"))  # the length first, then hands-free
        await tap(bot, mid, data_of(bot, mid, "Hands-free"))
        assert "🎧 Hands-free: on" in labels(bot, mid)
        assert any(label.startswith("✅ Full") for label in labels(bot, mid))
        await tap(bot, mid, data_of(bot, mid, "Skip"))
        live = bot.services.sessions.get(CHAT)
        assert live is not None
        assert live.hands_free
        assert live.record.plan["length"] == "full"  # the offer's length ...
        assert live.record.plan["conditions"] == ["age_65_plus", "osteoporosis"]  # ... fitted
        assert len(live.routine.steps) < len(select_length(base, "full").steps)
        user = bot.services.users.get(CHAT)
        assert user is not None
        assert user.settings.mode == "hands"
        await bot.run_for(5)
        assert server.calls_of("sendAudio", chat_id=CHAT)
        await bot.services.sessions.report(CHAT, completed=True)

        # The next offer does not ask again.
        again = await offer(bot, "lower-back-relief")
        assert texts.HANDS_FREE_OFFER not in str(shown(bot, again)["text"])
        assert not [label for label in labels(bot, again) if "Hands-free" in label]


async def test_without_the_tap_the_first_session_runs_as_chosen_before(
    server: FakeBotServer, tmp_path: Path
) -> None:
    bot = build_bot(server, tmp_path, shipped_library_dir())
    ready_user(bot.services, CHAT, mode="text")
    async with running(bot):
        mid = await offer(bot, "neck-release")
        await tap(bot, mid, data_of(bot, mid, "Skip"))
        live = bot.services.sessions.get(CHAT)
        assert live is not None
        assert live.record.mode == "text"
        user = bot.services.users.get(CHAT)
        assert user is not None
        assert user.settings.mode == "text"
