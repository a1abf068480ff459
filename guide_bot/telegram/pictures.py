"""Step pictures in the chat: drawn once (off the event loop), uploaded once, then sent by file_id.

A picture is keyed by the routine id, the length, the conditions it was adapted to and the step
(with the step's title and `where:`, so that a changed library draws anew). The PNG bytes are
kept in a small in-memory LRU; Telegram's file_id of the first upload is kept in the media table
(storage/media.py, under a `pic:` key), so every later send is by id. A step without `where:`
has no picture (NoPicture): nothing is sent.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from weakref import WeakKeyDictionary

from telegram import InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from guide_bot.domain.routine import Routine
from guide_bot.library.body_picture import (
    NoPicture,
    render_routine_picture,
    render_step_picture,
)
from guide_bot.storage.media import MediaRepository
from guide_bot.telegram.sender import Sender

log = logging.getLogger(__name__)

RENDERED_KEEP = 64  # PNGs kept in memory (about 15 kB each)
SHOWN_KEEP = 10_000  # card messages whose picture is remembered (a few bytes each)


def picture_key(routine: Routine, index: int, length: str, conditions: Sequence[str]) -> str:
    """The cache key of one step's picture (fits the media table's 128 characters)."""
    step = routine.steps[index]
    where = step.where.model_dump(mode="json") if step.where is not None else None
    raw = json.dumps(
        [routine.id, length, sorted(conditions), index, step.title, where], sort_keys=True
    )
    return "pic:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


class _Pictures:
    """Pictures drawn once per key (off the event loop, kept in a small LRU) and uploaded once per
    key (Telegram's file_id kept in the media table), then sent by file_id."""

    what = "picture"  # for the log line when a stored file_id is refused

    def __init__(self, sender: Sender, media: MediaRepository) -> None:
        self.sender = sender
        self.media = media
        self._rendered: OrderedDict[str, bytes] = OrderedDict()

    async def _png(self, key: str, render: Callable[[], bytes]) -> bytes | None:
        """The PNG of `key`, drawn by `render` the first time; None when it raises NoPicture."""
        found = self._rendered.get(key)
        if found is not None:
            self._rendered.move_to_end(key)
            return found
        try:
            data = await asyncio.to_thread(render)
        except NoPicture:
            return None
        self._rendered[key] = data
        if len(self._rendered) > RENDERED_KEEP:
            self._rendered.popitem(last=False)
        return data

    async def _send(
        self,
        chat_id: int,
        key: str,
        render: Callable[[], bytes],
        caption: str,
        keyboard: InlineKeyboardMarkup | None = None,
        notify: bool = True,
    ) -> Message | None:
        """Send the picture of `key` by its stored file_id, or upload it (and store the new
        file_id); None when there is no picture or the send failed."""
        bot = self.sender.bot

        def send(photo: str | bytes) -> Awaitable[Message]:
            return bot.send_photo(
                chat_id,
                photo=photo,
                caption=caption,
                reply_markup=keyboard,
                disable_notification=not notify,
            )

        file_id = self.media.get(key)
        if file_id is not None:
            try:
                return await self.sender.call(
                    chat_id, "sendPhoto", lambda: send(file_id), reraise=(BadRequest,)
                )
            except BadRequest:
                log.info("stored %s file_id refused; uploading it again", self.what)
                self.media.forget(key)
        data = await self._png(key, render)
        if data is None:
            return None
        message = await self.sender.call(chat_id, "sendPhoto", lambda: send(data))
        if message is not None and message.photo:
            self.media.put(key, message.photo[-1].file_id)
        return message


class StepPictures(_Pictures):
    """Sends step pictures: rendered once per key, uploaded once per key."""

    async def send(
        self,
        chat_id: int,
        routine: Routine,
        index: int,
        caption: str,
        *,
        length: str,
        conditions: Sequence[str],
        keyboard: InlineKeyboardMarkup | None = None,
        notify: bool = True,
    ) -> Message | None:
        """Send step `index`'s picture with `caption` (HTML); None when there is none to send.
        Without `notify` it arrives silently (disable_notification)."""
        if not 0 <= index < len(routine.steps) or routine.steps[index].where is None:
            return None
        key = picture_key(routine, index, length, conditions)
        return await self._send(
            chat_id,
            key,
            lambda: render_step_picture(routine, index),
            caption,
            keyboard,
            notify,
        )


def card_picture_key(routine: Routine) -> str:
    """The cache key of a routine card's picture: every step's title and place, in order, so a
    card adapted to someone's answers (fewer or other steps) has its own numbered picture."""
    places = [
        [step.title, step.where.model_dump(mode="json") if step.where is not None else None]
        for step in routine.steps
    ]
    raw = json.dumps([routine.id, places], sort_keys=True)
    return "card:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


class CardPictures(_Pictures):
    """The picture above a routine card: every step numbered as on the card. Rendered and
    uploaded once per key; which chat message shows which card's picture is remembered (in
    memory) so that leaving the card takes its picture away."""

    what = "card picture"

    def __init__(self, sender: Sender, media: MediaRepository) -> None:
        super().__init__(sender, media)
        self._shown: OrderedDict[tuple[int, int], int] = OrderedDict()  # card -> its picture

    async def send(self, chat_id: int, routine: Routine, caption: str) -> Message | None:
        """Send the routine's picture with a short HTML caption; None when it has none or the
        send failed (the card then goes on without it)."""
        key = card_picture_key(routine)
        return await self._send(chat_id, key, lambda: render_routine_picture(routine), caption)

    def shown(self, chat_id: int, card_message_id: int, picture_message_id: int) -> None:
        """Remember that this card message has this picture above it."""
        self._shown[(chat_id, card_message_id)] = picture_message_id
        if len(self._shown) > SHOWN_KEEP:
            self._shown.popitem(last=False)

    def taken_away(self, chat_id: int, card_message_id: int) -> int | None:
        """The picture message of a card that is being left (forgotten here), or None."""
        return self._shown.pop((chat_id, card_message_id), None)


_BY_MEDIA: WeakKeyDictionary[MediaRepository, StepPictures] = WeakKeyDictionary()
_CARDS_BY_MEDIA: WeakKeyDictionary[MediaRepository, CardPictures] = WeakKeyDictionary()


def pictures_for(sender: Sender, media: MediaRepository) -> StepPictures:
    """The one StepPictures of this bot (its media table), made on first use."""
    found = _BY_MEDIA.get(media)
    if found is None:
        found = _BY_MEDIA[media] = StepPictures(sender, media)
    return found


def card_pictures_for(sender: Sender, media: MediaRepository) -> CardPictures:
    """The one CardPictures of this bot (its media table), made on first use."""
    found = _CARDS_BY_MEDIA.get(media)
    if found is None:
        found = _CARDS_BY_MEDIA[media] = CardPictures(sender, media)
    return found
