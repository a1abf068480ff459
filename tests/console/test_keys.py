"""Key mapping, reading keys with a timeout, and the terminal always put back as it was."""

from __future__ import annotations

import os
import pty
import termios

import pytest

from guide_bot.console.keys import Action, NoKeys, TerminalKeys, actions_for, cbreak


@pytest.mark.parametrize(
    ("typed", "actions"),
    [
        (" ", [Action.TOGGLE_PAUSE]),
        ("n", [Action.SKIP]),
        ("N", [Action.SKIP]),
        ("b", [Action.BACK]),
        ("+", [Action.ADD_TIME]),
        ("=", [Action.ADD_TIME]),
        ("q", [Action.QUIT]),
        ("\x03", [Action.QUIT]),
        ("x", []),
        ("n n", [Action.SKIP, Action.TOGGLE_PAUSE, Action.SKIP]),
        # arrow keys are escape sequences: the down arrow ends in "B" but is not "back"
        ("\x1b[B\x1b[A\x1bOB", []),
        ("\x1b[1;5Bq", [Action.QUIT]),
    ],
)
def test_keys_map_to_actions(typed: str, actions: list[Action]) -> None:
    assert actions_for(typed) == actions


def test_terminal_keys_wait_times_out_then_reads_typed_keys() -> None:
    controller, terminal = pty.openpty()
    try:
        keys = TerminalKeys(terminal)
        with cbreak(terminal):
            assert keys.wait(0.01) == ""
            os.write(controller, b"n")
            assert keys.wait(1.0) == "n"
    finally:
        os.close(controller)
        os.close(terminal)


def test_cbreak_turns_echo_off_and_restores_the_terminal_even_after_an_error() -> None:
    controller, terminal = pty.openpty()
    try:
        before = termios.tcgetattr(terminal)
        assert before[3] & termios.ECHO
        seen: list[int] = []

        def interrupted() -> None:
            with cbreak(terminal):
                seen.append(termios.tcgetattr(terminal)[3])
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            interrupted()
        (lflag,) = seen
        assert not lflag & termios.ECHO
        assert not lflag & termios.ICANON
        assert lflag & termios.ISIG  # Ctrl-C still interrupts
        assert termios.tcgetattr(terminal) == before
    finally:
        os.close(controller)
        os.close(terminal)


def test_no_keys_only_waits() -> None:
    keys = NoKeys()
    assert not keys.interactive
    assert keys.wait(0.0) == ""
