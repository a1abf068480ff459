"""Routines in other languages: `translations/<code>/<id>.yaml` beside the routine files.

A translation holds text only (titles, summary, cautions, instructions, points, cue texts) and
mirrors its source by position: the same steps in the same order, the same number of cues, an
alternative where the source has one. Timings, tools and pictures always come from the source, so
a translation can never change what a session does, only what it says. A translation that does not
mirror its source is refused with an issue naming the file, the step and the field; the routine
then stays in English for that language (docs/routines.md, "Translations").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from guide_bot.domain.routine import Routine
from guide_bot.i18n.languages import DEFAULT_LANGUAGE, LANGUAGES
from guide_bot.library.issues import Issue
from guide_bot.library.messages import describe, issues_from_validation
from guide_bot.library.plain_data import plain_data
from guide_bot.library.yaml_source import RoutineYamlError, parse_yaml
from guide_bot.paths import is_shipped

__all__ = [
    "TRANSLATIONS_DIR",
    "Translations",
    "load_translations",
    "missing_languages",
    "parse_translation",
    "translation_path",
]

TRANSLATIONS_DIR = "translations"
TRANSLATED_LANGUAGES = tuple(code for code in LANGUAGES if code != DEFAULT_LANGUAGE)
# The text fields a translation may give, at the top and in each step (and its alternative).
_ROUTINE_TEXT = ("title", "summary", "cautions", "stop_rule", "steps")
_STEP_TEXT = ("title", "instruction", "point", "caution", "cues", "alternative")
_ALTERNATIVE_TEXT = ("title", "instruction", "point", "caution", "cues")


def translation_path(routine_file: Path, code: str) -> Path:
    """Where the `code` translation of the routine in `routine_file` lives."""
    return routine_file.parent / TRANSLATIONS_DIR / code / f"{routine_file.stem}.yaml"


@dataclass(frozen=True)
class Translations:
    """Every loaded translation: language code -> routine id -> the routine in that language."""

    by_language: Mapping[str, Mapping[str, Routine]] = field(default_factory=dict)
    # The source each translation was made from: a different routine with the same id (a user's
    # own, or a library reloaded since) is never given another routine's words.
    sources: Mapping[str, Routine] = field(default_factory=dict)

    def localized(self, routine: Routine, code: str) -> Routine:
        """`routine` in the language `code`; the routine itself in English, or when it has no
        translation in that language. Localize the routine as loaded, then choose its length
        and adapt it (a routine already changed is not the source, and is returned as it is)."""
        if code == DEFAULT_LANGUAGE or self.sources.get(routine.id) != routine:
            return routine
        return self.by_language.get(code, {}).get(routine.id, routine)

    def languages(self, routine_id: str) -> tuple[str, ...]:
        """The shipped languages this routine can be shown in (English always)."""
        return tuple(
            code
            for code in LANGUAGES
            if code == DEFAULT_LANGUAGE or routine_id in self.by_language.get(code, {})
        )

    def missing(self, routine_ids: Iterable[str]) -> list[tuple[str, str]]:
        """(routine id, language) for every shipped language a routine has no translation in."""
        return [
            (routine_id, code)
            for routine_id in routine_ids
            for code in TRANSLATED_LANGUAGES
            if routine_id not in self.by_language.get(code, {})
        ]


class _Mirror:
    """Walks a translation beside its source, collecting what does not mirror it."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.issues: list[Issue] = []

    def problem(self, path: str, message: str, step: int | None = None, title: Any = None) -> None:
        self.issues.append(
            Issue(
                file=self.file,
                field=path,
                message=message,
                step=step,
                step_title=title if isinstance(title, str) else None,
            )
        )

    def fields(
        self,
        data: Mapping[str, Any],
        source: Mapping[str, Any],
        allowed: tuple[str, ...],
        prefix: str = "",
        step: int | None = None,
    ) -> dict[str, Any]:
        """The translated text fields of one mapping, put over a copy of its source."""
        out = dict(source)
        title = data.get("title")
        for key in data:
            if key not in allowed:
                self.problem(
                    prefix + str(key),
                    "not a text field of a translation; allowed fields here: "
                    f"{', '.join(allowed)} (timings, tools and pictures come from the source)",
                    step,
                    title,
                )
            elif not source.get(key):
                self.problem(
                    prefix + key,
                    "the source routine has no such field here; allowed: leave it out, as the "
                    "source does",
                    step,
                    title,
                )
        for key in allowed:
            if not source.get(key) or key == "steps":
                continue
            if key not in data:
                self.problem(
                    prefix + key,
                    "missing; the source has it, so the translation must too; allowed: "
                    f"its {key} in this language",
                    step,
                    title,
                )
                continue
            value = data[key]
            if key == "cues":
                out[key] = self.cues(value, source[key], prefix, step, title)
            elif key == "cautions":
                out[key] = self.texts(value, source[key], prefix + key, step, title)
            elif key == "alternative":
                if isinstance(value, Mapping):
                    out[key] = self.fields(
                        value, source[key], _ALTERNATIVE_TEXT, prefix + "alternative.", step
                    )
                else:
                    self.problem(
                        prefix + key,
                        f"is {describe(value)}; allowed: a mapping of the alternative's "
                        f"{', '.join(_ALTERNATIVE_TEXT)}",
                        step,
                        title,
                    )
            else:
                out[key] = value  # the schema checks the text itself (length, hidden characters)
        return out

    def texts(self, value: Any, source: Any, path: str, step: int | None, title: Any) -> list[Any]:
        """A list of texts, one for each of the source's, in the same order."""
        if not isinstance(value, list):
            self.problem(
                path, f"is {describe(value)}; allowed: a list of {len(source)} texts", step, title
            )
            return list(source)
        if len(value) != len(source):
            self.problem(
                path,
                f"has {len(value)} items but the source has {len(source)}; allowed: one text "
                "for each of the source's, in the same order",
                step,
                title,
            )
            return list(source)
        return list(value)

    def cues(
        self, value: Any, source: Any, prefix: str, step: int | None, title: Any
    ) -> list[dict[str, Any]]:
        """The cue texts over the source's cues (each keeps its own time)."""
        texts = self.texts(value, source, prefix + "cues", step, title)
        return [
            {**cue, "text": text} if isinstance(cue, Mapping) else cue
            for cue, text in zip(source, texts, strict=True)
        ]

    def routine(self, data: Mapping[str, Any], source: Mapping[str, Any]) -> dict[str, Any]:
        """The whole translated routine as data, ready for the schema."""
        out = self.fields(data, source, _ROUTINE_TEXT)
        steps = data.get("steps")
        if not isinstance(steps, list):
            self.problem(
                "steps",
                f"is {describe(steps)}; allowed: a list of {len(source['steps'])} steps, one for "
                "each of the source's, in the same order",
            )
            return out
        if len(steps) != len(source["steps"]):
            self.problem(
                "steps",
                f"has {len(steps)} steps but the source has {len(source['steps'])}; allowed: one "
                "for each of the source's, in the same order",
            )
            return out
        translated = []
        for number, (step, original) in enumerate(zip(steps, source["steps"], strict=True), 1):
            if not isinstance(step, Mapping):
                self.problem(
                    "steps",
                    f"is {describe(step)}; allowed: a mapping of the step's "
                    f"{', '.join(_STEP_TEXT)}",
                    number,
                )
                translated.append(original)
                continue
            translated.append(self.fields(step, original, _STEP_TEXT, step=number))
        out["steps"] = translated
        return out


def parse_translation(
    text: str, source: Routine, *, file: str, shipped: bool = False
) -> tuple[Routine | None, list[Issue]]:
    """The routine `source` with the words of translation `text`, or the reasons it does not
    mirror the source (each naming the file, the step and the field); `shipped` as in
    loader.parse_routine."""
    try:
        data = parse_yaml(text, shipped=shipped)
    except RoutineYamlError as exc:
        return None, [Issue(file=file, field="(yaml)", message=str(exc))]
    if not isinstance(data, Mapping):
        return None, [
            Issue(
                file=file,
                field="(file)",
                message=f"the top level is {describe(data)}; allowed: a mapping of "
                f"{', '.join(_ROUTINE_TEXT)} mirroring {source.id}'s text",
            )
        ]
    data, not_plain = plain_data(data)
    if not_plain:
        return None, [
            Issue(file=file, field=".".join(map(str, p.loc)) or "(file)", message=p.message)
            for p in not_plain
        ]
    mirror = _Mirror(file)
    merged = mirror.routine(data, source.model_dump(exclude_unset=True))
    if mirror.issues:
        return None, mirror.issues
    try:
        return Routine.model_validate(merged), []
    except ValidationError as exc:
        return None, issues_from_validation(exc, merged, file)


def load_translations(
    routines: Mapping[str, Routine],
    files: Mapping[str, Path],
    libraries: Iterable[Path] = (),
) -> tuple[Translations, list[Issue]]:
    """Every translation of these routines (read from `files`) found beside them, with the
    issues of the translations refused; in the `libraries` (folders loaded whole), also the
    translation files of no routine and the folders of no shipped language."""
    by_language: dict[str, dict[str, Routine]] = {}
    issues: list[Issue] = []
    for routine_id, path in files.items():
        for code in TRANSLATED_LANGUAGES:
            where = translation_path(path, code)
            if not where.is_file():
                continue
            try:
                text = where.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                issues.append(Issue(file=str(where), field="(file)", message=f"cannot read: {exc}"))
                continue
            translated, problems = parse_translation(
                text, routines[routine_id], file=str(where), shipped=is_shipped(where)
            )
            issues.extend(problems)
            if translated is not None:
                by_language.setdefault(code, {})[routine_id] = translated
    for library in libraries:
        issues.extend(_strays(library / TRANSLATIONS_DIR))
    sources = {routine_id: routines[routine_id] for routine_id in files}
    return Translations(by_language=by_language, sources=sources), issues


def _strays(folder: Path) -> list[Issue]:
    """Translation folders of no shipped language, and files that are no routine's."""
    if not folder.is_dir():
        return []
    issues: list[Issue] = []
    for entry in sorted(folder.iterdir()):
        if entry.name not in TRANSLATED_LANGUAGES or not entry.is_dir():
            issues.append(
                Issue(
                    file=str(entry),
                    field="(file)",
                    message="not a language folder guide-bot ships; allowed: a folder named "
                    f"{', '.join(TRANSLATED_LANGUAGES)} (see docs/translating.md)",
                )
            )
            continue
        for file in sorted(entry.iterdir()):
            sources = [folder.parent / f"{file.stem}{suffix}" for suffix in (".yaml", ".yml")]
            if file.suffix == ".yaml" and any(source.is_file() for source in sources):
                continue
            issues.append(
                Issue(
                    file=str(file),
                    field="(file)",
                    message=f"no routine file {file.stem}.yaml in {folder.parent}; allowed: "
                    "<routine id>.yaml, the name of the routine it translates",
                )
            )
    return issues


def missing_languages(files: Mapping[str, Path]) -> list[Issue]:
    """A warning (an error with `validate --strict`) for each shipped language a routine has no
    translation file in, for routines in a library that ships translations (a `translations/`
    folder beside them); a folder of one's own routines without one is not asked for any."""
    issues: list[Issue] = []
    for routine_id, path in files.items():
        if not (path.parent / TRANSLATIONS_DIR).is_dir():
            continue
        for code in TRANSLATED_LANGUAGES:
            where = translation_path(path, code)
            if not where.is_file():
                issues.append(
                    Issue(
                        file=str(path),
                        field="(translations)",
                        message=f"no {code} translation of {routine_id!r}; allowed: "
                        f"{where} mirroring this routine (docs/routines.md, 'Translations')",
                        severity="warning",
                    )
                )
    return issues
