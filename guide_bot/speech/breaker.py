"""Remembering that Google's speech cannot be reached, so that nobody waits for it again and again.

Without a network, every gTTS probe costs its retries (about 1.5-2 s) before espeak-ng takes
over. `Breaker` is a circuit breaker with a cool-down: one failed probe (after its own retries)
opens it for `cooldown_s`, during which `auto` goes straight to espeak-ng; after the cool-down one
probe is let through, and its outcome closes or re-opens the breaker. Time is passed in (seconds
since the epoch, as `Clock.now()` gives), so tests move a fake clock.

The state can be kept in a `BreakerStore`: the command line keeps it in a small JSON file in the
audio cache folder (`FileBreakerStore`), so that the next command also skips the probe; the bot
keeps it in memory.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

DEFAULT_COOLDOWN_S = 10 * 60.0
STATE_FILE = "speech-reachability.json"  # in the audio cache folder, beside its entry folders


@dataclass(frozen=True, slots=True)
class BreakerState:
    """Open until `open_until` (epoch seconds) because of `reason`; closed when None."""

    open_until: float | None = None
    reason: str = ""
    since: float | None = None


class BreakerStore(Protocol):
    """Where a breaker keeps its state between processes."""

    def load(self) -> BreakerState:
        """The saved state (closed when there is none or it cannot be read)."""
        ...

    def save(self, state: BreakerState) -> None:
        """Keep the state; a failure to save is not an error (the breaker still works)."""
        ...


class MemoryStore:
    """State kept in this process only."""

    def __init__(self) -> None:
        self._state = BreakerState()

    def load(self) -> BreakerState:
        """The state last saved."""
        return self._state

    def save(self, state: BreakerState) -> None:
        """Keep it."""
        self._state = state


class FileBreakerStore:
    """State in a small JSON file, written atomically; a missing or broken file means closed."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> BreakerState:
        """The state in the file, or closed."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            open_until = data.get("open_until")
            since = data.get("since")
            return BreakerState(
                open_until=float(open_until) if open_until is not None else None,
                reason=str(data.get("reason", ""))[:200],
                since=float(since) if since is not None else None,
            )
        except (OSError, ValueError, TypeError, AttributeError):
            return BreakerState()

    def save(self, state: BreakerState) -> None:
        """Write the state next to the cache entries (skipped with a log line on failure)."""
        data = {"open_until": state.open_until, "reason": state.reason, "since": state.since}
        temp: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle)
            os.replace(temp, self.path)
        except OSError as exc:
            log.warning("cannot keep the speech reachability state: %s", exc.strerror)
            if temp is not None:
                with contextlib.suppress(OSError):
                    Path(temp).unlink(missing_ok=True)


class Breaker:
    """A circuit breaker for one remote engine: open for a cool-down after a failure."""

    def __init__(
        self, store: BreakerStore | None = None, *, cooldown_s: float = DEFAULT_COOLDOWN_S
    ) -> None:
        self.store: BreakerStore = store or MemoryStore()
        self.cooldown_s = cooldown_s

    def state(self) -> BreakerState:
        """The current state, as stored."""
        return self.store.load()

    def allows(self, now: float) -> bool:
        """Whether a probe may be tried at `now` (closed, or the cool-down is over)."""
        state = self.store.load()
        return state.open_until is None or now >= state.open_until

    def failed(self, now: float, reason: str) -> BreakerState:
        """A probe failed at `now`: open for a cool-down (from now)."""
        previous = self.store.load()
        since = previous.since if previous.open_until is not None else now
        state = BreakerState(open_until=now + self.cooldown_s, reason=reason, since=since)
        self.store.save(state)
        return state

    def succeeded(self) -> None:
        """A probe worked: closed."""
        if self.store.load().open_until is not None:
            self.store.save(BreakerState())
