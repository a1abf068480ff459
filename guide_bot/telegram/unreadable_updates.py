"""Long polling that moves past an update python-telegram-bot cannot read.

When one update in a `getUpdates` answer has a field of the wrong type, `Bot.get_updates` raises
while parsing the batch, and PTB's Updater only logs it: the offset is not confirmed, so the same
batch is fetched and fails again, for ever, and no other chat's update gets through. A bad
update (a broken or hostile Bot API server, a field Telegram changed) stalls the whole bot.

`SkipUnreadableUpdatesBot` is PTB's `ExtBot` with one change on that failure path only: the batch
is fetched again as raw JSON (`do_api_request`, same offset, no long-poll wait) and parsed one
update at a time; an update that cannot be parsed is replaced by an empty `Update` with its
`update_id` (no handler matches it), so the Updater confirms it and polling goes on. The skip is
logged with the update id and the error type only, never the data.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.ext import ExtBot
from telegram.warnings import PTBUserWarning

log = logging.getLogger(__name__)


class SkipUnreadableUpdatesBot(ExtBot[Any]):
    """ExtBot whose long polling skips updates it cannot parse instead of stalling on them."""

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: Any = None,  # noqa: ASYNC109 - PTB's signature
        allowed_updates: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> tuple[Update, ...]:
        """PTB's get_updates; when the batch cannot be parsed, each update is parsed alone."""
        try:
            return await super().get_updates(
                offset=offset,
                limit=limit,
                timeout=timeout,
                allowed_updates=allowed_updates,
                **kwargs,
            )
        except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
            log.warning(
                "a getUpdates batch could not be read (%s); parsing it update by update",
                type(exc).__name__,
            )
        api_kwargs: dict[str, Any] = {"timeout": 0}
        if offset is not None:
            api_kwargs["offset"] = offset
        if limit is not None:
            api_kwargs["limit"] = limit
        if allowed_updates is not None:
            api_kwargs["allowed_updates"] = list(allowed_updates)
        with warnings.catch_warnings():
            # "use Bot.get_updates instead": that is what just failed.
            warnings.simplefilter("ignore", PTBUserWarning)
            raw = await self.do_api_request("getUpdates", api_kwargs=api_kwargs)
        return tuple(self._parse_one(item) for item in raw if _update_id(item) is not None)

    def _parse_one(self, item: Any) -> Update:
        update_id = _update_id(item)
        assert update_id is not None
        try:
            update = Update.de_json(item, self)
        except Exception as exc:
            log.warning("update %d could not be read (%s): skipped", update_id, type(exc).__name__)
            return Update(update_id)
        self.insert_callback_data(update)
        return update


def _update_id(item: Any) -> int | None:
    value = item.get("update_id") if isinstance(item, dict) else None
    return value if type(value) is int else None
