"""/stats: the figures of the user's history in words, then the chart as a photo.

The chart is drawn in a worker thread (matplotlib's Agg canvas, a few hundred milliseconds for a
year) so other chats are not held up.
"""

from __future__ import annotations

import asyncio

from telegram import InputFile, Update
from telegram.ext import CommandHandler

from guide_bot.i18n import Translator
from guide_bot.progress.figures import SessionRecord, compute_progress
from guide_bot.progress.records import to_records
from guide_bot.telegram.context import AnyHandler, BotContext, Services
from guide_bot.telegram.handlers.common import current_user, tr_of
from guide_bot.telegram.progress import texts
from guide_bot.telegram.progress.common import PRIVATE, find_routine, user_zone
from guide_bot.telegram.texts import AREA_NAMES
from guide_bot.telegram.texts.bound import bound

STATS_LIMIT = 5000  # the latest sessions counted: over ten years of daily use


def load_records(services: Services, user_id: int) -> list[SessionRecord]:
    """The user's sessions as records for the figures, oldest first."""
    entries = services.history.recent(user_id, limit=STATS_LIMIT)
    return to_records(entries, lambda rid: find_routine(services, user_id, rid))


async def send_stats(services: Services, chat_id: int, user_id: int) -> None:
    """The figures, and the chart when there is a history to draw."""
    t = bound(tr_of(user_id, services), texts)
    sender = services.sender
    records = load_records(services, user_id)
    if not records:
        await sender.text(chat_id, t.STATS_EMPTY)
        return
    zone, known = user_zone(services, user_id)
    progress = compute_progress(records, zone, services.now_utc())
    await sender.text(chat_id, t.stats(progress, AREA_NAMES, zone_known=known))
    # matplotlib is imported on the first chart, not at start-up (a tenth of it)
    from guide_bot.progress.charts import render_progress_chart

    png = await asyncio.to_thread(render_progress_chart, records, zone, t.tr)
    await send_chart(services, chat_id, png, t.tr)


async def send_chart(services: Services, chat_id: int, png: bytes, tr: Translator) -> None:
    """Send the chart PNG as a photo (retried like every other send)."""
    sender = services.sender
    await sender.call(
        chat_id,
        "sendPhoto",
        lambda: sender.bot.send_photo(
            chat_id,
            InputFile(png, filename="progress.png"),
            caption=tr.gettext(texts.STATS_CHART_CAPTION),
        ),
    )


async def stats_cmd(update: Update, context: BotContext) -> None:
    services = context.services
    user = current_user(update, services)
    if user is not None:
        await send_stats(services, user.chat_id, user.user_id)


HANDLERS: list[AnyHandler] = [
    CommandHandler("stats", stats_cmd, filters=PRIVATE),
]
