"""The reliability suite: every test here carries the ``reliability`` marker (CI runs it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_pack import Studio


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.reliability)


@pytest.fixture
def studio(tmp_path: Path) -> Iterator[Studio]:
    """The test pack with a clip store under ``tmp_path`` and an executor."""
    studio = Studio(tmp_path / "store")
    yield studio
    studio.close()
