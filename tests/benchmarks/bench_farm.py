"""The render farm against this machine (DESIGN §15): the example rendered on a local Ray
cluster of 2 workers and by the local runner, from cold stores; prints the throughput ratio
and the overhead each take pays for going through Ray. No target is asserted.

Run with ``python -m pytest -m benchmark -s tests/benchmarks/bench_farm.py`` (on a machine
with more cores than 2 the farm's figure is the one to watch; here the 2 workers and the
head share 2 cores).
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from previz.core.project import Project
from previz.core.project import Settings as ProjectSettings
from previz.engine.runner import Runner
from previz.engine.session import EngineSession
from previz.farm.cluster import LocalCluster
from previz.farm.job import makes_clips
from previz.farm.runner import RayRunner
from previz.io import load_project
from previz.settings import Settings

pytestmark = pytest.mark.benchmark

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "lighthouse.previz"
TINY = (128, 72)  # the smallest frame a shot takes is 64 high


def _render(cache: Path, runner: Runner | None, size: tuple[int, int] | None) -> tuple[float, int]:
    """Seconds to render the example (at ``size``) from a cold store, and its farm jobs."""
    with EngineSession.open(Settings(cache_dir=cache), runner=runner) as session:
        project: Project = load_project(EXAMPLE, registry=session.registry)
        if size is not None:
            project.set_settings(ProjectSettings(project.settings.rate, *size))
        plan = session.compile(project)
        jobs = sum(len(planned.keys) for planned in plan.nodes.values() if makes_clips(planned))
        start = time.perf_counter()
        result = asyncio.run(session.run(plan, project))
        seconds = time.perf_counter() - start
        assert result.ok, result.failed
    return seconds, jobs


def test_the_example_on_two_workers_against_the_local_runner(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "PREVIZ_MODELS": str(tmp_path / "m")}
    with LocalCluster.start(2, env=env) as cluster:
        runner = RayRunner(cluster.address)
        runner.connect()
        try:
            local, jobs = _render(tmp_path / "local", None, None)
            farm, _ = _render(tmp_path / "farm", RayRunner(cluster.address), None)
            load = os.getloadavg()[0]
            print(f"\nexample at 1280x720, {jobs} takes: local runner {local:.1f} s, 2 Ray"
                  f" workers {farm:.1f} s: throughput {local / farm:.2f}x the local runner"
                  f" (above 1 wanted; the head and 2 workers share this machine's"
                  f" {os.cpu_count()} cores; load {load:.1f})")
            tiny_local, tiny_jobs = _render(tmp_path / "tiny-local", None, TINY)
            tiny_farm, _ = _render(tmp_path / "tiny-farm", RayRunner(cluster.address), TINY)
        finally:
            runner.close()
    load = os.getloadavg()[0]
    overhead = (2 * tiny_farm - tiny_local) / tiny_jobs
    print(f"example at {TINY[0]}x{TINY[1]} (rendering nearly free), {tiny_jobs} takes: local"
          f" {tiny_local:.2f} s, farm {tiny_farm:.2f} s: about {overhead * 1000:.0f} ms of"
          f" worker time per take for going through Ray (load {load:.1f})")
