"""Checking a routine a user uploaded: untrusted bytes in, a valid routine or readable errors out.

The same schema, loader and lint as the shipped library, plus limits that only matter for a file
from a stranger: its size (checked before anything is read or parsed), how deep the YAML nests,
the id's length, how many cautions and cues it has, and how long the whole session lasts.

Ids: a user's routines live in their own namespace, addressed as `my:<id>` and stored per user,
so they can never override a library routine or another user's routine. An upload whose id is a
library routine's id is still refused, so that "neck-release" always means the same thing in
chat; an id that another user also chose is fine (and nothing about other users is revealed).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterable, Collection
from dataclasses import dataclass, field

from guide_bot.capped_read import ByteReader, TooLarge, read_capped
from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import plan
from guide_bot.library.issues import Issue
from guide_bot.library.lint import lint_routine
from guide_bot.library.loader import parse_routine

USER_PREFIX = "my:"
MAX_UPLOAD_BYTES = 64 * 1024
MAX_UPLOAD_ID_LENGTH = 40  # "my:" + id must fit in Telegram's 64-byte button data with a verb
MAX_CAUTIONS = 10
MAX_CAUTION_LENGTH = 200
MAX_CUES_PER_STEP = 10
MAX_SESSION_S = 2 * 60 * 60  # a session longer than two hours is a mistake or an attack
MAX_ROUTINES_PER_USER = 30
MAX_ECHO_CHARS = 40  # of a refused value quoted back in an error
MAX_MESSAGE_CHARS = 400  # of one problem in a chat message
_ECHO_RE = re.compile(rf"\(got (.{{{MAX_ECHO_CHARS + 1},}}?)\)(?=;|$)", re.DOTALL)


@dataclass(frozen=True, kw_only=True)
class UploadCheck:
    """What checking an upload gave: the routine when it is valid, and what was found."""

    routine: Routine | None
    text: str | None = None  # the decoded YAML, to store as sent
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the routine may be stored."""
        return self.routine is not None and not self.errors


def user_ref(routine_id: str) -> str:
    """How a user routine is addressed everywhere outside its table: `my:<id>`."""
    return f"{USER_PREFIX}{routine_id}"


def split_user_ref(ref: str) -> str | None:
    """The bare id of a `my:<id>` reference, or None for a library id."""
    return ref.removeprefix(USER_PREFIX) if ref.startswith(USER_PREFIX) else None


def size_issue(size: int | None, file: str) -> Issue | None:
    """Refuse a file by its announced size, before it is downloaded or read."""
    if size is not None and size > MAX_UPLOAD_BYTES:
        return Issue(
            file=file,
            field="(file)",
            message=f"the file is {size:,} bytes; allowed: at most {MAX_UPLOAD_BYTES:,} bytes "
            f"({MAX_UPLOAD_BYTES // 1024} KB)",
        )
    return None


UploadTooLarge = TooLarge  # raised by read_upload when the file is larger than announced


async def read_upload(
    source: ByteReader | AsyncIterable[bytes], *, limit: int = MAX_UPLOAD_BYTES
) -> bytes:
    """The bytes of an uploaded file, read in chunks and never past `limit` (+1 byte).

    The size Telegram announces (Document.file_size, File.file_size) comes from the sender and
    may be missing or wrong, so the reading itself is capped. Give it the download's stream
    (httpx's `response.aiter_bytes()` or aiohttp's `response.content`). Raises UploadTooLarge;
    answer with `size_issue(error.read, file)`.
    """
    return await read_capped(source, limit=limit)


def _decode(data: bytes, file: str) -> tuple[str | None, Issue | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return None, Issue(
            file=file, field="(file)", message="not a text file; allowed: UTF-8 YAML text"
        )


def _limits(routine: Routine, file: str, library_ids: Collection[str]) -> list[Issue]:
    found: list[Issue] = []
    if len(routine.id) > MAX_UPLOAD_ID_LENGTH:
        found.append(
            Issue(
                file=file,
                field="id",
                message=f"the id is {len(routine.id)} characters; allowed: at most "
                f"{MAX_UPLOAD_ID_LENGTH}",
            )
        )
    if routine.id in library_ids:
        found.append(
            Issue(
                file=file,
                field="id",
                message=f"{routine.id!r} is the id of a library routine; allowed: an id of your "
                "own, like 'my-neck-routine'",
            )
        )
    if len(routine.cautions) > MAX_CAUTIONS:
        found.append(
            Issue(
                file=file,
                field="cautions",
                message=f"{len(routine.cautions)} cautions; allowed: at most {MAX_CAUTIONS}",
            )
        )
    for number, caution in enumerate(routine.cautions, start=1):
        if len(caution) > MAX_CAUTION_LENGTH:
            found.append(
                Issue(
                    file=file,
                    field=f"cautions[{number}]",
                    message=f"{len(caution)} characters; allowed: at most {MAX_CAUTION_LENGTH}",
                )
            )
    for index, step in enumerate(routine.steps):
        if len(step.cues) > MAX_CUES_PER_STEP:
            found.append(
                Issue(
                    file=file,
                    step=index + 1,
                    step_title=step.title,
                    field="cues",
                    message=f"{len(step.cues)} cues; allowed: at most {MAX_CUES_PER_STEP} a step",
                )
            )
    total_s = plan(routine).total_s
    if total_s > MAX_SESSION_S:
        found.append(
            Issue(
                file=file,
                field="steps",
                message=f"the session would last {total_s / 60:.0f} minutes; allowed: at most "
                f"{MAX_SESSION_S // 60} minutes",
            )
        )
    return found


def _without_empty_steps_echo(errors: list[Issue]) -> list[Issue]:
    # pydantic counts only the steps that passed, so a file whose one step has an error also
    # gets "steps: at least 1 item, not 0"; the step's own error says what is wrong.
    if not any(issue.step is not None for issue in errors):
        return errors
    return [
        issue
        for issue in errors
        if not (
            issue.field == "steps" and issue.step is None and "at least 1 item" in issue.message
        )
    ]


def check_upload(data: bytes, *, file: str, library_ids: Collection[str]) -> UploadCheck:
    """Check an uploaded routine file; never raises on bad input."""
    too_big = size_issue(len(data), file)
    if too_big is not None:
        return UploadCheck(routine=None, errors=[too_big])
    text, problem = _decode(data, file)
    if text is None:
        return UploadCheck(routine=None, errors=[problem] if problem else [])
    routine, errors = parse_routine(text, file=file)
    if routine is None:
        return UploadCheck(routine=None, errors=_without_empty_steps_echo(errors))
    errors = _limits(routine, file, library_ids)
    if errors:
        return UploadCheck(routine=None, errors=errors)
    return UploadCheck(routine=routine, text=text, warnings=lint_routine(routine, file))


def describe(issue: Issue) -> str:
    """One problem in words for a chat message: the step and field, not the file name."""
    parts: list[str] = []
    if issue.step is not None:
        title = f" ({issue.step_title})" if issue.step_title else ""
        parts.append(f"step {issue.step}{title}")
    if not issue.field.startswith("("):
        parts.append(f"'{issue.field}'")
    where = ", ".join(parts)
    # The loader quotes the refused value; a 20,000-character title must not come back whole.
    message = _ECHO_RE.sub(lambda m: f"(got {m.group(1)[:MAX_ECHO_CHARS]}…)", issue.message)
    line = f"{where}: {message}" if where else message
    return line if len(line) <= MAX_MESSAGE_CHARS else line[: MAX_MESSAGE_CHARS - 1] + "…"
