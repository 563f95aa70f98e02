"""Shared test set-up: Qt offscreen, and a fresh registry with the built-in pack."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from previz.core.registry import NodeRegistry, default_registry


@pytest.fixture
def registry() -> NodeRegistry:
    """A registry holding every installed node pack, the built-in one included."""
    return default_registry()
