"""Where frames go: a live full-screen view on a terminal, or a plain log when output is piped.

The live view redraws only the lines that changed (cursor addressing and erase-to-end-of-line),
so a frame every fraction of a second costs a few bytes and does not flicker, and a line that
stays the same, such as a notice, is written once. The log view, for output that is not a
terminal, prints each cue and notice once as a line and nothing else.
"""

from __future__ import annotations

import shutil
from typing import Protocol, TextIO

HIDE_CURSOR = "\x1b[?25l"
SHOW_CURSOR = "\x1b[?25h"
CLEAR = "\x1b[2J\x1b[H"
BELL = "\a"


class Display(Protocol):
    """The player's output port."""

    @property
    def width(self) -> int:
        """Columns available for a frame."""
        ...

    def show(self, lines: list[str]) -> None:
        """Show a frame."""
        ...

    def cue(self, at_s: float, text: str, *, late: bool) -> None:
        """A cue fell due (the log view prints it; the live view shows it in the frame)."""
        ...

    def notice(self, text: str) -> None:
        """A one-time message (the log view prints it; the live view shows it in the frame)."""
        ...

    def bell(self) -> None:
        """Ring the terminal bell."""
        ...

    def close(self, summary: str) -> None:
        """Leave the screen usable and print the closing line."""
        ...


class LiveDisplay:
    """Full-screen frames on a terminal, redrawn line by line where they changed."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._lines: list[str] = []
        self._size: tuple[int, int] | None = None

    @property
    def width(self) -> int:
        """Columns available for a frame."""
        return shutil.get_terminal_size((80, 24)).columns

    def show(self, lines: list[str]) -> None:
        """Write only the rows that differ from the previous frame (all of them after a resize)."""
        size = tuple(shutil.get_terminal_size((80, 24)))
        lines = lines[: max(1, size[1] - 1)]  # rows past the bottom would scroll and smear
        out: list[str] = []
        if size != self._size:
            out.append(HIDE_CURSOR + CLEAR)
            self._lines = []
            self._size = (size[0], size[1])
        for row, line in enumerate(lines, start=1):
            if row > len(self._lines) or self._lines[row - 1] != line:
                out.append(f"\x1b[{row};1H{line}\x1b[K")
        for row in range(len(lines) + 1, len(self._lines) + 1):
            out.append(f"\x1b[{row};1H\x1b[K")
        self._lines = list(lines)
        if out:
            self._stream.write("".join(out))
            self._stream.flush()

    def invalidate(self) -> None:
        """Forget what is on the screen, so the next frame is drawn whole (after Ctrl-Z, fg)."""
        self._size = None

    def cue(self, at_s: float, text: str, *, late: bool) -> None:
        """Nothing to do: the frame shows the latest cue."""

    def notice(self, text: str) -> None:
        """Nothing to do: the frame shows the notices."""

    def bell(self) -> None:
        """Ring the bell."""
        self._stream.write(BELL)
        self._stream.flush()

    def close(self, summary: str) -> None:
        """Put the cursor under the last frame, show it again, and print the summary."""
        self._stream.write(f"\x1b[{len(self._lines) + 1};1H\x1b[J{SHOW_CURSOR}{summary}\n")
        self._stream.flush()


class LogDisplay:
    """Plain lines for output that is not a terminal: each cue once, with its time."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    @property
    def width(self) -> int:
        """A log has no width limit worth knowing; frames are not printed."""
        return 80

    def show(self, lines: list[str]) -> None:
        """Frames are not printed to a log."""

    def notice(self, text: str) -> None:
        """Print a notice line."""
        self._stream.write(f"{text}\n")
        self._stream.flush()

    def cue(self, at_s: float, text: str, *, late: bool) -> None:
        """Print the cue with its offset in the session."""
        mark = " (late: not spoken)" if late else ""
        whole = int(at_s + 1e-9)  # rounded down, like `guide-bot plan`
        self._stream.write(f"[{whole // 60}:{whole % 60:02d}] {text}{mark}\n")
        self._stream.flush()

    def bell(self) -> None:
        """No bell in a log."""

    def close(self, summary: str) -> None:
        """Print the summary."""
        self._stream.write(f"{summary}\n")
        self._stream.flush()
