"""Inline keyboards: every button the bot shows, with its packed callback payload."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from guide_bot.domain.conditions import CONDITIONS
from guide_bot.domain.routine import Length, Routine
from guide_bot.i18n import EN, Translator
from guide_bot.library.catalog import routine_ref
from guide_bot.storage.users import UserSettings
from guide_bot.telegram import texts
from guide_bot.telegram.callbacks import (
    Action,
    Card,
    Control,
    Go,
    LengthCode,
    Menu,
    Offer,
    PainAfter,
    PainBefore,
    Payload,
    Pick,
    ScreeningDone,
    ScreeningNone,
    ScreeningRedo,
    ScreeningToggle,
    SettingChoice,
    Swap,
)
from guide_bot.telegram.progress.callbacks import MyRoutines


def button(label: str, data: Payload) -> InlineKeyboardButton:
    """One button with a typed payload."""
    return InlineKeyboardButton(label, callback_data=data.pack())


def grid(buttons: Iterable[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    """Buttons laid out `width` to a row."""
    items = list(buttons)
    return [items[i : i + width] for i in range(0, len(items), width)]


def screening(chosen: Sequence[str], *, tr: Translator = EN) -> InlineKeyboardMarkup:
    """The checklist: a toggle per condition (grouped as the message lists them), None, Done."""
    t = texts.using(tr)
    rows: list[list[InlineKeyboardButton]] = []
    for kind in ("stop", "ask_first", "adapt"):
        toggles = [
            button(
                f"{'✅' if c.name in chosen else '▫️'} {t.CONDITION_BUTTONS[c.name]}",
                ScreeningToggle(c=index),
            )
            for index, c in enumerate(CONDITIONS)
            if c.kind == kind
        ]
        rows += grid(toggles, 1 if kind == "stop" else 2)
    rows.append(
        [
            button(t.SCREENING_NONE, ScreeningNone()),
            button(t.SCREENING_DONE, ScreeningDone()),
        ]
    )
    return InlineKeyboardMarkup(rows)


def screening_review(*, tr: Translator = EN) -> InlineKeyboardMarkup:
    """Under the answers: answer again, or go on to the routines."""
    t = texts.using(tr)
    return InlineKeyboardMarkup(
        [
            [button(t.SCREENING_REDO, ScreeningRedo())],
            [button(t.MENU_ALL, Menu(view="home"))],
        ]
    )


def menu(*, tr: Translator = EN) -> InlineKeyboardMarkup:
    """The ways to find a routine."""
    t = texts.using(tr)
    return InlineKeyboardMarkup(
        [
            [button(t.MENU_COMPLAINT, Menu(view="c"))],
            [button(t.MENU_AREA, Menu(view="a")), button(t.MENU_LENGTH, Menu(view="l"))],
            [button(t.MENU_TOOL, Menu(view="t")), button(t.MENU_ALL, Menu(view="all"))],
            [button(t.MENU_MINE, MyRoutines())],
        ]
    )


NAMES = {
    "c": texts.COMPLAINT_NAMES,
    "a": texts.AREA_NAMES,
    "l": texts.LENGTH_NAMES,
    "t": texts.TOOL_NAMES,
}


def choices(by: str, values: Sequence[str], *, tr: Translator = EN) -> InlineKeyboardMarkup:
    """The complaints, areas, lengths or tools that have routines, and a way back."""
    t = texts.using(tr)
    names = NAMES[by]
    labels = {v: tr.gettext(names[v]) if v in names else v for v in values}
    rows = grid((button(labels[v], Pick(by=by, value=v)) for v in values), 2)
    rows.append([button(t.BACK_TO_MENU, Menu(view="home"))])
    return InlineKeyboardMarkup(rows)


def routine_list(
    routines: Sequence[Routine],
    durations: Sequence[float],
    back: str = "home",
    *,
    tr: Translator = EN,
) -> InlineKeyboardMarkup:
    """One button per routine, opening its card."""
    t = texts.using(tr)
    rows = [
        [button(t.routine_button(r, d), Card(routine=routine_ref(r.id)))]
        for r, d in zip(routines, durations, strict=True)
    ]
    rows.append([button(t.BACK_TO_MENU, Menu(view=back))])
    return InlineKeyboardMarkup(rows)


def card(routine: Routine, *, tr: Translator = EN) -> InlineKeyboardMarkup:
    """Under a routine card: Start, and back."""
    t = texts.using(tr)
    return InlineKeyboardMarkup(
        [
            [button(t.START_BUTTON, Go(routine=routine_ref(routine.id)))],
            [button(t.BACK_TO_MENU, Menu(view="home"))],
        ]
    )


def swap(routine: Routine, *, tr: Translator = EN) -> InlineKeyboardMarkup:
    """End the current session and start this one, or keep going."""
    t = texts.using(tr)
    ref = routine_ref(routine.id)
    return InlineKeyboardMarkup(
        [
            [button(t.SWAP_YES, Swap(routine=ref, yes=True))],
            [button(t.SWAP_NO, Swap(routine=ref, yes=False))],
        ]
    )


def _pain_rows(
    make: Callable[[int], Payload], *, tr: Translator = EN
) -> list[list[InlineKeyboardButton]]:
    t = texts.using(tr)
    row1 = [button(str(n), make(n)) for n in range(6)]
    row2 = [button(str(n), make(n)) for n in range(6, 11)]
    return [row1, row2, [button(t.PAIN_SKIP, make(-1))]]


def start_offer(
    routine: Routine,
    code: LengthCode,
    ok: bool,
    lengths: Sequence[tuple[Length, LengthCode, float]],
    hands: bool | None = None,
    *,
    tr: Translator = EN,
) -> InlineKeyboardMarkup:
    """The length row (one tap changes it; the chosen one marked), then 0-10 or skip, whose
    tap starts the session in that length. `lengths`: (length, its code, its seconds).
    `hands` (a first session only; None: not offered): a toggle for hands-free delivery, which
    the pain tap carries, so the session starts fitted and hands-free alike."""
    t = texts.using(tr)
    ref = routine_ref(routine.id)
    picked = bool(hands)
    row = [
        button(
            t.length_button(length, seconds, length_code == code),
            Offer(routine=ref, length=length_code, ok=ok, hands=picked),
        )
        for length, length_code, seconds in lengths
    ]
    pain = _pain_rows(
        lambda n: PainBefore(routine=ref, pain=n, length=code, ok=ok, hands=picked), tr=tr
    )
    rows = [row, *pain] if len(row) > 1 else pain
    if hands is not None:
        toggle = button(
            t.toggle_label(t.HANDS_FREE_OFFER_BUTTON, picked),
            Offer(routine=ref, length=code, ok=ok, hands=not picked),
        )
        rows = [[toggle], *rows]
    return InlineKeyboardMarkup(rows)


def ask_first(routine: Routine, code: LengthCode, *, tr: Translator = EN) -> InlineKeyboardMarkup:
    """The confirming tap after the ask-first advice, or back to the menu."""
    t = texts.using(tr)
    ref = routine_ref(routine.id)
    return InlineKeyboardMarkup(
        [
            [button(t.ASK_FIRST_CONFIRM, Offer(routine=ref, length=code, ok=True))],
            [button(t.BACK_TO_MENU, Menu(view="home"))],
        ]
    )


def pain_after(entry_id: int, *, tr: Translator = EN) -> InlineKeyboardMarkup:
    """0-10 in one tap, or skip, for a finished session."""
    return InlineKeyboardMarkup(_pain_rows(lambda n: PainAfter(entry=entry_id, pain=n), tr=tr))


def settings(
    current: UserSettings, language: str | None, *, tr: Translator = EN
) -> InlineKeyboardMarkup:
    """The choices of /settings; the current ones are marked. `language`: the English voice's
    accent (None: no accent row, the bot speaks another language to this user)."""
    t = texts.using(tr)

    def mark(label: str, chosen: bool) -> str:
        return f"✅ {label}" if chosen else label

    modes = [
        button(mark(name, current.mode == mode), SettingChoice(key="mode", value=mode))
        for mode, name in t.MODE_NAMES.items()
    ]
    languages = [
        button(mark(name, language == code), SettingChoice(key="lang", value=code))
        for code, name in t.LANGUAGE_NAMES.items()
        if language is not None
    ]
    toggles = [
        button(
            t.toggle_label(tr.gettext("Slow speech"), current.slow),
            SettingChoice(key="slow", value="off" if current.slow else "on"),
        ),
        button(
            t.toggle_label(tr.gettext("Countdown"), current.countdown),
            SettingChoice(key="countdown", value="off" if current.countdown else "on"),
        ),
    ]
    return InlineKeyboardMarkup([*grid(modes, 2), *grid(languages, 2), toggles])


def controls(
    session_id: str,
    version: int,
    *,
    paused: bool,
    live_view: str | None = None,
    tr: Translator = EN,
) -> InlineKeyboardMarkup:
    """Pause/Resume, Skip, Back, +15 s, Stop; the payloads carry the session id and version.
    With `live_view` (the Mini App's address for this session; private chats only, as Telegram
    refuses `web_app` buttons elsewhere), a Live view button under them."""
    t = texts.using(tr)

    def ctl(label: str, action: Action) -> InlineKeyboardButton:
        return button(label, Control(action=action, sid=session_id, ver=version))

    first = ctl(t.RESUME, "resume") if paused else ctl(t.PAUSE, "pause")
    rows = [
        [first, ctl(t.SKIP, "skip"), ctl(t.BACK, "back")],
        [ctl(t.ADD_TIME, "add"), ctl(t.STOP, "stop")],
    ]
    if live_view is not None:
        rows.append([InlineKeyboardButton(t.LIVE_VIEW, web_app=WebAppInfo(live_view))])
    return InlineKeyboardMarkup(rows)


def hands_free_report(
    session_id: str, version: int, *, tr: Translator = EN
) -> InlineKeyboardMarkup:
    """Under a hands-free track: the user says how it went (that ends the session)."""
    t = texts.using(tr)
    return InlineKeyboardMarkup(
        [
            [
                button(t.HANDS_FREE_DONE, Control(action="done", sid=session_id, ver=version)),
                button(t.HANDS_FREE_QUIT, Control(action="quit", sid=session_id, ver=version)),
            ]
        ]
    )
