"""The one-time safety screening: yes/no questions in one message, answers reviewable later.

The answers in progress live in `user_data` until the last one, then are stored together; a
question message from an earlier round (or a repeated tap) gets a short answer and changes nothing.
"""

from __future__ import annotations

from telegram import CallbackQuery, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from guide_bot.bot import keyboards, texts
from guide_bot.bot.callbacks import ScreeningAnswer, ScreeningRedo, parse, pattern
from guide_bot.bot.handlers.common import current_user, ids
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
        query, found = update.callback_query, ids(update)
        if query is None or found is None or query.message is None:
            return
        assert context.user_data is not None
        context.user_data[PROGRESS_KEY] = {}
        await services.require_sender().answer(query.id)
        await services.require_sender().edit_text(
            found[0], query.message.message_id, question_text(0), keyboards.screening(0)
        )

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, found = update.callback_query, ids(update)
        if query is None or found is None or query.message is None:
            return
        sender = services.require_sender()
        data = parse(query.data)
        progress = (context.user_data or {}).get(PROGRESS_KEY)
        if not isinstance(data, ScreeningAnswer) or not isinstance(progress, dict):
            await sender.answer(query.id, texts.STALE_BUTTON)
            return
        if data.q != len(progress) or data.q >= len(texts.SCREENING):
            await sender.answer(query.id, texts.STALE_BUTTON)
            return
        progress[texts.SCREENING[data.q].key] = data.yes
        await sender.answer(query.id)
        await _next(query, progress, context, services)

    app.add_handler(CommandHandler("screening", show))
    app.add_handler(CallbackQueryHandler(redo, pattern=pattern(ScreeningRedo)))
    app.add_handler(CallbackQueryHandler(answer, pattern=pattern(ScreeningAnswer)))


async def _next(
    query: CallbackQuery,
    progress: dict[str, bool],
    context: ContextTypes.DEFAULT_TYPE,
    services: Services,
) -> None:
    """Ask the next question, or store the answers and say what follows from them."""
    assert query.message is not None
    assert context.user_data is not None
    chat_id, message_id = query.message.chat.id, query.message.message_id
    sender = services.require_sender()
    index = len(progress)
    if index < len(texts.SCREENING):
        await sender.edit_text(
            chat_id, message_id, question_text(index), keyboards.screening(index)
        )
        return
    services.users.set_screening(query.from_user.id, progress, services.now_utc())
    context.user_data.pop(PROGRESS_KEY, None)
    await sender.edit_text(chat_id, message_id, texts.screening_summary(progress))
    pending = context.user_data.pop(AFTER_KEY, None)
    if isinstance(pending, str):
        from guide_bot.bot.handlers.session_start import offer_start

        routine = services.catalog.find(query.from_user.id, pending)
        if routine is not None:
            await offer_start(chat_id, query.from_user.id, routine, services)
            return
    await sender.text(chat_id, texts.CHOOSE, keyboards.menu())
