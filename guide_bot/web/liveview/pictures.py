"""The step picture of the live view: a signed, versioned link, and the PNGs behind it.

A snapshot answered to the session's owner (valid initData) names the shown step's picture by
its version (a hash of what is drawn: the step's title, its `where:` and whether it is
one-sided) and hands out `api/picture/<version>?sig=<hmac>`. The server remembers what each
version draws when it answers the snapshot, and draws it once with the same renderer as the chat
(library/body_picture.py), off the event loop; the PNG is kept in a small LRU. The link carries
no user data and its content never changes, so the browser may cache it for good.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
from collections import OrderedDict

from guide_bot.library.body_picture import render_where
from guide_bot.web.liveview.ports import LivePicture

_VERSION_RE = re.compile(r"[0-9a-f]{32}")
_SIG_CHARS = 32
KEEP = 64  # pictures remembered and PNGs kept (about 15 kB each)


class PictureLinks:
    """Makes and checks the `api/picture/<version>?sig=<hmac>` links of one bot."""

    def __init__(self, bot_token: str) -> None:
        self._key = hmac.new(
            bot_token.encode("utf-8"), b"guide-bot live view picture links", hashlib.sha256
        ).digest()

    def sig(self, version: str) -> str:
        """The signature of a picture version."""
        digest = hmac.new(self._key, version.encode("ascii"), hashlib.sha256).hexdigest()
        return digest[:_SIG_CHARS]

    def url(self, version: str) -> str:
        """The page-relative URL of a picture."""
        return f"api/picture/{version}?sig={self.sig(version)}"

    def valid(self, version: str, sig: str) -> bool:
        """Whether `sig` signs `version` (constant-time) and the version looks like one."""
        if not _VERSION_RE.fullmatch(version) or not sig.isascii():
            return False
        return hmac.compare_digest(self.sig(version), sig)


class StepPictures:
    """What each handed-out version draws, and its PNG once drawn (both bounded LRUs)."""

    def __init__(self, keep: int = KEEP) -> None:
        self.keep = keep
        self._known: OrderedDict[str, LivePicture] = OrderedDict()
        self._png: OrderedDict[str, bytes] = OrderedDict()
        self.drawn = 0  # how many times the renderer ran (tests read it)

    def remember(self, picture: LivePicture) -> None:
        """Note a version handed out in a snapshot, so that its link can be drawn."""
        self._known[picture.version] = picture
        self._known.move_to_end(picture.version)
        while len(self._known) > self.keep:
            self._known.popitem(last=False)

    async def png(self, version: str) -> bytes | None:
        """The PNG of a version handed out lately; None for one never (or long ago) seen."""
        found = self._png.get(version)
        if found is not None:
            self._png.move_to_end(version)
            return found
        picture = self._known.get(version)
        if picture is None:
            return None
        data = await asyncio.to_thread(
            render_where, picture.where, title=picture.title, one_sided=picture.one_sided
        )
        self.drawn += 1
        self._png[version] = data
        while len(self._png) > self.keep:
            self._png.popitem(last=False)
        return data
