"""Safe YAML reading for routine files: plain data only, no aliases, no duplicate keys.

Routine files come from the shipped library and from users' uploads, so they are treated as
untrusted: `yaml.SafeLoader` builds no Python objects, and refusing aliases rules out the
"billion laughs" expansion. A repeated key is an error rather than a silent overwrite.
"""

from __future__ import annotations

from typing import Any

import yaml

_SYNTAX = "allowed: YAML as in docs/routines.md (check the indentation, brackets and quotes)"


class RoutineYamlError(ValueError):
    """The text is not YAML that a routine file may contain; says where and why."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        where = f"line {line}: " if line is not None else ""
        super().__init__(f"{where}{message}")


class _RoutineLoader(yaml.SafeLoader):
    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise RoutineYamlError(
                "YAML aliases (*name) are not allowed in a routine file; "
                "allowed: the value written out in full",
                mark.line + 1,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise RoutineYamlError(
                    f"the key {key!r} appears twice in one mapping; allowed: each key once",
                    key_node.start_mark.line + 1,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str) -> Any:
    """Parse routine YAML text into plain Python data, or raise RoutineYamlError."""
    try:
        return yaml.load(text, Loader=_RoutineLoader)
    except RoutineYamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
        raise RoutineYamlError(f"not valid YAML: {exc.problem}; {_SYNTAX}", line) from exc
    except yaml.YAMLError as exc:
        raise RoutineYamlError(f"not valid YAML: {exc}; {_SYNTAX}") from exc
