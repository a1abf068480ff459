"""/history: the user's recent sessions, dated in their own time zone."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from guide_bot.telegram.context import AnyHandler, BotContext, Services
from guide_bot.telegram.handlers.common import current_user, tr_of
from guide_bot.telegram.progress import texts
from guide_bot.telegram.progress.common import PRIVATE, routine_title, user_zone
from guide_bot.telegram.texts.bound import bound

HISTORY_LIMIT = 15


def history_text(services: Services, user_id: int) -> str:
    """The /history message for a user."""
    t = bound(tr_of(user_id, services), texts)
    entries = services.history.recent(user_id, limit=HISTORY_LIMIT)
    if not entries:
        return t.tr.gettext(texts.HISTORY_EMPTY)
    zone, known = user_zone(services, user_id)
    titles: dict[str, str] = {}
    lines = []
    for entry in entries:
        if entry.routine_id not in titles:
            titles[entry.routine_id] = routine_title(services, user_id, entry.routine_id)
        lines.append(
            t.history_line(
                started_at=entry.started_at,
                zone=zone,
                title=titles[entry.routine_id],
                active_s=entry.active_s,
                completed=entry.completed,
                pain_before=entry.pain_before,
                pain_after=entry.pain_after,
            )
        )
    return texts.history(lines, zone_known=known, tr=t.tr)


async def history_cmd(update: Update, context: BotContext) -> None:
    services = context.services
    user = current_user(update, services)
    if user is not None:
        await services.sender.text(user.chat_id, history_text(services, user.user_id))


HANDLERS: list[AnyHandler] = [
    CommandHandler("history", history_cmd, filters=PRIVATE),
]
