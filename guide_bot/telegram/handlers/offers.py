"""Offering to start a routine: the pain rating that starts it, or first the question whether to
end the session in progress; and the answer to an unknown routine id. Used by /start, /session,
the Start button, a reminder's Start now and the end of the screening. Hands-free delivery is
chosen in /settings; its sessions are fitted the same way.

The offer is fitted to the user first (handlers/fitting.py): a `stop` condition refuses with its
advice, an `ask_first` one shows its advice and waits for the confirming tap, and the offer
itself has a row of lengths (one tap changes it) above the pain rating, and lists what the
adaptation changed and why (in a group chat only that something changed: health data stays in
the private chat).
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from guide_bot.domain.routine import Length, Routine
from guide_bot.i18n import Translator
from guide_bot.telegram import keyboards, texts
from guide_bot.telegram.callbacks import LengthCode
from guide_bot.telegram.context import Services
from guide_bot.telegram.handlers.browse import list_view
from guide_bot.telegram.handlers.common import tr_of
from guide_bot.telegram.handlers.fitting import CODES, Fitted, fit, lengths_offered, pick_length
from guide_bot.telegram.pictures import pictures_for


def fitted_for(user_id: int, routine: Routine, code: str | None, services: Services) -> Fitted:
    """The routine fitted to this user's screening answers in the length of `code`, in the
    user's language."""
    user = services.users.get(user_id)
    conditions = (user.screening or ()) if user is not None else ()
    tr = tr_of(user_id, services)
    routine = services.catalog.localized(routine, tr.code)
    return fit(routine, conditions, pick_length(routine, code), tr)


def length_choices(
    user_id: int, routine: Routine, fitted: Fitted, services: Services
) -> list[tuple[Length, LengthCode, float]]:
    """Each length the routine has (and the answers leave a step in), with its seconds."""
    user = services.users.get(user_id)
    conditions = (user.screening or ()) if user is not None else ()
    return lengths_offered(routine, conditions, services.catalog.duration_s, fitted.length)


async def _show(
    chat_id: int,
    message_id: int | None,
    text: str,
    keyboard: InlineKeyboardMarkup | None,
    services: Services,
) -> None:
    if message_id is None:
        await services.sender.text(chat_id, text, keyboard)
    else:
        await services.sender.edit_text(chat_id, message_id, text, keyboard)


async def offer_start(
    chat_id: int,
    user_id: int,
    routine: Routine,
    services: Services,
    *,
    code: str | None = None,
    ok: bool = False,
    message_id: int | None = None,
    hands: bool = False,
) -> None:
    """Ask for the pain rating that starts the routine, or first whether to end the current one.

    `code`: the length picked (q, s, f; the default length when None); `ok`: the user confirmed
    the ask-first advice; `message_id`: edit that message (a tap on the offer) instead of sending;
    `hands`: hands-free is picked on a first session's offer (the toggle shows only then).
    """
    sender = services.sender
    sessions = services.sessions
    tr = tr_of(user_id, services)
    t = texts.using(tr)
    title = services.catalog.localized(routine, tr.code).title
    live = sessions.get(chat_id)
    if live is None and sessions.busy(chat_id):
        return  # a session is being started in this chat right now
    if live is not None:
        text = t.SWAP_QUESTION.format(
            current=texts.escape(live.routine.title), new=texts.escape(title)
        )
        await sender.text(chat_id, text, keyboards.swap(routine, tr=tr))
        return
    fitted = fitted_for(user_id, routine, code, services)
    private = chat_id == user_id
    chosen = CODES[fitted.length]
    if fitted.refusals:
        text = t.refusal_text(title, fitted.refusals, private=private)
        await _show(chat_id, message_id, text, None, services)
        return
    if fitted.ask_first and not ok:
        text = t.ask_first_text(title, fitted.ask_first, private=private)
        markup = keyboards.ask_first(routine, chosen, tr=tr)
        await _show(chat_id, message_id, text, markup, services)
        return
    played = fitted.adaptation.routine
    assert played is not None  # not refused
    lengths = length_choices(user_id, routine, fitted, services)
    length = tr.t(
        "{length}: about {duration}",
        length=t.LENGTH_WORDS[fitted.length],
        duration=t.minutes(services.catalog.duration_s(played)),
    )
    lines = [
        f"<b>{texts.escape(title)}</b>",
        f"⏱ {length}",
        *t.changes_lines(fitted.changes, private=private),
    ]
    offer_hands = first_session(user_id, services)
    if offer_hands:
        lines += ["", t.HANDS_FREE_OFFER]
    lines += ["", t.PAIN_BEFORE]
    markup = keyboards.start_offer(
        routine, chosen, ok, lengths, hands=hands if offer_hands else None, tr=tr
    )
    if message_id is None:  # a new offer: first where step 1 works
        await _first_picture(chat_id, played, fitted, services, tr=tr)
    await _show(chat_id, message_id, "\n".join(lines), markup, services)


def first_session(user_id: int, services: Services) -> bool:
    """Whether hands-free is offered: the user has no session in the history yet and has not
    chosen it already (in /settings)."""
    user = services.users.get(user_id)
    if user is not None and user.settings.mode == "hands":
        return False
    return not services.history.recent(user_id, limit=1)


async def _first_picture(
    chat_id: int, played: Routine, fitted: Fitted, services: Services, *, tr: Translator
) -> None:
    """The picture of where the first step works (none for a step without `where:`)."""
    pictures = pictures_for(services.sender, services.media)
    caption = texts.first_step_caption(played.steps[0].title, tr=tr)
    await pictures.send(
        chat_id,
        played,
        0,
        caption,
        length=fitted.choice.length,
        conditions=fitted.choice.conditions,
    )


async def unknown_routine(chat_id: int, user_id: int, ref: str, services: Services) -> None:
    """Say the routine is unknown and show the list."""
    _title, markup = list_view(user_id, "all", None, services)
    tr = tr_of(user_id, services)
    intro = tr.t(texts.UNKNOWN_ROUTINE, ref=texts.escape(ref[:64]))
    await services.sender.text(chat_id, intro, markup)
