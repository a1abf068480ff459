"""The one-time safety screening: yes/no questions in one message, answers reviewable later.

The answers in progress live in `user_data` until the last one, then are stored together; a
question message from an earlier round (or a repeated tap) gets a short answer and changes nothing.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from guide_bot.bot import keyboards, texts
from guide_bot.bot.callbacks import ScreeningAnswer, ScreeningRedo, pattern
from guide_bot.bot.handlers.common import Press, button_press, current_user
from guide_bot.bot.handlers.offers import offer_start
from guide_bot.bot.services import App, Services

PROGRESS_KEY = "screening_progress"
AFTER_KEY = "after_screening"  # a routine reference to offer once the screening is done


def question_text(index: int) -> str:
    """The text of question `index`."""
    return texts.screening_question(index, texts.SCREENING[index])


async def begin(chat_id: int, user_data: dict[str, object], services: Services) -> None:
    """Send the first question (a new round of answers)."""
    user_data[PROGRESS_KEY] = {}
    await services.require_sender().text(chat_id, question_text(0), keyboards.screening(0))


def register(app: App, services: Services) -> None:
    """Add /screening and the answer buttons."""

    async def show(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = current_user(update, services)
        if user is None or update.effective_chat is None:
            return
        sender = services.require_sender()
        if user.screening is None:
            assert context.user_data is not None
            await sender.text(user.chat_id, texts.SCREENING_NOT_DONE)
            await begin(user.chat_id, context.user_data, services)
            return
        await sender.text(
            user.chat_id, texts.screening_summary(user.screening), keyboards.screening_review()
        )

    async def redo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        press = button_press(update)
        if press is None or press.message_id is None:
            return
        assert context.user_data is not None
        context.user_data[PROGRESS_KEY] = {}
        await services.require_sender().answer(press.query_id)
        await services.require_sender().edit_text(
            press.chat_id, press.message_id, question_text(0), keyboards.screening(0)
        )

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        press = button_press(update)
        if press is None or press.message_id is None:
            return
        sender = services.require_sender()
        data = press.data
        progress = (context.user_data or {}).get(PROGRESS_KEY)
        if not isinstance(data, ScreeningAnswer) or not isinstance(progress, dict):
            await sender.answer(press.query_id, texts.STALE_BUTTON)
            return
        if data.q != len(progress) or data.q >= len(texts.SCREENING):
            await sender.answer(press.query_id, texts.STALE_BUTTON)
            return
        progress[texts.SCREENING[data.q].key] = data.yes
        await sender.answer(press.query_id)
        await _next(press, progress, context, services)

    app.add_handler(CommandHandler("screening", show))
    app.add_handler(CallbackQueryHandler(redo, pattern=pattern(ScreeningRedo)))
    app.add_handler(CallbackQueryHandler(answer, pattern=pattern(ScreeningAnswer)))


async def _next(
    press: Press,
    progress: dict[str, bool],
    context: ContextTypes.DEFAULT_TYPE,
    services: Services,
) -> None:
    """Ask the next question, or store the answers and say what follows from them."""
    assert press.message_id is not None
    assert context.user_data is not None
    chat_id, message_id, user_id = press.chat_id, press.message_id, press.user_id
    sender = services.require_sender()
    index = len(progress)
    if index < len(texts.SCREENING):
        await sender.edit_text(
            chat_id, message_id, question_text(index), keyboards.screening(index)
        )
        return
    services.users.set_screening(user_id, progress, services.now_utc())
    context.user_data.pop(PROGRESS_KEY, None)
    await sender.edit_text(chat_id, message_id, texts.screening_summary(progress))
    pending = context.user_data.pop(AFTER_KEY, None)
    if isinstance(pending, str):
        routine = services.catalog.find(user_id, pending)
        if routine is not None:
            await offer_start(chat_id, user_id, routine, services)
            return
    await sender.text(chat_id, texts.CHOOSE, keyboards.menu())
