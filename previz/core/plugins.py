"""Plug-ins that failed to load: which one, from where, and why (reported, then skipped)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any

log = logging.getLogger("previz.plugins")


@dataclass(frozen=True)
class PluginProblem:
    """A node pack or backend that was skipped: its entry point and what went wrong."""

    kind: str  # "node pack" or "backend"
    name: str  # the entry point's name
    target: str  # what it points at, "module:attribute"
    message: str

    def __str__(self) -> str:
        return f"{self.kind} {self.name!r} ({self.target}) was skipped: {self.message}"


def describe(error: BaseException) -> str:
    """An exception as one line a user can act on: its type and message."""
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def load_each(group: str, kind: str, use: Callable[[EntryPoint, Any], None]
              ) -> list[PluginProblem]:
    """Load every entry point of ``group`` by name and hand it to ``use``; one that raises
    (on import or in ``use``) is logged and returned as a problem, and the rest go on."""
    problems = []
    for point in sorted(entry_points(group=group), key=lambda point: point.name):
        try:
            use(point, point.load())
        except Exception as error:
            problem = PluginProblem(kind, point.name, point.value, describe(error))
            log.error("%s", problem, exc_info=log.isEnabledFor(logging.DEBUG))
            problems.append(problem)
    return problems
