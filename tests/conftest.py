"""Shared test set-up: Qt offscreen, and a fresh registry with the built-in pack."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Exports sign with a key made for the test run, never the user's own.
os.environ.setdefault("PREVIZ_SIGNING_DIR", tempfile.mkdtemp(prefix="previz-signing-"))

import pytest

from previz.core.registry import NodeRegistry, default_registry


@pytest.fixture
def registry() -> NodeRegistry:
    """A registry holding every installed node pack, the built-in one included."""
    return default_registry()
