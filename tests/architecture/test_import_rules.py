"""The import rules of docs/architecture.md, checked on the source: who may import what.

Every `import` and `from ... import` in guide_bot/ is read with `ast` (inside functions too), so
a lazy import cannot hide a dependency.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import guide_bot

ROOT = Path(guide_bot.__file__).parent
FRONT_ENDS = {"telegram", "console", "web", "speakers", "cli"}
IO_LIBRARIES = {"telegram", "apscheduler", "gtts", "av", "sqlalchemy", "yaml", "aiohttp"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(("guide_bot", *parts)).removesuffix(".__init__")
        found[name] = path
    return found


def _imports(name: str, path: Path) -> set[str]:
    """Absolute names of what one module imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


MODULES = _modules()
IMPORTS = {name: _imports(name, path) for name, path in MODULES.items()}


def _area(module: str) -> str:
    """The package of guide_bot a module belongs to (or the top-level module itself)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _top(imported: str) -> str:
    return imported.split(".")[0]


def test_only_the_telegram_adapter_and_the_composition_root_import_telegram() -> None:
    allowed = {"telegram", "bootstrap"}
    offenders = sorted(
        name
        for name, imported in IMPORTS.items()
        if any(_top(i) == "telegram" for i in imported) and _area(name) not in allowed
    )
    assert offenders == []


def test_the_domain_imports_no_io_library() -> None:
    offenders = sorted(
        f"{name}: {i}"
        for name, imported in IMPORTS.items()
        if _area(name) == "domain"
        for i in imported
        if _top(i) in IO_LIBRARIES
    )
    assert offenders == []


def test_the_session_service_imports_no_front_end() -> None:
    offenders = sorted(
        f"{name}: {i}"
        for name, imported in IMPORTS.items()
        if _area(name) == "sessions"
        for i in imported
        if _top(i) in {"telegram"} or (i.startswith("guide_bot.") and _area(i) in FRONT_ENDS)
    )
    assert offenders == []


def test_no_import_cycles_between_the_packages() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for name, imported in IMPORTS.items():
        for i in imported:
            if i.startswith("guide_bot.") and _area(i) != _area(name):
                target = _area(i)
                if any(m == i or m.startswith(f"guide_bot.{target}") for m in MODULES):
                    graph[_area(name)].add(target)
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(graph[node]):
            if nxt in path:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif len(path) < len(graph) + 1:
                visit(nxt, [*path, nxt])

    for start in sorted(graph):
        visit(start, [start])
    assert cycles == []


def test_the_rules_see_the_packages() -> None:
    """The checks above would pass on an empty list: make sure they read the real code."""
    areas = {_area(name) for name in MODULES}
    assert {"domain", "sessions", "telegram", "storage", "reminders", "progress"} <= areas
    assert any(_top(i) == "telegram" for i in IMPORTS["guide_bot.bootstrap"])
    assert "guide_bot.sessions.ports" in IMPORTS["guide_bot.sessions.service"]
