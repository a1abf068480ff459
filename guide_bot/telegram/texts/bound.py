"""A texts module in one user's language: `bound(module, tr).X`.

Constants are English msgids marked with `N_`, translated when read through the bound view;
functions that take a `tr` keyword get the user's translator. The translator is per user, so two
users in two languages never share one.
"""

from __future__ import annotations

import inspect
from functools import cache, partial
from types import ModuleType
from typing import Any

from guide_bot.i18n import Translator


@cache
def _takes_tr(function: Any) -> bool:
    try:
        return "tr" in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


def _translated(value: Any, tr: Translator) -> Any:
    if isinstance(value, str):
        return tr.gettext(value)
    if isinstance(value, dict):
        return {k: tr.gettext(v) if isinstance(v, str) else v for k, v in value.items()}
    if isinstance(value, tuple) and value and all(isinstance(v, tuple) for v in value):
        return tuple(tuple(tr.gettext(p) if i else p for i, p in enumerate(v)) for v in value)
    if callable(value) and _takes_tr(value):
        return partial(value, tr=tr)
    return value


class Bound:
    """The names of some texts modules, read in one language."""

    def __init__(self, tr: Translator, *modules: ModuleType) -> None:
        self.tr = tr
        self._modules = modules

    def __getattr__(self, name: str) -> Any:
        for module in self._modules:
            if hasattr(module, name):
                return _translated(getattr(module, name), self.tr)
        raise AttributeError(name)


def bound(tr: Translator, *modules: ModuleType) -> Bound:
    """`modules` in the language of `tr`."""
    return Bound(tr, *modules)
