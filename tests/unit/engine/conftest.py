"""Engine test set-up: a studio (test pack, clip store in a temporary folder, executor)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_pack import Studio


@pytest.fixture
def studio(tmp_path: Path) -> Iterator[Studio]:
    """A fresh test pack with its counter, a clip store under ``tmp_path`` and an executor."""
    studio = Studio(tmp_path / "store")
    yield studio
    studio.close()
