"""Finding a routine: by complaint, body area, length or tool, a list, and the routine card.

Menus edit the message they came from, so browsing costs one call per tap and leaves no trail.
A routine card comes with a picture of where each step works, numbered as on the card: a text
message cannot become a photo, so opening a card sends the picture and the card anew and deletes
the list; going back from the card edits it into the menu and deletes its picture.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler

from guide_bot.domain.routine import Routine
from guide_bot.i18n import Translator
from guide_bot.telegram import keyboards, texts
from guide_bot.telegram.callbacks import Card, Menu, Pick
from guide_bot.telegram.context import AnyHandler, BotContext, Services
from guide_bot.telegram.handlers.common import Press, current_user, tr_of
from guide_bot.telegram.handlers.fitting import fit, pick_length
from guide_bot.telegram.pictures import card_pictures_for
from guide_bot.telegram.routing import Routes

PICK_PROMPTS = {
    "c": texts.PICK_COMPLAINT,
    "a": texts.PICK_AREA,
    "l": texts.PICK_LENGTH,
    "t": texts.PICK_TOOL,
}


def card_view(
    user_id: int, routine: Routine, services: Services, chat_id: int | None = None
) -> str:
    """The card text of a routine for this user: in the default length, adapted to their
    screening answers, with what changed and why (in a group: only that it changed)."""
    return fitted_card(user_id, routine, services, chat_id)[0]


def fitted_card(
    user_id: int, routine: Routine, services: Services, chat_id: int | None = None
) -> tuple[str, Routine]:
    """The card text and the routine it describes (adapted: its steps are the card's steps)."""
    user = services.users.get(user_id)
    tr = tr_of(user_id, services)
    routine = services.catalog.localized(routine, tr.code)
    conditions = (user.screening or ()) if user else ()
    fitted = fit(routine, conditions, pick_length(routine, None), tr)
    private = chat_id is None or chat_id == user_id
    played = fitted.adaptation.routine
    if played is None:
        card = texts.routine_card(
            routine, services.catalog.duration_s(routine), private=private, tr=tr
        )
        return card, routine
    card = texts.routine_card(
        played,
        services.catalog.duration_s(played),
        changes=fitted.changes,
        private=private,
        tr=tr,
    )
    return card, played


async def show_card(press: Press, routine: Routine, services: Services) -> None:
    """The card with its picture above it, in place of the list it was picked from."""
    chat_id, sender = press.chat_id, services.sender
    text, shown = fitted_card(press.user_id, routine, services, chat_id)
    tr = tr_of(press.user_id, services)
    pictures = card_pictures_for(sender, services.media)
    caption = tr.t(texts.CARD_PICTURE_CAPTION, title=texts.escape(shown.title))
    picture = await pictures.send(chat_id, shown, caption)
    keyboard = keyboards.card(routine, tr=tr)
    if picture is None:  # no step on the body map, or the photo failed: the card as before
        await sender.edit_text(chat_id, press.message_id, text, keyboard)
        return
    card = await sender.text(chat_id, text, keyboard)
    if card is None:  # keep the list, so the user is never left without buttons
        await sender.delete(chat_id, picture.message_id)
        return
    pictures.shown(chat_id, card.message_id, picture.message_id)
    await sender.delete(chat_id, press.message_id)


async def _leave_card(press: Press, services: Services) -> None:
    """Take away the picture of the card this press leaves, if it had one."""
    pictures = card_pictures_for(services.sender, services.media)
    picture_id = pictures.taken_away(press.chat_id, press.message_id)
    if picture_id is not None:
        await services.sender.delete(press.chat_id, picture_id)


def list_view(
    user_id: int, by: str, value: str | None, services: Services
) -> tuple[str, InlineKeyboardMarkup]:
    """The text and keyboard of a list of routines (all when `value` is None)."""
    catalog = services.catalog
    tr = tr_of(user_id, services)
    if value is None:
        routines, title = catalog.routines(user_id, tr.code), tr.gettext(texts.ALL_ROUTINES)
        back = "home"
    else:
        routines = catalog.filtered(user_id, by, value, tr.code)
        name = tr.gettext(keyboards.NAMES[by].get(value, value))
        title, back = tr.t(texts.ROUTINES_FOR, what=name), by
    if not routines:
        return tr.gettext(texts.NO_ROUTINES), keyboards.menu(tr=tr)
    durations = [catalog.duration_s(r) for r in routines]
    shown = [catalog.localized(r, tr.code) for r in routines]
    return title, keyboards.routine_list(shown, durations, back, tr=tr)


async def send_menu(chat_id: int, services: Services, *, tr: Translator) -> None:
    """The ways to find a routine."""
    await services.sender.text(chat_id, tr.gettext(texts.CHOOSE), keyboards.menu(tr=tr))


async def routines_cmd(update: Update, context: BotContext) -> None:
    services = context.services
    user = current_user(update, services)
    if user is not None:
        await send_menu(user.chat_id, services, tr=tr_of(user.user_id, services))


async def on_button(data: Menu | Pick | Card, press: Press, context: BotContext) -> None:
    services = context.services
    chat_id, user_id = press.chat_id, press.user_id
    sender = services.sender
    message_id = press.message_id
    tr = tr_of(user_id, services)
    if isinstance(data, Menu):
        await sender.answer(press.query_id)
        await _leave_card(press, services)
        if data.view == "home":
            await sender.edit_text(
                chat_id, message_id, tr.gettext(texts.CHOOSE), keyboards.menu(tr=tr)
            )
        elif data.view == "all":
            text, markup = list_view(user_id, "all", None, services)
            await sender.edit_text(chat_id, message_id, text, markup)
        else:
            values = services.catalog.values(user_id, data.view)
            await sender.edit_text(
                chat_id,
                message_id,
                tr.gettext(PICK_PROMPTS[data.view]),
                keyboards.choices(data.view, values, tr=tr),
            )
    elif isinstance(data, Pick):
        await sender.answer(press.query_id)
        text, markup = list_view(user_id, data.by, data.value, services)
        await sender.edit_text(chat_id, message_id, text, markup)
    elif isinstance(data, Card):
        routine = services.catalog.find(user_id, data.routine)
        if routine is None:
            await sender.answer(press.query_id, tr.gettext(texts.INVALID_BUTTON))
            return
        await sender.answer(press.query_id)
        await show_card(press, routine, services)
    else:
        await sender.answer(press.query_id, tr.gettext(texts.INVALID_BUTTON))


HANDLERS: list[AnyHandler] = [
    CommandHandler("routines", routines_cmd),
]


BUTTONS: Routes = {
    Menu: on_button,
    Pick: on_button,
    Card: on_button,
}
