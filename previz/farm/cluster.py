"""A local Ray cluster on this machine: a head and at most two worker nodes (``--ray local``).

Each node is a ``ray start --block`` process of its own, with ports and a temporary folder of
its own (so two clusters never meet), on a loopback address, and each worker node gets its
own ``PREVIZ_CACHE``: workers render into their own stores, never the head's. ``stop`` ends
the processes this cluster started, and only those; if this process is killed before it can,
each node's tether (``previz.farm.tether``) ends the node within a second.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

HOST = "127.0.0.2"  # a loopback address Ray keeps (it swaps 127.0.0.1 for the LAN address)
MAX_WORKERS = 2
OBJECT_STORE_BYTES = 80 * 1024**2
READY = "Ray runtime started"
START_TIMEOUT_S = 120.0


class ClusterError(RuntimeError):
    """A local cluster that did not start; says which node and where its log is."""


@dataclass
class LocalCluster:
    """A running local cluster: its address, its folder, each worker node's store."""

    root: Path
    address: str
    caches: list[Path]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    owns_root: bool = True

    @classmethod
    def start(cls, workers: int = MAX_WORKERS, *, root: Path | None = None,
              gpus_per_worker: Mapping[int, int] | None = None,
              env: Mapping[str, str] | None = None,
              worker_env: Mapping[int, Mapping[str, str]] | None = None) -> LocalCluster:
        """Start a head (which runs no takes) and ``workers`` worker nodes of one CPU each;
        ``gpus_per_worker`` declares GPUs on some (by index), ``env`` is added to every
        worker's environment and ``worker_env`` to some (by index)."""
        if not 1 <= workers <= MAX_WORKERS:
            raise ValueError(f"a local cluster has 1 to {MAX_WORKERS} workers, not {workers}")
        owns = root is None
        root = Path(tempfile.mkdtemp(prefix="previz-ray-")) if root is None else Path(root)
        port = _free_port()
        cluster = cls(root, f"{HOST}:{port}", [root / f"worker-{i}" / "cache"
                                               for i in range(workers)], owns_root=owns)
        try:
            cluster._launch("head", ["--head", "--port", str(port), "--num-cpus", "0",
                                     "--temp-dir", str(root / "ray"),
                                     "--include-dashboard", "false"], {})
            for index, cache in enumerate(cluster.caches):
                gpus = (gpus_per_worker or {}).get(index, 0)
                cluster._launch(f"worker-{index}", ["--address", cluster.address,
                                                    "--num-cpus", "1", "--num-gpus", str(gpus)],
                                {**(env or {}), **(worker_env or {}).get(index, {}),
                                 "PREVIZ_CACHE": str(cache)})
        except BaseException:
            cluster.stop()
            raise
        return cluster

    def _launch(self, name: str, args: list[str], env: Mapping[str, str]) -> None:
        log = self.root / f"{name}.log"
        # Tethered: the node ends when this process does, however it ends (see ``tether``).
        command = [sys.executable, "-m", "previz.farm.tether",
                   _ray_command(), "start", "--block", "--node-ip-address", HOST,
                   "--object-store-memory", str(OBJECT_STORE_BYTES),
                   "--dashboard-agent-listen-port", str(_free_port()),
                   "--runtime-env-agent-port", str(_free_port()),
                   "--metrics-export-port", str(_free_port()),
                   "--disable-usage-stats", *args]
        environment = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", **env}
        with open(log, "wb") as out:
            self.processes.append(subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, env=environment,
                start_new_session=True))
        _wait_for(READY, log, self.processes[-1], name)

    def stop(self) -> None:
        """End every process this cluster started (workers first) and remove its folder."""
        for process in reversed(self.processes):
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self.processes.clear()
        if self.owns_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> LocalCluster:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()


def _ray_command() -> str:
    beside = Path(sys.executable).with_name("ray")
    return str(beside) if beside.exists() else (shutil.which("ray") or "ray")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _wait_for(text: str, log: Path, process: subprocess.Popen[bytes], name: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return
        if process.poll() is not None:
            raise ClusterError(f"the local Ray {name} node stopped while starting; see {log}")
        time.sleep(0.2)
    raise ClusterError(f"the local Ray {name} node did not start in {START_TIMEOUT_S:.0f} s;"
                       f" see {log}")
