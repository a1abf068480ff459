"""The one-time safety screening: yes/no questions in one message, answers reviewable later.

The answers in progress, and the routine to offer once they are done (a /session, deep link or
Start that came before the screening), wait in the database (storage/pending.py) until the last
answer, so a restart of the bot in between loses neither; they expire after a day. Then the
answers are stored together. A question message from an earlier round (or a repeated tap) gets a
short answer and changes nothing.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from telegram import Update
from telegram.ext import CommandHandler

from guide_bot.telegram import keyboards, texts
from guide_bot.telegram.callbacks import ScreeningAnswer, ScreeningRedo
from guide_bot.telegram.context import AnyHandler, BotContext, Services
from guide_bot.telegram.handlers.common import Press, current_user
from guide_bot.telegram.handlers.offers import offer_start
from guide_bot.telegram.routing import Routes


class Progress(BaseModel):
    """The yes/no answers of the round in progress, by question key, in question order."""

    model_config = ConfigDict(extra="forbid")
    answers: dict[Annotated[str, Field(max_length=40)], bool] = Field(max_length=20)


class After(BaseModel):
    """The routine (its id) to offer once the screening is done."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    routine: Annotated[str, Field(min_length=1, max_length=80)]


def question_text(index: int) -> str:
    """The text of question `index`."""
    return texts.screening_question(index, texts.SCREENING[index])


def _new_round(user_id: int, services: Services) -> None:
    services.pending.put(user_id, "screening", Progress(answers={}), services.now_utc())


async def begin(chat_id: int, user_id: int, services: Services, *, then: str | None = None) -> None:
    """Send the first question (a new round of answers); `then`: a routine id to offer after."""
    if then is not None:
        services.pending.put(user_id, "after_screening", After(routine=then), services.now_utc())
    _new_round(user_id, services)
    await services.sender.text(chat_id, question_text(0), keyboards.screening(0))


async def show(update: Update, context: BotContext) -> None:
    services = context.services
    user = current_user(update, services)
    if user is None or update.effective_chat is None:
        return
    sender = services.sender
    if user.screening is None:
        await sender.text(user.chat_id, texts.SCREENING_NOT_DONE)
        await begin(user.chat_id, user.user_id, services)
        return
    await sender.text(
        user.chat_id, texts.screening_summary(user.screening), keyboards.screening_review()
    )


async def redo(data: ScreeningRedo, press: Press, context: BotContext) -> None:
    services = context.services
    _new_round(press.user_id, services)
    await services.sender.answer(press.query_id)
    await services.sender.edit_text(
        press.chat_id, press.message_id, question_text(0), keyboards.screening(0)
    )


async def answer(data: ScreeningAnswer, press: Press, context: BotContext) -> None:
    services = context.services
    sender = services.sender
    progress = services.pending.get(press.user_id, "screening", Progress, services.now_utc())
    if progress is None:
        await sender.answer(press.query_id, texts.STALE_BUTTON)
        return
    answers = progress.answers
    if data.q != len(answers) or data.q >= len(texts.SCREENING):
        await sender.answer(press.query_id, texts.STALE_BUTTON)
        return
    answers[texts.SCREENING[data.q].key] = data.yes
    await sender.answer(press.query_id)
    await _next(press, answers, services)


HANDLERS: list[AnyHandler] = [
    CommandHandler("screening", show),
]


BUTTONS: Routes = {
    ScreeningRedo: redo,
    ScreeningAnswer: answer,
}


async def _next(press: Press, answers: dict[str, bool], services: Services) -> None:
    """Ask the next question, or store the answers and say what follows from them."""
    assert press.message_id is not None
    chat_id, message_id, user_id = press.chat_id, press.message_id, press.user_id
    sender, pending, now = services.sender, services.pending, services.now_utc()
    index = len(answers)
    if index < len(texts.SCREENING):
        pending.put(user_id, "screening", Progress(answers=answers), now)
        await sender.edit_text(
            chat_id, message_id, question_text(index), keyboards.screening(index)
        )
        return
    services.users.set_screening(user_id, answers, now)
    pending.drop(user_id, "screening")
    await sender.edit_text(chat_id, message_id, texts.screening_summary(answers))
    after = pending.take(user_id, "after_screening", After, now)
    if after is not None:
        routine = services.catalog.find(user_id, after.routine)
        if routine is not None:
            await offer_start(chat_id, user_id, routine, services)
            return
    await sender.text(chat_id, texts.CHOOSE, keyboards.menu())
