"""A problem found in a routine file: which file, which step, which field, and what is allowed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, kw_only=True)
class Issue:
    """One error or warning about a routine file."""

    file: str
    field: str
    message: str
    step: int | None = None  # 1-based step number
    step_title: str | None = None
    severity: Severity = "error"

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `guide-bot validate --json`."""
        return {
            "file": self.file,
            "step": self.step,
            "step_title": self.step_title,
            "field": self.field,
            "message": self.message,
        }

    def where(self) -> str:
        """Where the problem is, in words: file, step and field."""
        parts = [self.file]
        if self.step is not None:
            title = f" ({self.step_title})" if self.step_title else ""
            parts.append(f"step {self.step}{title}")
        parts.append(f"field '{self.field}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}"
