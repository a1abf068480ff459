"""Loading routine files into validated `Routine` objects, with errors a person can act on.

Every error names the file, the step (number and title) and the field, and says what is allowed
(the wording lives in messages.py). A file with any error is refused as a whole; the other files
still load.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from guide_bot.domain.routine import Routine
from guide_bot.library.issues import Issue
from guide_bot.library.messages import (
    MAPPING_NEEDED,
    describe,
    issues_from_validation,
    plain_errors,
)
from guide_bot.library.plain_data import is_under, plain_data
from guide_bot.library.translations import Translations, load_translations
from guide_bot.library.yaml_source import RoutineYamlError, parse_yaml
from guide_bot.paths import is_shipped

__all__ = [
    "ROUTINE_SUFFIXES",
    "LoadResult",
    "issues_from_validation",
    "load_routines",
    "parse_routine",
    "routine_files",
]

ROUTINE_SUFFIXES = (".yaml", ".yml")
log = logging.getLogger(__name__)


@dataclass
class LoadResult:
    """What loading a set of files gave: the valid routines and the problems found."""

    routines: dict[str, Routine] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    errors: list[Issue] = field(default_factory=list)
    # The routines in the other languages, from translations/<code>/<id>.yaml beside them.
    translations: Translations = field(default_factory=Translations)


def parse_routine(
    text: str, *, file: str, expected_id: str | None = None, shipped: bool = False
) -> tuple[Routine | None, list[Issue]]:
    """Validate routine YAML text; `expected_id` is the id its file name demands; `shipped`: a
    file of the package's own library (read with the fast parser, yaml_source.py)."""
    try:
        data = parse_yaml(text, shipped=shipped)
    except RoutineYamlError as exc:
        return None, [Issue(file=file, field="(yaml)", message=str(exc))]
    if data is None:
        return None, [
            Issue(
                file=file, field="(file)", message=f"the file is empty; allowed: {MAPPING_NEEDED}"
            )
        ]
    if not isinstance(data, Mapping):
        return None, [
            Issue(
                file=file,
                field="(file)",
                message=f"the top level is {describe(data)}, not a mapping; "
                f"allowed: {MAPPING_NEEDED}",
            )
        ]
    data, not_plain = plain_data(data)
    issues = issues_from_validation(plain_errors(not_plain), data, file) if not_plain else []
    routine: Routine | None = None
    try:
        routine = Routine.model_validate(data)
    except ValidationError as exc:
        # The schema's errors under a refused value only repeat that it is missing now.
        issues.extend(
            issues_from_validation(exc, data, file, keep=lambda loc: not is_under(loc, not_plain))
        )
    if routine is None or issues:
        return None, issues
    if expected_id is not None and routine.id != expected_id:
        return None, [
            Issue(
                file=file,
                field="id",
                message=(
                    f"the id {routine.id!r} differs from the file name; "
                    f"allowed: the file name without .yaml, {expected_id!r}"
                ),
            )
        ]
    return routine, []


def routine_files(paths: Iterable[Path]) -> list[Path]:
    """The routine files named by paths: files as given, folders by their *.yaml files."""
    found: dict[Path, None] = {}  # ordered and without repeats: a file named twice loads once
    for path in paths:
        if path.is_dir():
            found.update(
                dict.fromkeys(sorted(p for p in path.iterdir() if p.suffix in ROUTINE_SUFFIXES))
            )
        else:
            found[path] = None
    return list(found)


def load_routines(paths: Iterable[Path]) -> LoadResult:
    """Load and validate every routine file under the given files and folders, and their
    translations (a refused translation is an error; its routine still loads)."""
    paths = list(paths)
    result = LoadResult()
    for path in routine_files(paths):
        name = str(path)
        try:
            text = path.read_text(encoding="utf-8-sig")  # a byte-order mark is not content
        except FileNotFoundError:
            result.errors.append(
                Issue(
                    file=name,
                    field="(file)",
                    message="no such file or folder; allowed: a routine file (.yaml or .yml) "
                    "or a folder of them",
                )
            )
            continue
        except UnicodeDecodeError as exc:
            result.errors.append(
                Issue(
                    file=name,
                    field="(file)",
                    message=f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at position "
                    f"{exc.start}); allowed: a text file saved as UTF-8",
                )
            )
            continue
        except OSError as exc:
            result.errors.append(
                Issue(file=name, field="(file)", message=f"cannot read: {exc.strerror or exc}")
            )
            continue
        try:
            routine, problems = parse_routine(
                text, file=name, expected_id=path.stem, shipped=is_shipped(path)
            )
        except Exception as exc:  # a last guard: one bad file must never stop the bot starting
            log.error("routine file %s: unexpected %s while checking it", name, type(exc).__name__)
            problems = [
                Issue(
                    file=name,
                    field="(file)",
                    message=f"could not be checked ({type(exc).__name__}); allowed: a routine "
                    "file as in docs/routines.md (please report this file)",
                )
            ]
            routine = None
        if routine is None:
            result.errors.extend(problems)
            continue
        if routine.id in result.routines:
            first = result.files[routine.id]
            result.errors.append(
                Issue(
                    file=name,
                    field="id",
                    message=f"duplicate id {routine.id!r}, already used by {first}; allowed: an id "
                    "no other routine uses",
                )
            )
            continue
        result.routines[routine.id] = routine
        result.files[routine.id] = path
    result.translations, problems = load_translations(
        result.routines, result.files, [path for path in paths if path.is_dir()]
    )
    result.errors.extend(problems)
    return result
