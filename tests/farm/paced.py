"""A backend for the farm tests: the draft's pictures, a pause before each frame, and models
named by ``PREVIZ_PACED_MODELS`` (installed on the workers as an entry point)."""

from __future__ import annotations

from pathlib import Path

from plugin_folder import plugin_folder

PACE_S = 0.12
SOURCE = f'''
"""The draft, paced: each frame waits {PACE_S} s, so a test can act in the middle of a take."""

import hashlib
import os
import time

from previz.backends.draft.backend import DraftBackend
from previz.engine.backend import ModelInfo


class PacedBackend(DraftBackend):
    id = "paced"
    version = "1"
    deterministic = False

    def __init__(self, models=()):
        self.models = tuple(models)

    def available_models(self):
        return tuple(ModelInfo(model, "paced", hashlib.sha256(model.encode()).hexdigest())
                     for model in self.models)

    def generate(self, request, progress, cancel):
        for frame in super().generate(request, progress, cancel):
            time.sleep({PACE_S})
            yield frame


def make(settings):
    names = os.environ.get("PREVIZ_PACED_MODELS", "")
    return PacedBackend(name for name in names.split(",") if name)
'''


def paced_plugin(root: Path) -> Path:
    """``root`` holding the paced backend as an installed-looking ``previz.backends`` plug-in."""
    return plugin_folder(root, "paced_backend", "previz.backends", "paced_backend:make", SOURCE)
