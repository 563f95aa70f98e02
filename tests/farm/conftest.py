"""Farm tests: one real local Ray cluster for the session (a head that runs no takes and two
worker nodes, each with its own ``PREVIZ_CACHE``), never ``local_mode``. Without Ray these
tests fail at import: the farm extra is part of the set-up, not optional here."""

from __future__ import annotations

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
    """The paced backend, installed-looking, on this process's path and the workers'."""
    folder = paced_plugin(tmp_path_factory.mktemp("plugins"))
    sys.path.insert(0, str(folder))
    return folder


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
