"""Progress events of a render, sent to every listener on the event loop's thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RenderEvent:
    """Something happened to one take of one node (take 0 for nodes without takes)."""

    node_id: str
    take: int


@dataclass(frozen=True)
class Queued(RenderEvent):
    """The take waits for its inputs or for a worker."""


@dataclass(frozen=True)
class Started(RenderEvent):
    """The take is running (on ``worker``, when a render farm runs it)."""

    worker: str = ""


@dataclass(frozen=True)
class Step(RenderEvent):
    """The take finished step ``index`` of ``total`` (a frame, a denoising step)."""

    index: int
    total: int


@dataclass(frozen=True)
class Cached(RenderEvent):
    """The take was already in the store: nothing ran."""


@dataclass(frozen=True)
class Done(RenderEvent):
    """The take is rendered and stored."""


@dataclass(frozen=True)
class Failed(RenderEvent):
    """The take failed; ``message`` says why in words a user can act on."""

    message: str


@dataclass(frozen=True)
class CancelledEvent(RenderEvent):
    """The take was cancelled and left nothing in the store."""


Listener = Callable[[RenderEvent], None]
