"""The backends Previz ships, as ``previz.backends`` entry points: each takes the settings.

A third-party backend registers the same way: a callable that takes a ``Settings`` and returns
an object with the ``Backend`` protocol of ``previz.engine.backend``.
"""

from __future__ import annotations

from previz.engine.backend import Backend
from previz.settings import Settings


def draft(settings: Settings) -> Backend:
    """The draft renderer: runs everywhere, on the CPU, in a moment."""
    from previz.backends.draft.backend import DraftBackend

    return DraftBackend()


def diffusers(settings: Settings) -> Backend:
    """The open-model backend: lists the model library; imports torch only when it renders."""
    from previz.backends.diffusers.backend import DiffusersBackend

    return DiffusersBackend(settings)
