"""A minimal event emitter: listeners are called, in order, with each change event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Listener = Callable[[Any], None]


class Emitter:
    """Holds listeners and calls each with every emitted event."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def connect(self, listener: Listener) -> None:
        """Call ``listener(event)`` for every event from now on."""
        self._listeners.append(listener)

    def disconnect(self, listener: Listener) -> None:
        """Stop calling ``listener``."""
        self._listeners.remove(listener)

    def emit(self, event: object) -> None:
        """Send ``event`` to every listener."""
        for listener in list(self._listeners):
            listener(event)
