"""The executor: runs a plan on asyncio, heavy work in one worker thread per device.

Each node waits for its inputs, then runs; a node that makes clips runs each take as its own
job (the circled take first, since that is what flows downstream) and takes found in the store
are not run at all. A failing node fails its descendants only; independent branches go on.
Cancellation stops a running take within one step and leaves nothing in the store.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from previz.core.ports import PortType
from previz.core.project import Project
from previz.core.values import Clip
from previz.engine.backend import BackendSet, Cancelled, CancelToken
from previz.engine.context import ExecuteContext, MediaServices
from previz.engine.events import (
    Cached,
    CancelledEvent,
    Done,
    Failed,
    Listener,
    Queued,
    RenderEvent,
    Started,
    Step,
)
from previz.engine.plan import ExecutionPlan, PlannedNode
from previz.engine.store import ClipStore

log = logging.getLogger(__name__)


class _NodeFailed(Exception):
    """A node (or one upstream of it) did not produce its output."""


@dataclass
class RunResult:
    """What a run produced: each node's output, every take, failures, cancellations."""

    outputs: dict[str, Any] = field(default_factory=dict)
    takes: dict[str, list[Clip | None]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    cancelled: set[str] = field(default_factory=set)
    models: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether every node produced its output."""
        return not self.failed and not self.cancelled


class Executor:
    """Runs plans against a clip store and a set of backends."""

    def __init__(self, store: ClipStore, backends: BackendSet) -> None:
        self.store = store
        self.backends = backends
        self._workers: dict[str, ThreadPoolExecutor] = {}

    async def run(self, plan: ExecutionPlan, project: Project,
                  listeners: Iterable[Listener] = (),
                  cancel: CancelToken | None = None) -> RunResult:
        """Render every node of ``plan``; the plan must have no problems."""
        if not plan.ok:
            raise ValueError("the plan has problems; compile again after fixing them")
        run = _Run(self, plan, project, list(listeners), cancel or CancelToken())
        return await run.execute()

    def worker(self, device: str) -> ThreadPoolExecutor:
        """The one worker thread of ``device``."""
        if device not in self._workers:
            self._workers[device] = ThreadPoolExecutor(1, thread_name_prefix=f"render-{device}")
        return self._workers[device]

    def close(self) -> None:
        """Stop the worker threads once their current jobs end."""
        for worker in self._workers.values():
            worker.shutdown(wait=True, cancel_futures=True)
        self._workers.clear()


class _Run:
    """One run of one plan: node tasks, take jobs and the result they fill in."""

    def __init__(self, executor: Executor, plan: ExecutionPlan, project: Project,
                 listeners: list[Listener], cancel: CancelToken) -> None:
        self.executor, self.plan, self.project = executor, plan, project
        self.listeners, self.cancel = listeners, cancel
        self.result = RunResult()
        self.media = MediaServices(executor.store, project.assets)
        self.loop = asyncio.get_running_loop()
        self.nodes: dict[str, asyncio.Task[Any]] = {}
        self.takes: list[asyncio.Task[Any]] = []

    async def execute(self) -> RunResult:
        for node_id in self.plan.order:
            self.nodes[node_id] = asyncio.ensure_future(self.run_node(self.plan.nodes[node_id]))
        await asyncio.gather(*self.nodes.values(), return_exceptions=True)
        await asyncio.gather(*self.takes, return_exceptions=True)
        return self.result

    def emit(self, event: RenderEvent) -> None:
        for listener in self.listeners:
            try:
                listener(event)
            except Exception:
                log.exception("a progress listener failed on %s", event)

    def emit_threadsafe(self, event: RenderEvent) -> None:
        self.loop.call_soon_threadsafe(self.emit, event)

    async def run_node(self, planned: PlannedNode) -> Any:
        try:
            inputs = await self.gather_inputs(planned)
        except (_NodeFailed, Cancelled) as error:
            self.settle_blocked(planned, error)
            raise
        if _makes_clips(planned):
            return await self.run_takes(planned, inputs)
        return await self.run_job(planned, 0, inputs, stores_clip=False)

    async def gather_inputs(self, planned: PlannedNode) -> dict[str, Any]:
        inputs = {}
        for name, ref in planned.inputs.items():
            try:
                value = await self.nodes[ref.node]
            except _NodeFailed as error:
                upstream = self.plan.nodes[ref.node].label
                raise _NodeFailed(f"{upstream} failed") from error
            inputs[name] = _port_value(self.plan.nodes[ref.node], ref.port, value)
        return inputs

    def settle_blocked(self, planned: PlannedNode, error: BaseException) -> None:
        for take in range(len(planned.keys)):
            if isinstance(error, Cancelled):
                self.result.cancelled.add(planned.node_id)
                self.emit(CancelledEvent(planned.node_id, take))
            else:
                self.result.failed[planned.node_id] = f"not rendered: {error}"
                self.emit(Failed(planned.node_id, take, f"not rendered: {error}"))

    async def run_takes(self, planned: PlannedNode, inputs: dict[str, Any]) -> Clip:
        count, circled = len(planned.keys), planned.circled_take
        order = [circled, *(take for take in range(count) if take != circled)]
        clips: list[Clip | None] = [None] * count
        self.result.takes[planned.node_id] = clips
        jobs = {}
        for take in order:
            self.emit(Queued(planned.node_id, take))
            jobs[take] = asyncio.ensure_future(self.run_job(planned, take, inputs, True))
            jobs[take].add_done_callback(lambda job, take=take: _keep(clips, take, job))
        self.takes.extend(jobs.values())
        clip = await jobs[circled]
        self.result.outputs[planned.node_id] = clip
        return clip

    async def run_job(self, planned: PlannedNode, take: int, inputs: dict[str, Any],
                      stores_clip: bool) -> Any:
        node_id = planned.node_id
        if stores_clip:
            cached = self.executor.store.clip(planned.keys[take])
            if cached is not None:
                self.emit(Cached(node_id, take))
                return cached
        if self.cancel.cancelled:
            self.result.cancelled.add(node_id)
            self.emit(CancelledEvent(node_id, take))
            raise Cancelled("cancelled before it started")
        context = self.context(planned, take)
        worker = self.executor.worker(self.device(planned))
        try:
            value = await self.loop.run_in_executor(worker, self.call, planned, context, inputs)
        except Cancelled:
            self.result.cancelled.add(node_id)
            self.emit(CancelledEvent(node_id, take))
            raise
        except Exception as error:
            message = _message(error)
            log.debug("%s take %d failed", planned.label, take, exc_info=True)
            if take == planned.circled_take:
                self.result.failed[node_id] = message
            self.emit(Failed(node_id, take, message))
            raise _NodeFailed(message) from error
        self.record(planned, take, value, stores_clip)
        return value

    def call(self, planned: PlannedNode, context: ExecuteContext, inputs: dict[str, Any]) -> Any:
        """Runs on the worker thread."""
        self.emit_threadsafe(Started(planned.node_id, context.take))
        context.cancel.check()
        execute = planned.node_type.execute
        assert execute is not None  # the compiler refuses nodes without one
        value = execute(context, **inputs)
        if _makes_clips(planned) and not (isinstance(value, Clip) and value.key == context.key):
            raise TypeError(f"{planned.spec.id} returned {type(value).__name__}, not the clip"
                            " it was asked to write")
        return value

    def record(self, planned: PlannedNode, take: int, value: Any, stores_clip: bool) -> None:
        if planned.model and planned.fingerprint:
            self.result.models[planned.model] = planned.fingerprint
        if not stores_clip:
            self.result.outputs[planned.node_id] = value
        self.emit(Done(planned.node_id, take))

    def context(self, planned: PlannedNode, take: int) -> ExecuteContext:
        seed = planned.params.get("seed")
        seed = seed + take if isinstance(seed, int) else None
        node_id = planned.node_id
        settings = self.project.settings
        return ExecuteContext(
            node_id=node_id, label=planned.label, params=planned.params, take=take, seed=seed,
            key=planned.keys[take] if planned.keys else "", store=self.executor.store,
            media=self.media, cancel=self.cancel,
            backend=self.executor.backends.get(planned.backend) if planned.backend else None,
            model=planned.model, rate=settings.rate, width=settings.width,
            height=settings.height,
            report=lambda index, total: self.emit_threadsafe(Step(node_id, take, index, total)),
            provenance=_provenance(planned, take, seed),
        )

    def device(self, planned: PlannedNode) -> str:
        backend = self.executor.backends.get(planned.backend) if planned.backend else None
        return backend.device if backend is not None else "cpu"


def _makes_clips(planned: PlannedNode) -> bool:
    outputs = planned.spec.outputs
    return bool(outputs) and all(port.type is PortType.CLIP for port in outputs)


def _port_value(planned: PlannedNode, port: str, value: Any) -> Any:
    if len(planned.spec.outputs) > 1 and isinstance(value, Mapping):
        return value[port]
    return value


def _keep(clips: list[Clip | None], take: int, job: asyncio.Future[Any]) -> None:
    if not job.cancelled() and job.exception() is None:
        clips[take] = job.result()


def _message(error: Exception) -> str:
    text = str(error) or type(error).__name__
    return text if type(error).__name__ in ("NodeError", "MediaError", "StoreError") else (
        f"{type(error).__name__}: {text}")


def _provenance(planned: PlannedNode, take: int, seed: int | None) -> dict[str, Any]:
    return {
        "node_type": planned.spec.id, "node_version": planned.spec.version,
        "backend": planned.backend, "model": planned.model,
        "model_fingerprint": planned.fingerprint, "take": take, "seed": seed,
    }
