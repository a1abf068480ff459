"""Error logging that never carries what a user wrote: the exception's type and frames only.

An exception's message may quote its input (a pydantic error's `input_value`, a YAML error's
snippet of an uploaded file, a `KeyError` of a typed-in name), and a plain `log.exception` prints
it. `error_summary` keeps what finds the bug (each exception's type, file, line, function and
source line, through its causes) and drops the messages.
"""

from __future__ import annotations

import traceback

MAX_CHAIN = 5


def error_summary(error: BaseException) -> str:
    """Type and traceback frames of an exception and of its causes, without their messages."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen and len(parts) < MAX_CHAIN:
        seen.add(id(current))
        frames = traceback.format_list(traceback.extract_tb(current.__traceback__))
        parts.append(f"{type(current).__name__} (message withheld)\n{''.join(frames)}".rstrip())
        current = current.__cause__ or current.__context__
    return "\n  caused by / while handling: ".join(parts)
