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
from guide_bot.telegram import keyboards, texts
from guide_bot.telegram.callbacks import Card, Menu, Pick
from guide_bot.telegram.context import AnyHandler, BotContext, Services
from guide_bot.telegram.handlers.common import Press, current_user
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
    fitted = fit(routine, (user.screening or ()) if user else (), pick_length(routine, None))
    private = chat_id is None or chat_id == user_id
    played = fitted.adaptation.routine
    if played is None:
        card = texts.routine_card(routine, services.catalog.duration_s(routine), private=private)
        return card, routine
    card = texts.routine_card(
        played,
        services.catalog.duration_s(played),
        changes=fitted.changes,
        private=private,
    )
    return card, played


async def show_card(press: Press, routine: Routine, services: Services) -> None:
    """The card with its picture above it, in place of the list it was picked from."""
    chat_id, sender = press.chat_id, services.sender
    text, shown = fitted_card(press.user_id, routine, services, chat_id)
    pictures = card_pictures_for(sender, services.media)
    caption = texts.CARD_PICTURE_CAPTION.format(title=texts.escape(shown.title))
    picture = await pictures.send(chat_id, shown, caption)
    if picture is None:  # no step on the body map, or the photo failed: the card as before
        await sender.edit_text(chat_id, press.message_id, text, keyboards.card(routine))
        return
    card = await sender.text(chat_id, text, keyboards.card(routine))
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
    if value is None:
        routines, title, back = catalog.routines(user_id), texts.ALL_ROUTINES, "home"
    else:
        routines = catalog.filtered(user_id, by, value)
        name = keyboards.NAMES[by].get(value, value)
        title, back = texts.ROUTINES_FOR.format(what=name), by
    if not routines:
        return texts.NO_ROUTINES, keyboards.menu()
    durations = [catalog.duration_s(r) for r in routines]
    return title, keyboards.routine_list(routines, durations, back)


async def send_menu(chat_id: int, services: Services) -> None:
    """The ways to find a routine."""
    await services.sender.text(chat_id, texts.CHOOSE, keyboards.menu())


async def routines_cmd(update: Update, context: BotContext) -> None:
    services = context.services
    user = current_user(update, services)
    if user is not None:
        await send_menu(user.chat_id, services)


async def on_button(data: Menu | Pick | Card, press: Press, context: BotContext) -> None:
    services = context.services
    chat_id, user_id = press.chat_id, press.user_id
    sender = services.sender
    message_id = press.message_id
    if isinstance(data, Menu):
        await sender.answer(press.query_id)
        await _leave_card(press, services)
        if data.view == "home":
            await sender.edit_text(chat_id, message_id, texts.CHOOSE, keyboards.menu())
        elif data.view == "all":
            text, markup = list_view(user_id, "all", None, services)
            await sender.edit_text(chat_id, message_id, text, markup)
        else:
            values = services.catalog.values(user_id, data.view)
            await sender.edit_text(
                chat_id,
                message_id,
                PICK_PROMPTS[data.view],
                keyboards.choices(data.view, values),
            )
    elif isinstance(data, Pick):
        await sender.answer(press.query_id)
        text, markup = list_view(user_id, data.by, data.value, services)
        await sender.edit_text(chat_id, message_id, text, markup)
    elif isinstance(data, Card):
        routine = services.catalog.find(user_id, data.routine)
        if routine is None:
            await sender.answer(press.query_id, texts.INVALID_BUTTON)
            return
        await sender.answer(press.query_id)
        await show_card(press, routine, services)
    else:
        await sender.answer(press.query_id, texts.INVALID_BUTTON)


HANDLERS: list[AnyHandler] = [
    CommandHandler("routines", routines_cmd),
]


BUTTONS: Routes = {
    Menu: on_button,
    Pick: on_button,
    Card: on_button,
}
