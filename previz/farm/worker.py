"""What a Ray worker runs: one farm job, rendered into the worker's own clip store.

Each worker process opens one engine session on its own settings (its ``PREVIZ_CACHE``, its
``PREVIZ_MODELS``), takes in the entries the take reads, compiles the job's sub-graph, checks
that it compiles to the job's key, and renders that one take. It yields, in order: who it is,
each step of the take, and last the entry it stored, which goes back to the head through Ray.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import os
import queue
import socket
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import ray

from previz.core.project import Project
from previz.engine.backend import Cancelled, CancelToken
from previz.engine.events import RenderEvent, Step
from previz.engine.executor import RunResult
from previz.engine.plan import ExecutionPlan
from previz.engine.session import EngineSession
from previz.farm.entries import adopt_entry, read_entry
from previz.farm.job import FarmJob, makes_clips

_POLL_S = 0.05


class WorkerError(Exception):
    """A take a worker could not render; the message names the worker and says why."""


@functools.cache
def worker_session() -> EngineSession:
    """This worker process's engine session, on the settings its environment gives."""
    return EngineSession.open()


def worker_name() -> str:
    """This worker as a user would find it: host and process."""
    return f"{socket.gethostname()} pid {os.getpid()}"


def render_take(job_text: str, upstream: Mapping[str, Any],
                assets: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Render one job (a Ray streaming generator): ``upstream`` and ``assets`` hold object
    references to the entries the take reads and to the assets' bytes, by key and hash."""
    job = FarmJob.from_text(job_text)
    session = worker_session()
    store = session.store
    name = worker_name()
    yield {"worker": name, "store": str(store.root)}
    store.remove_leftovers()  # what a worker killed here before left half-written
    for key, ref in upstream.items():
        if not store.has(key):
            adopt_entry(store, ray.get(ref))
    project = job.project({sha256: ray.get(ref) for sha256, ref in assets.items()})
    plan = worker_plan(session, project, job, name)
    yield from _steps(session, plan, project, job, name)
    yield {"entry": read_entry(store, job.key)}


def sweep_store() -> dict[str, Any]:
    """Remove what killed workers left half-written in this node's store."""
    store = worker_session().store
    return {"store": str(store.root), "removed": len(store.remove_leftovers())}


def worker_plan(session: EngineSession, project: Project, job: FarmJob,
                name: str) -> ExecutionPlan:
    """The plan of the job's one take: the node (its circled take made the job's), the nodes
    feeding it that make no clips, and the clips it reads (in the store already)."""
    plan = session.compile(project, [job.node_id])
    planned = plan.nodes.get(job.node_id)
    if planned is None or job.take >= len(planned.keys):
        why = "; ".join(map(str, plan.problems)) or "the node cannot be planned"
        raise WorkerError(f"on {name}: {why}")
    if planned.keys[job.take] != job.key:
        raise WorkerError(f"on {name}: {planned.label} take {job.take + 1} has another key"
                          " here: this worker's Previz, node packs or models differ from the"
                          " head's")
    keep = _running(plan, job.node_id)
    problems = [problem for problem in plan.problems if problem.node_id in keep
                and (problem.node_id == job.node_id
                     or not makes_clips(plan.nodes[problem.node_id]))]
    if problems:
        raise WorkerError(f"on {name}: " + "; ".join(map(str, problems)))
    nodes = {node_id: plan.nodes[node_id] for node_id in keep}
    nodes[job.node_id] = dataclasses.replace(planned, circled_take=job.take)
    order = tuple(node_id for node_id in plan.order if node_id in keep)
    return ExecutionPlan(plan.graph.subgraph(keep).copy(), nodes, order, (job.node_id,))


def _running(plan: ExecutionPlan, target: str) -> set[str]:
    """``target`` and what feeds it, up to (and with) the clips it reads."""
    keep, stack = {target}, [target]
    while stack:
        for source in plan.graph.predecessors(stack.pop()):
            if source in plan.nodes and source not in keep:
                keep.add(source)
                if not makes_clips(plan.nodes[source]):
                    stack.append(source)
    return keep


def _steps(session: EngineSession, plan: ExecutionPlan, project: Project, job: FarmJob,
           name: str) -> Iterator[dict[str, Any]]:
    """Run the plan on a thread and yield the take's steps as they come; if Ray cancels the
    task (or its generator is closed), the take is cancelled and leaves nothing behind."""
    events: queue.SimpleQueue[RenderEvent | None] = queue.SimpleQueue()
    token = CancelToken()
    outcome: dict[str, Any] = {}

    def listen(event: RenderEvent) -> None:
        if event.node_id == job.node_id and isinstance(event, Step):
            events.put(event)

    def work() -> None:
        try:
            outcome["result"] = asyncio.run(session.run(plan, project, [listen], token,
                                                        circled_only=True))
        except BaseException as error:  # handed to the generator's thread below
            outcome["error"] = error
        finally:
            events.put(None)

    thread = threading.Thread(target=work, name="farm-take", daemon=True)
    thread.start()
    try:
        while (event := _next(events)) is not None:
            yield {"step": event.index, "total": event.total}
    except BaseException:
        token.cancel()
        thread.join()
        raise
    thread.join()
    _check(outcome, job, name)


def _next(events: queue.SimpleQueue[RenderEvent | None]) -> RenderEvent | None:
    """The next event, waiting in short slices so that Ray's cancellation gets through."""
    while True:
        try:
            return events.get(timeout=_POLL_S)
        except queue.Empty:
            continue


def _check(outcome: dict[str, Any], job: FarmJob, name: str) -> None:
    if "error" in outcome:
        raise outcome["error"]
    result: RunResult = outcome["result"]
    if job.node_id in result.cancelled:
        raise Cancelled("cancelled")
    if job.node_id in result.failed:
        raise WorkerError(f"on {name}: {result.failed[job.node_id]}")
