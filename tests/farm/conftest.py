"""Farm tests: one real local Ray cluster for the session (a head that runs no takes and two
worker nodes, each with its own ``PREVIZ_CACHE``), never ``local_mode``. Without Ray these
tests fail at import: the farm extra is part of the set-up, not optional here."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import ray  # the tier fails, rather than skipping, where Ray is missing
from farm.paced import paced_plugin

from previz.farm.cluster import LocalCluster
from previz.farm.runner import RayRunner

GPU_WORKER = 0  # declares a GPU and has model m1 only; worker 1 has no GPU and no model


@pytest.fixture(scope="session")
def plugins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of the paced backend, installed-looking: on the workers' path, and on this
    process's path during each farm test (``paced_on_path``)."""
    return paced_plugin(tmp_path_factory.mktemp("plugins"))


@pytest.fixture(autouse=True)
def paced_on_path(plugins: Path) -> Iterator[None]:
    """The paced backend importable here for one farm test, then gone again: tests after the
    farm's count the installed backends and must not find it."""
    sys.path.insert(0, str(plugins))
    importlib.invalidate_caches()
    yield
    sys.path.remove(str(plugins))
    sys.modules.pop("paced_backend", None)
    importlib.invalidate_caches()


@pytest.fixture(scope="session")
def cluster(plugins: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """The session's cluster, joined by this process; left and stopped at the end."""
    config = tmp_path_factory.mktemp("worker-config")
    models = tmp_path_factory.mktemp("worker-models")
    env = {"PYTHONPATH": os.pathsep.join([str(plugins), os.environ.get("PYTHONPATH", "")]),
           "XDG_CONFIG_HOME": str(config), "PREVIZ_MODELS": str(models)}
    started = LocalCluster.start(2, gpus_per_worker={GPU_WORKER: 1}, env=env,
                                 worker_env={GPU_WORKER: {"PREVIZ_PACED_MODELS": "m1"}})
    try:
        RayRunner(started.address).connect()
        yield started
    finally:
        ray.shutdown()
        started.stop()
