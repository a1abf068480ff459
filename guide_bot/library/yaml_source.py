"""Safe YAML reading for routine files: plain data only, no aliases, no duplicate keys.

Routine files come from the shipped library and from users' uploads, so they are treated as
untrusted: `yaml.SafeLoader` builds no Python objects, and refusing aliases rules out the
"billion laughs" expansion. A repeated key is an error rather than a silent overwrite.

YAML 1.1 (PyYAML) turns some ordinary-looking text into other types. The loader here keeps the
data plain, so that the schema (not the YAML library) decides what is allowed:
- an unquoted date or time (`title: 2024-01-01`) stays text, as in YAML 1.2; a routine has no
  date fields, so a date can only ever be meant as words;
- a whole number of more digits than `MAX_NUMBER_DIGITS` becomes a `TooLongNumber` (Python
  refuses to convert more than 4,300 digits, and no field takes a number that long);
- a key that is not text (`? [a, b] : c`, `1: x`, `null: y`) becomes a `BadKey`, so that the
  check in plain_data.py can name the mapping it sits in;
- nesting deeper than `MAX_DEPTH` is refused before Python's recursion limit is reached.
Explicit tags (`!!binary`, `!!set`, `!!timestamp`, `!!omap`) still build their values; the plain
data check refuses them by field.

The files shipped in the package (scripts_library/, checked by the tests with the strict loader)
are read with libyaml's C parser under the same rules for the data (`shipped=True`): about ten
times faster, a third of a second of every start-up with the 115 shipped files. Everything else,
users' uploads and an operator's own library, goes through the Python parser, whose composer
refuses aliases and deep nesting before anything is built.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import yaml

_SYNTAX = "allowed: YAML as in docs/routines.md (check the indentation, brackets and quotes)"
MAX_DEPTH = 32  # a routine nests 5 levels (routine, steps, step, cues, cue)
MAX_NUMBER_DIGITS = 30


class RoutineYamlError(ValueError):
    """The text is not YAML that a routine file may contain; says where and why."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        where = f"line {line}: " if line is not None else ""
        super().__init__(f"{where}{message}")


class TooLongNumber:
    """A whole number written with too many digits to be any field's value."""

    def __init__(self, digits: int, line: int) -> None:
        self.digits = digits
        self.line = line

    def __repr__(self) -> str:
        return f"a number of {self.digits:,} digits"


class BadKey(str):
    """A mapping key that is not text, kept under a unique text stand-in with what it was."""

    shown: str
    line: int

    def __new__(cls, shown: str, line: int) -> BadKey:
        made = super().__new__(cls, f"\x00bad-key:{line}:{shown}")
        made.shown = shown
        made.line = line
        return made


_DIGITS = re.compile(r"[0-9]")


class _PlainData:
    """The data rules of a routine file, for either parser (a mixin before the Loader)."""

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        with _tag_misfit(node):
            return super().construct_object(node, deep=deep)  # type: ignore[misc]

    def construct_document(self, node: Any) -> Any:
        # Mappings and sets are filled in after construct_object returns (PyYAML's generators),
        # so a misfit found then surfaces here.
        with _tag_misfit(node):
            return super().construct_document(node)  # type: ignore[misc]

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, yaml.MappingNode):  # `!!map x`, `!!set [a]`
            raise _misfit(node)
        self.flatten_mapping(node)  # type: ignore[attr-defined]
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                if isinstance(key_node, yaml.SequenceNode):
                    shown = "a list"
                elif isinstance(key_node, yaml.MappingNode):
                    shown = "a mapping"
                else:
                    shown = repr(str(key_node.value)[:40])
                key = BadKey(shown, line)
            if key in mapping:
                raise RoutineYamlError(
                    f"the key {key!r} appears twice in one mapping; allowed: each key once", line
                )
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


class _RoutineLoader(_PlainData, yaml.SafeLoader):
    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise RoutineYamlError(
                "YAML aliases (*name) are not allowed in a routine file; "
                "allowed: the value written out in full",
                mark.line + 1,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise RoutineYamlError(
                    f"the YAML nests too deeply (more than {MAX_DEPTH} levels); allowed: a "
                    "routine as in docs/routines.md (a few levels)",
                    mark.line + 1,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _misfit(node: Any) -> RoutineYamlError:
    tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
    return RoutineYamlError(
        f"the value does not fit its tag {tag}; allowed: the value without a tag, as in "
        "docs/routines.md",
        node.start_mark.line + 1,
    )


@contextlib.contextmanager
def _tag_misfit(node: Any) -> Iterator[None]:
    """An explicit tag on a value that does not fit it (`!!int abc`, `!!timestamp x`, `!!map x`):
    PyYAML's constructors fail with plain Python errors, made a RoutineYamlError here."""
    try:
        yield
    except RoutineYamlError:
        raise
    except (ValueError, TypeError, LookupError, AttributeError, ArithmeticError):
        raise _misfit(node) from None


class _ShippedLoader(_PlainData, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser and composer (when PyYAML has it), the same data rules."""


# Dates and times stay text (YAML 1.2 has no implicit timestamps).
_RESOLVERS = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_RoutineLoader.yaml_implicit_resolvers = _RESOLVERS
_ShippedLoader.yaml_implicit_resolvers = _RESOLVERS


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    digits = len(_DIGITS.findall(str(node.value)))
    if digits > MAX_NUMBER_DIGITS:
        return TooLongNumber(digits, node.start_mark.line + 1)
    return loader.construct_yaml_int(node)


_RoutineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_ShippedLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def parse_yaml(text: str, *, shipped: bool = False) -> Any:
    """Parse routine YAML text into plain Python data, or raise RoutineYamlError; `shipped`:
    a file of the package's own library (the fast parser; see the module's docstring)."""
    try:
        return yaml.load(text, Loader=_ShippedLoader if shipped else _RoutineLoader)
    except RoutineYamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
        problem = " ".join(str(exc.problem).split())  # one line, whatever PyYAML wrapped
        raise RoutineYamlError(f"not valid YAML: {problem}; {_SYNTAX}", line) from exc
    except yaml.YAMLError as exc:
        raise RoutineYamlError(f"not valid YAML: {' '.join(str(exc).split())}; {_SYNTAX}") from exc
    except RecursionError as exc:  # a guard: MAX_DEPTH should stop it first
        raise RoutineYamlError(f"the YAML nests too deeply; {_SYNTAX}") from exc
