"""Key input: which key does what, raw (cbreak) terminal mode, and waiting for a key or a time.

Keys are read one character at a time with echo off, through `select` on stdin, so the player
loop can wait for "a key or the next deadline, whichever comes first". The terminal settings
are saved before and restored on every way out: normal end, an exception, Ctrl-C (cbreak mode
keeps Ctrl-C as an interrupt; a literal ^C byte is also read as "stop").
When stdin is not a terminal, the player runs without keys and only waits for time.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import signal
import termios
import time
import tty
from collections.abc import Callable, Iterator
from enum import StrEnum
from types import FrameType
from typing import Protocol

from guide_bot.domain.wording import N_


class Action(StrEnum):
    """What a key asks the session to do."""

    TOGGLE_PAUSE = "pause/resume"
    SKIP = "skip"
    BACK = "back"
    ADD_TIME = "add 15 s"
    QUIT = "stop"


KEYMAP: dict[str, Action] = {
    " ": Action.TOGGLE_PAUSE,
    "p": Action.TOGGLE_PAUSE,
    "n": Action.SKIP,
    "b": Action.BACK,
    "+": Action.ADD_TIME,
    "=": Action.ADD_TIME,  # the unshifted "+" key on many keyboards
    "q": Action.QUIT,
    "\x03": Action.QUIT,  # Ctrl-C arriving as a byte
    "\x04": Action.QUIT,  # Ctrl-D
}
KEY_HELP = N_("space pause/resume · n skip · b back · + add 15 s · q stop")

# Arrow keys, function keys and the like arrive as escape sequences: none of them is a command,
# and their letters ("\x1b[B" is the down arrow) must not be read as "b".
_ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|O.|.)?", re.DOTALL)


def actions_for(chars: str) -> list[Action]:
    """The actions typed in a chunk of input, in order; unknown keys and escapes are ignored."""
    plain = _ESCAPE_SEQUENCE.sub("", chars)
    return [KEYMAP[c] for c in plain.lower() if c in KEYMAP]


class KeySource(Protocol):
    """Waits up to a timeout for typed keys; returns the characters, or "" on timeout."""

    @property
    def interactive(self) -> bool:
        """Whether keys can be read at all."""
        ...

    def wait(self, timeout: float) -> str:
        """Characters typed within `timeout` seconds ("" if none)."""
        ...


class TerminalKeys:
    """Reads keys from a terminal file descriptor already in cbreak mode."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    @property
    def interactive(self) -> bool:
        """Always true: this is a terminal."""
        return True

    def wait(self, timeout: float) -> str:
        """Wait with select; read whatever was typed (a paste or an escape sequence at once)."""
        ready, _, _ = select.select([self._fd], [], [], max(0.0, timeout))
        if not ready:
            return ""
        data = os.read(self._fd, 64)
        if not data:  # the terminal went away: behave as if "q" was typed
            return "q"
        return data.decode("utf-8", "replace")


class NoKeys:
    """Stdin is not a terminal: nothing to read, only time passes."""

    @property
    def interactive(self) -> bool:
        """Always false."""
        return False

    def wait(self, timeout: float) -> str:
        """Sleep for the timeout; the loop's next deadline is what it waits for."""
        time.sleep(max(0.0, timeout))
        return ""


@contextlib.contextmanager
def cbreak(fd: int, on_resume: Callable[[], None] | None = None) -> Iterator[None]:
    """Put a terminal in cbreak mode (keys one at a time, no echo), restoring it on any exit.

    Ctrl-Z hands the shell its terminal back as it was; after `fg` cbreak mode is set again and
    `on_resume` runs (the player redraws its whole screen). Time runs on while suspended, as on
    a wall clock: cues that fell due meanwhile are shown, not spoken.
    """
    saved = termios.tcgetattr(fd)

    def suspend(signum: int, frame: FrameType | None) -> None:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTSTP)  # stops here until `fg`
        signal.signal(signal.SIGTSTP, suspend)
        tty.setcbreak(fd, termios.TCSANOW)
        if on_resume is not None:
            on_resume()

    previous = signal.signal(signal.SIGTSTP, suspend)
    try:
        tty.setcbreak(fd, termios.TCSANOW)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        signal.signal(signal.SIGTSTP, previous)
