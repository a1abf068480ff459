"""Offering to start a routine: the pain rating that starts it, or first the question whether to
end the session in progress; and the answer to an unknown routine id. Used by /start, /session,
the Start button and the end of the screening. A user's first session is also offered
hands-free (one tap starts it as one audio track and keeps that choice).
"""

from __future__ import annotations

from guide_bot.domain.routine import Routine
from guide_bot.telegram import keyboards, texts
from guide_bot.telegram.context import Services
from guide_bot.telegram.handlers.browse import list_view


async def offer_start(chat_id: int, user_id: int, routine: Routine, services: Services) -> None:
    """Ask for the pain rating that starts the routine, or first whether to end the current one."""
    sender = services.sender
    sessions = services.sessions
    live = sessions.get(chat_id)
    if live is None and sessions.busy(chat_id):
        return  # a session is being started in this chat right now
    if live is not None:
        text = texts.SWAP_QUESTION.format(
            current=texts.escape(live.routine.title), new=texts.escape(routine.title)
        )
        await sender.text(chat_id, text, keyboards.swap(routine))
        return
    user = services.users.get(user_id)
    first = not services.history.recent(user_id, limit=1)
    offer = first and (user is None or user.settings.mode != "hands")
    intro = f"{texts.HANDS_FREE_OFFER}\n\n" if offer else ""
    await sender.text(
        chat_id,
        f"<b>{texts.escape(routine.title)}</b>\n{intro}{texts.PAIN_BEFORE}",
        keyboards.pain_before(routine, offer_hands_free=offer),
    )


async def unknown_routine(chat_id: int, user_id: int, ref: str, services: Services) -> None:
    """Say the routine is unknown and show the list."""
    _title, markup = list_view(user_id, "all", None, services)
    intro = texts.UNKNOWN_ROUTINE.format(ref=texts.escape(ref[:64]))
    await services.sender.text(chat_id, intro, markup)
