"""Callback data of inline buttons: small typed payloads, packed into Telegram's 64 bytes.

Every button carries `prefix:field:field...`. Parsing looks the prefix up, checks the number of
fields and validates them with pydantic; anything else (an old format, a forged or truncated
string) parses to None, and the handler answers it briefly without changing anything. Other
features define their own payloads with `@payload("prefix")`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

MAX_CALLBACK_BYTES = 64
SEPARATOR = ":"

RoutineRefStr = Annotated[
    str, Field(pattern=r"^(?:[a-z0-9]+(?:-[a-z0-9]+)*|~[0-9a-f]{16})$", max_length=40)
]
SessionIdStr = Annotated[str, Field(pattern=r"^[0-9a-f]{8}$")]
Pain = Annotated[int, Field(ge=-1, le=10)]  # -1: the user skipped the rating


class Payload(BaseModel):
    """A button's data; subclasses list their fields in packing order."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    prefix: ClassVar[str] = ""
    # trailing fields added later, with defaults: buttons sent before still parse without them
    optional_tail: ClassVar[int] = 0

    def pack(self) -> str:
        """The callback_data string; refuses to build one Telegram would reject."""
        parts = [self.prefix]
        for name in type(self).model_fields:
            value = getattr(self, name)
            parts.append(str(int(value)) if isinstance(value, bool) else str(value))
        data = SEPARATOR.join(parts)
        if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback data longer than {MAX_CALLBACK_BYTES} bytes: {data!r}")
        return data


_REGISTRY: dict[str, type[Payload]] = {}
P = TypeVar("P", bound=type[Payload])


def payload(prefix: str) -> Callable[[P], P]:
    """Register a payload class under a prefix (unique, without the separator)."""

    def register(cls: P) -> P:
        if SEPARATOR in prefix or prefix in _REGISTRY:
            raise ValueError(f"bad or duplicate callback prefix {prefix!r}")
        cls.prefix = prefix
        _REGISTRY[prefix] = cls
        return cls

    return register


def parse(data: str | None) -> Payload | None:
    """The payload in a button's data, or None if it is unknown, malformed or forged."""
    if not data or len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        return None
    prefix, *values = data.split(SEPARATOR)
    cls = _REGISTRY.get(prefix)
    if cls is None:
        return None
    count = len(cls.model_fields)
    if not count - cls.optional_tail <= len(values) <= count:
        return None
    try:
        return cls.model_validate(dict(zip(cls.model_fields, values, strict=False)))
    except ValidationError:
        return None


@payload("scr")
class ScreeningToggle(Payload):
    """Tick or untick condition `c` (its index in domain.conditions.CONDITIONS) on the checklist."""

    c: int = Field(ge=0, le=40)


@payload("scr0")
class ScreeningNone(Payload):
    """ "None of these": untick everything and store the answers."""


@payload("scr.")
class ScreeningDone(Payload):
    """Store the ticked conditions."""


@payload("scr!")
class ScreeningRedo(Payload):
    """Answer the screening again."""


@payload("menu")
class Menu(Payload):
    """Open a way to find a routine: by complaint, area, length or tool, all, or the start."""

    view: Literal["home", "c", "a", "l", "t", "all"]


@payload("pick")
class Pick(Payload):
    """The routines for one complaint, area, length or tool."""

    by: Literal["c", "a", "l", "t"]
    value: Annotated[str, Field(pattern=r"^[a-z0-9-]{1,30}$")]


@payload("card")
class Card(Payload):
    """Show a routine's card."""

    routine: RoutineRefStr


@payload("go")
class Go(Payload):
    """Start a routine (asks for the pain rating, or first whether to end the current one)."""

    routine: RoutineRefStr


@payload("swap")
class Swap(Payload):
    """End the session in progress and start another (yes), or keep the current one (no)."""

    routine: RoutineRefStr
    yes: bool


LengthCode = Literal["q", "s", "f"]  # quick, standard, full (domain.routine.LENGTHS)


@payload("off")
class Offer(Payload):
    """Show the start offer of a routine in one length; `ok`: the user confirmed that they asked
    a clinician (the ask-first conditions of their screening)."""

    routine: RoutineRefStr
    length: LengthCode
    ok: bool
    hands: bool = False  # a first session: the user picked hands-free delivery on the offer

    optional_tail: ClassVar[int] = 1  # `hands`, added after offers without it were sent


@payload("pb")
class PainBefore(Payload):
    """Pain rating before a session; -1 to skip; starts the session in the length chosen."""

    routine: RoutineRefStr
    pain: Pain
    length: LengthCode = "s"
    ok: bool = False
    hands: bool = False  # start it hands-free (picked on a first session's offer)

    optional_tail: ClassVar[int] = 1  # `hands`, added after offers without it were sent


@payload("pa")
class PainAfter(Payload):
    """Pain rating after a session, for its history entry; -1 to skip."""

    entry: int = Field(ge=1)
    pain: Pain


Action = Literal["pause", "resume", "skip", "back", "add", "stop", "done", "quit"]


@payload("ctl")
class Control(Payload):
    """A session control; `sid` and `ver` tell a current button from an old one."""

    action: Action
    sid: SessionIdStr
    ver: int = Field(ge=0, le=10**9)


@payload("set")
class SettingChoice(Payload):
    """A choice in /settings."""

    key: Literal["mode", "lang", "slow", "countdown"]
    value: Annotated[str, Field(pattern=r"^[a-z-]{1,10}$")]
