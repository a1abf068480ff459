"""The chat as a front end of speaker sessions: one message per session follows its speaker.

`SpeakerChat` remembers which chat (and person) started a session on which speaker, and edits
that chat's message when the speaker's session changes in a way a person would notice (phase,
step or side), never more often than Telegram allows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from guide_bot.i18n import DEFAULT_LANGUAGE, EN, Translator, translator
from guide_bot.speakers.speaker_status import Phase, SpeakerStatus
from guide_bot.telegram.keyboards import button
from guide_bot.telegram.sender import Sender
from guide_bot.telegram.speakers import texts
from guide_bot.telegram.speakers.callbacks import SpeakerAction, SpeakerControl
from guide_bot.telegram.texts.bound import bound

log = logging.getLogger(__name__)


@dataclass
class Followed:
    """A speaker session shown in a chat."""

    chat_id: int
    user_id: int
    n: int  # the speaker's place in the allowed list
    message_id: int | None = None
    shown: tuple[object, ...] = ()
    language: str = DEFAULT_LANGUAGE  # the language of the one who started it


def controls(status: SpeakerStatus, n: int, *, tr: Translator = EN) -> InlineKeyboardMarkup | None:
    """The buttons under the message: none once the session is over."""
    if status.phase.closed:
        return None
    paused = status.phase in (Phase.PAUSED, Phase.INTERRUPTED)

    def ctl(label: str, action: SpeakerAction) -> InlineKeyboardButton:
        return button(label, SpeakerControl(action=action, n=n))

    t = bound(tr, texts)
    first = ctl(t.RESUME if paused else t.PAUSE, "toggle")
    return InlineKeyboardMarkup(
        [
            [first, ctl(t.PREVIOUS, "previous"), ctl(t.NEXT, "next")],
            [ctl(t.ADD, "add_time"), ctl(t.STOP, "stop")],
        ]
    )


def _noticeable(status: SpeakerStatus) -> tuple[object, ...]:
    return (status.phase, status.reading.step, status.reading.side, status.message)


class SpeakerChat:
    """Speaker sessions started from chats, and the message that follows each."""

    def __init__(self, sender: Sender) -> None:
        self._sender = sender
        self.followed: dict[str, Followed] = {}  # entity id -> where it is shown

    def follow(
        self, entity: str, chat_id: int, user_id: int, n: int, language: str = DEFAULT_LANGUAGE
    ) -> Followed:
        """Show this speaker's session in this chat from now on, in `language`."""
        self.followed[entity] = Followed(chat_id=chat_id, user_id=user_id, n=n, language=language)
        return self.followed[entity]

    async def show(self, entity: str, status: SpeakerStatus) -> None:
        """Send the following message (first time) or edit it (a noticeable change)."""
        shown = self.followed.get(entity)
        if shown is None:
            return
        key = _noticeable(status)
        if key == shown.shown:
            return
        shown.shown = key
        tr = translator(shown.language)
        text, keyboard = texts.status_message(status, tr=tr), controls(status, shown.n, tr=tr)
        if shown.message_id is None:
            message = await self._sender.text(shown.chat_id, text, keyboard)
            shown.message_id = message.message_id if message else None
        else:
            await self._sender.edit_text(shown.chat_id, shown.message_id, text, keyboard)
        if status.phase.closed:
            self.followed.pop(entity, None)

    async def changed(self, entity: str, status: SpeakerStatus) -> None:
        """The speaker sessions' observer (SpeakerSessions.on_change)."""
        try:
            await self.show(entity, status)
        except Exception as exc:  # one chat's trouble never stops the speaker
            log.warning("speaker message for a chat failed: %s", type(exc).__name__)
