"""A local cluster lives no longer than the process that started it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

STARTER = """
import sys, time
from previz.farm.cluster import LocalCluster
cluster = LocalCluster.start(1)
print(cluster.root, flush=True)
time.sleep(600)
"""


def _running(text: str) -> list[int]:
    """The processes whose command line holds ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # gone meanwhile
        if text in command:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds processes through /proc")
def test_a_cluster_whose_starter_is_killed_ends_with_it() -> None:
    """``previz render --ray local`` killed outright (SIGKILL: no ``stop``, no cleanup at all)
    must not leave its Ray nodes (raylets, GCS, agents) holding a core and memory for good."""
    starter = subprocess.Popen([sys.executable, "-c", STARTER], stdout=subprocess.PIPE,
                               text=True)
    try:
        root = starter.stdout.readline().strip() if starter.stdout else ""
        assert root, "the cluster did not start"
        assert len(_running(root)) >= 4  # head and worker: ray start, raylet, GCS, agents...
    finally:
        starter.kill()
        starter.wait(timeout=30)
    deadline = time.monotonic() + 60.0
    while _running(root) and time.monotonic() < deadline:
        time.sleep(0.5)
    left = _running(root)
    for pid in left:  # not to leave them running after a failure either
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    assert left == [], "the cluster's nodes outlived the process that started them"
