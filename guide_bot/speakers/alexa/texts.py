"""Everything the skill says, in one place."""

from __future__ import annotations

from collections.abc import Sequence

SKILL_NAME = "Guide Bot"


def _list(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} or {names[-1]}"


def welcome(examples: Sequence[str]) -> str:
    return f"Welcome to {SKILL_NAME}. Which routine would you like? For example, {_list(examples)}."


def which_routine(examples: Sequence[str]) -> str:
    return f"Which routine? You can say, for example, {_list(examples)}."


def unknown_routine(heard: str, examples: Sequence[str]) -> str:
    return (
        f"I don't know a routine called {heard}. "
        f"You can say, for example, {_list(examples)}. Which one would you like?"
    )


def help_text(examples: Sequence[str]) -> str:
    return (
        f"{SKILL_NAME} talks you through a self-massage or stretching routine, step by step. "
        f"Say the routine you want, for example, {_list(examples)}. While it plays, you can say "
        "pause, resume, next, previous, start over or stop. Which routine would you like?"
    )


def fallback(examples: Sequence[str]) -> str:
    return f"Sorry, I didn't get that. {which_routine(examples)}"


def nothing_to_resume(examples: Sequence[str]) -> str:
    first = examples[0] if examples else "a routine's name"
    return f"There is no session to resume. Say, for example, start {first}, to begin one."


SESSION_FINISHED = "That session has finished. Say start and a routine's name to begin another."
LAST_STEP = "This is the last step."
NOT_AVAILABLE = "That doesn't apply to a guided session."
ROUTINE_GONE = "That routine is no longer in the library. Say start and a routine's name."
SOMETHING_WENT_WRONG = "Sorry, something went wrong. Please try again."
