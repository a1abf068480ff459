"""The safety screening: one checklist message of toggles, answers reviewable and changeable.

The conditions (domain/conditions.py) are grouped as they act: "not today" red flags, "ask your
clinician first", and those that change the routines. Each tap ticks or unticks one and edits the
same message; "None of these" or "Done" stores the answers: only the names of the conditions
ticked (storage/users.py). The ticks in progress, and the routine to offer once they are done (a
/session, deep link or Start that came before the screening), wait in the database
(storage/pending.py), so a restart in between loses neither; they expire after a day. A
checklist from an earlier round (or a repeated Done) gets a short answer and changes nothing.

Health answers are asked and shown only in the private chat: in a group, /screening (and a
start that needs the screening first) says so with a link to the private chat.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from telegram import Update
from telegram.ext import CommandHandler

from guide_bot.domain.conditions import CONDITION_NAMES, CONDITIONS
from guide_bot.i18n import Translator
from guide_bot.telegram import keyboards, texts
from guide_bot.telegram.callbacks import (
    ScreeningDone,
    ScreeningNone,
    ScreeningRedo,
    ScreeningToggle,
)
from guide_bot.telegram.context import AnyHandler, BotContext, Services
from guide_bot.telegram.handlers.common import Press, current_user, tr_of
from guide_bot.telegram.handlers.offers import offer_start
from guide_bot.telegram.routing import Routes

DEEP_LINK = "screening"  # t.me/<bot>?start=screening opens the checklist in the private chat


class Progress(BaseModel):
    """The condition names ticked so far in the round in progress."""

    model_config = ConfigDict(extra="forbid")
    chosen: list[Annotated[str, Field(max_length=40)]] = Field(max_length=len(CONDITION_NAMES))


class After(BaseModel):
    """The routine (its id) to offer once the screening is done."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    routine: Annotated[str, Field(min_length=1, max_length=80)]


def private_link(services: Services) -> str:
    """The link that opens the private chat with the bot at the checklist."""
    username = services.sender.bot.username
    return f"https://t.me/{username}?start={DEEP_LINK}"


async def private_only(chat_id: int, services: Services, *, tr: Translator) -> None:
    """In a group: the answers are health data, asked only in the private chat."""
    text = tr.t(texts.SCREENING_PRIVATE_ONLY, link=private_link(services))
    await services.sender.text(chat_id, text)


def _new_round(user_id: int, chosen: list[str], services: Services) -> None:
    services.pending.put(user_id, "screening", Progress(chosen=chosen), services.now_utc())


async def begin(chat_id: int, user_id: int, services: Services, *, then: str | None = None) -> None:
    """Send the checklist (a new round, starting from the stored answers); `then`: a routine
    id to offer after. In a group chat only the link to the private chat is sent."""
    if then is not None:
        services.pending.put(user_id, "after_screening", After(routine=then), services.now_utc())
    tr = tr_of(user_id, services)
    if chat_id != user_id:
        await private_only(chat_id, services, tr=tr)
        return
    user = services.users.get(user_id)
    if user is not None and user.screening_outdated:
        await services.sender.text(chat_id, tr.gettext(texts.SCREENING_OUTDATED))
    chosen = list(user.screening or ()) if user is not None else []
    _new_round(user_id, chosen, services)
    await services.sender.text(
        chat_id, texts.screening_checklist(chosen, tr=tr), keyboards.screening(chosen, tr=tr)
    )


async def show(update: Update, context: BotContext) -> None:
    services = context.services
    user = current_user(update, services)
    if user is None or update.effective_chat is None:
        return
    tr = tr_of(user.user_id, services)
    if update.effective_chat.type != "private":
        await private_only(update.effective_chat.id, services, tr=tr)
        return
    if user.screening is None:
        if not user.screening_outdated:
            await services.sender.text(user.chat_id, tr.gettext(texts.SCREENING_NOT_DONE))
        await begin(user.chat_id, user.user_id, services)
        return
    await services.sender.text(
        user.chat_id,
        texts.screening_summary(user.screening, tr=tr),
        keyboards.screening_review(tr=tr),
    )


async def redo(data: ScreeningRedo, press: Press, context: BotContext) -> None:
    services = context.services
    user = services.users.get(press.user_id)
    chosen = list(user.screening or ()) if user is not None else []
    _new_round(press.user_id, chosen, services)
    tr = tr_of(press.user_id, services)
    await services.sender.answer(press.query_id)
    await services.sender.edit_text(
        press.chat_id,
        press.message_id,
        texts.screening_checklist(chosen, tr=tr),
        keyboards.screening(chosen, tr=tr),
    )


async def toggle(data: ScreeningToggle, press: Press, context: BotContext) -> None:
    services = context.services
    sender = services.sender
    tr = tr_of(press.user_id, services)
    progress = services.pending.get(press.user_id, "screening", Progress, services.now_utc())
    if progress is None or press.chat_id != press.user_id:
        await sender.answer(press.query_id, tr.gettext(texts.STALE_BUTTON))
        return
    if data.c >= len(CONDITIONS):
        await sender.answer(press.query_id, tr.gettext(texts.INVALID_BUTTON))
        return
    name = CONDITIONS[data.c].name
    chosen = [n for n in progress.chosen if n != name]
    if name not in progress.chosen:
        chosen.append(name)
    _new_round(press.user_id, chosen, services)
    await sender.answer(press.query_id)
    await sender.edit_text(
        press.chat_id,
        press.message_id,
        texts.screening_checklist(chosen, tr=tr),
        keyboards.screening(chosen, tr=tr),
    )


async def finish(data: ScreeningDone | ScreeningNone, press: Press, context: BotContext) -> None:
    """Store the ticked names ("None of these": none), then offer the routine waiting, if any."""
    services = context.services
    sender, pending, now = services.sender, services.pending, services.now_utc()
    tr = tr_of(press.user_id, services)
    progress = pending.take(press.user_id, "screening", Progress, now)
    if progress is None or press.chat_id != press.user_id:
        await sender.answer(press.query_id, tr.gettext(texts.STALE_BUTTON))
        return
    known = [name for name in progress.chosen if name in CONDITION_NAMES]
    chosen = [] if isinstance(data, ScreeningNone) else known
    services.users.set_screening(press.user_id, chosen, now)
    await sender.answer(press.query_id)
    await sender.edit_text(press.chat_id, press.message_id, texts.screening_summary(chosen, tr=tr))
    after = pending.take(press.user_id, "after_screening", After, now)
    if after is not None:
        routine = services.catalog.find(press.user_id, after.routine)
        if routine is not None:
            await offer_start(press.chat_id, press.user_id, routine, services)
            return
    await sender.text(press.chat_id, tr.gettext(texts.CHOOSE), keyboards.menu(tr=tr))


HANDLERS: list[AnyHandler] = [
    CommandHandler("screening", show),
]


BUTTONS: Routes = {
    ScreeningRedo: redo,
    ScreeningToggle: toggle,
    ScreeningNone: finish,
    ScreeningDone: finish,
}
