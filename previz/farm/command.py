"""``--ray ADDRESS`` for ``previz render`` and ``previz export``: the same run on a Ray cluster.

``previz.cli`` adds the option with ``add_ray_options`` and wraps the render (or export) in
``run_on_farm``, which joins the cluster (or starts a local one for ``local``), hands the
session's executor a ``RayRunner`` for the run, and says in one line if the cluster is lost.
Ray is imported only when ``--ray`` is given.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from previz.engine.session import EngineSession

if TYPE_CHECKING:
    from previz.farm.cluster import LocalCluster
    from previz.farm.runner import RayRunner

LOCAL = "local"
FARM_COMMANDS = ("render", "export")


def add_ray_options(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Give ``render`` and ``export`` their ``--ray ADDRESS`` option."""
    for name in FARM_COMMANDS:
        commands.choices[name].add_argument(
            "--ray", metavar="ADDRESS",
            help="render on the Ray cluster at ADDRESS (host:port of its head); `local`"
                 " starts a cluster of 2 workers on this machine for the run")


def run_on_farm(args: argparse.Namespace, session: EngineSession, run: Callable[[], int]) -> int:
    """``run()`` with the session's takes on the cluster ``args.ray`` names (if it names one);
    its exit status, or 1 when the cluster cannot be reached or is lost on the way."""
    address = getattr(args, "ray", None)
    if not address:
        return run()
    try:
        from previz.farm.cluster import ClusterError, LocalCluster
        from previz.farm.runner import FarmConnectionError, RayRunner
    except ImportError as error:
        print(f"previz: --ray needs the farm extra (pip install 'previz[farm]'): {error}",
              file=sys.stderr)
        return 2
    cluster = None
    try:
        if address == LOCAL:
            print("previz: starting a local Ray cluster of 2 workers", file=sys.stderr)
            cluster = LocalCluster.start()
        runner = RayRunner(cluster.address if cluster else address)
        runner.connect()
    except (ClusterError, FarmConnectionError) as error:
        print(f"previz: {error}", file=sys.stderr)
        if cluster is not None:
            cluster.stop()
        return 1
    return _run_with(runner, session, run, cluster)


def _run_with(runner: RayRunner, session: EngineSession, run: Callable[[], int],
              cluster: LocalCluster | None) -> int:
    executor = session.executor
    previous, executor.runner = executor.runner, runner
    try:
        code = run()
        if runner.lost:  # said before leaving the cluster, which may take Ray a while
            print(f"previz: {runner.lost}; every take rendered before it is kept in the store",
                  file=sys.stderr, flush=True)
            code = 1
    finally:
        executor.runner = previous
        runner.close()
        if cluster is not None:
            cluster.stop()
    return code
