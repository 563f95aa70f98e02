"""The executor: runs a plan on asyncio, heavy work in one worker thread per device.

Work is pulled from the targets: every node that makes clips looks its takes up in the store
and runs only the missing ones, each take its own job (the circled take first, since that is
what flows downstream); only then does it ask for its inputs, so a node whose outputs are not
needed (a prompt feeding cached shots) does not run. Values of nodes that make no clips are
kept in memory by key for the executor's life. A failing node fails its descendants only;
independent branches go on. Cancellation stops a running take within one step and leaves
nothing in the store.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from previz.core.ports import PortType
from previz.core.project import Project
from previz.core.values import Clip
from previz.engine.backend import BackendSet, Cancelled, CancelToken
from previz.engine.context import ExecuteContext, MediaServices, NodeError
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
from previz.engine.runner import LocalRunner, Runner, TakeJob
from previz.engine.store import ClipStore

log = logging.getLogger(__name__)


class _NodeFailed(Exception):
    """A node (or one upstream of it) did not produce its output.

    ``origin`` names the node that failed first, as a user knows it, and ``reason`` says why.
    """

    def __init__(self, origin: str, reason: str, message: str = "") -> None:
        super().__init__(message or reason)
        self.origin, self.reason = origin, reason


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
        """Whether every take of every node was produced."""
        return not self.failed and not self.cancelled


class Executor:
    """Runs plans against a clip store and a set of backends; each take job goes to the
    ``runner`` (default: this machine's worker threads)."""

    def __init__(self, store: ClipStore, backends: BackendSet,
                 runner: Runner | None = None) -> None:
        self.store = store
        self.backends = backends
        self.runner: Runner = runner or LocalRunner()
        self.values = ValueCache()

    async def run(self, plan: ExecutionPlan, project: Project,
                  listeners: Iterable[Listener] = (),
                  cancel: CancelToken | None = None, *, circled_only: bool = False) -> RunResult:
        """Render every node of ``plan``; the plan must have no problems. With
        ``circled_only``, just the circled take of each node (a farm worker's one take).

        If the task running this is cancelled (Ctrl-C under ``asyncio.run``), the token is
        cancelled too, so the running take stops within one step and leaves nothing behind.
        """
        if not plan.ok:
            raise ValueError("the plan has problems; compile again after fixing them")
        token = cancel or CancelToken()
        run = _Run(self, plan, project, list(listeners), token, circled_only=circled_only)
        try:
            return await run.execute()
        except asyncio.CancelledError:
            token.cancel()
            raise

    def close(self) -> None:
        """Stop the runner once its current jobs end."""
        self.runner.close()


_MISSING = object()


class ValueCache:
    """Outputs of nodes that make no clips (prompts, moves), by key, least recent out first.

    They are small and quick to make but not stored on disk; keeping them lets a later run
    skip them, so editing a shot re-runs that shot and not the prompt feeding it.
    """

    def __init__(self, max_items: int = 4096) -> None:
        self.max_items = max_items
        self._values: OrderedDict[str, Any] = OrderedDict()

    def get(self, key: str, default: Any = None) -> Any:
        """The value kept under ``key``, else ``default``."""
        if key not in self._values:
            return default
        self._values.move_to_end(key)
        return self._values[key]

    def put(self, key: str, value: Any) -> None:
        """Keep ``value`` under ``key``."""
        self._values[key] = value
        self._values.move_to_end(key)
        while len(self._values) > self.max_items:
            self._values.popitem(last=False)


class _Run:
    """One run of one plan: node tasks (made when first needed), take jobs and the result."""

    def __init__(self, executor: Executor, plan: ExecutionPlan, project: Project,
                 listeners: list[Listener], cancel: CancelToken, *,
                 circled_only: bool = False) -> None:
        self.executor, self.plan, self.project = executor, plan, project
        self.listeners, self.cancel = listeners, cancel
        self.circled_only = circled_only
        self.result = RunResult()
        self.media = MediaServices(executor.store, project.assets)
        self.loop = asyncio.get_running_loop()
        self.nodes: dict[str, asyncio.Task[Any]] = {}
        self.jobs: list[asyncio.Task[Any]] = []
        self.renders: dict[str, asyncio.Task[Any]] = {}

    async def execute(self) -> RunResult:
        for node_id in self.plan.order:
            for take in sorted(self.takes_of(self.plan.nodes[node_id])):
                self.emit(Queued(node_id, take))
        targets = set(self.plan.targets)
        for node_id in self.plan.order:
            if _makes_clips(self.plan.nodes[node_id]) or node_id in targets:
                self.request(node_id)
        while pending := [task for task in (*self.nodes.values(), *self.jobs) if not task.done()]:
            await asyncio.wait(pending)  # tasks made meanwhile are picked up on the next round
        for task in (*self.nodes.values(), *self.jobs):
            if not task.cancelled():
                task.exception()  # every failure is settled already; this marks it as seen
        for node_id in self.plan.order:
            if node_id not in self.nodes:
                self.settle_unneeded(self.plan.nodes[node_id])
        return self.result

    def takes_of(self, planned: PlannedNode) -> list[int]:
        """The takes of ``planned`` this run renders, the circled one first."""
        if not _makes_clips(planned):
            return [0]
        return [planned.circled_take] if self.circled_only else _take_order(planned)

    def request(self, node_id: str) -> asyncio.Task[Any]:
        """The task making ``node_id``'s output, started on first request."""
        if node_id not in self.nodes:
            planned = self.plan.nodes[node_id]
            self.nodes[node_id] = asyncio.ensure_future(self.guard(planned))
        return self.nodes[node_id]

    async def guard(self, planned: PlannedNode) -> Any:
        """Run a node; an error outside its own code (a broken store, say) fails it too."""
        try:
            return await self.run_node(planned)
        except (_NodeFailed, Cancelled):
            raise
        except Exception as error:
            log.exception("%s: the engine failed", planned.label)
            failure = _NodeFailed(planned.label, _message(error))
            for take in sorted(self.takes_of(planned)):
                self.settle(planned, take, failure)
            raise failure from error

    def emit(self, event: RenderEvent) -> None:
        for listener in self.listeners:
            try:
                listener(event)
            except Exception:
                log.exception("a progress listener failed on %s", event)

    def emit_threadsafe(self, event: RenderEvent) -> None:
        try:
            self.loop.call_soon_threadsafe(self.emit, event)
        except RuntimeError:  # the loop closed under a take that is still stopping
            log.debug("event after the loop closed: %s", event)

    async def run_node(self, planned: PlannedNode) -> Any:
        if _makes_clips(planned):
            return await self.run_takes(planned)
        value = self.executor.values.get(planned.key, _MISSING)
        if value is not _MISSING:
            self.emit(Cached(planned.node_id, 0))
        else:
            inputs = await self.gather_inputs(planned, [0])
            value = await self.run_job(planned, 0, inputs)
            self.executor.values.put(planned.key, value)
        self.result.outputs[planned.node_id] = value
        return value

    async def run_takes(self, planned: PlannedNode) -> Clip:
        node_id, circled = planned.node_id, planned.circled_take
        clips: list[Clip | None] = [None] * len(planned.keys)
        self.result.takes[node_id] = clips
        missing = []
        for take in self.takes_of(planned):
            clips[take] = self.executor.store.clip(planned.keys[take])
            if clips[take] is None:
                missing.append(take)
            else:
                self.emit(Cached(node_id, take))
        if missing:
            try:
                await self.render_takes(planned, missing, clips)
            except (_NodeFailed, Cancelled):
                if clips[circled] is None:
                    raise
        clip = clips[circled]
        assert clip is not None
        self.result.outputs[node_id] = clip
        return clip

    async def render_takes(self, planned: PlannedNode, takes: Sequence[int],
                           clips: list[Clip | None]) -> None:
        """Run the missing ``takes`` as separate jobs; wait for the circled one if missing."""
        inputs = await self.gather_inputs(planned, takes)
        jobs = {}
        for take in takes:
            key = planned.keys[take]
            if key in self.renders:  # a duplicate node: the same take is being rendered
                jobs[take] = asyncio.ensure_future(self.follow(planned, take, self.renders[key]))
            else:
                jobs[take] = asyncio.ensure_future(self.run_job(planned, take, inputs))
                self.renders[key] = jobs[take]
            jobs[take].add_done_callback(partial(_keep, clips, take))
        self.jobs.extend(jobs.values())
        if planned.circled_take in jobs:
            clips[planned.circled_take] = await jobs[planned.circled_take]

    async def follow(self, planned: PlannedNode, take: int, job: asyncio.Task[Any]) -> Clip:
        """Wait for another node's job that renders the same key; nothing runs twice."""
        try:
            clip = await job
        except (_NodeFailed, Cancelled) as error:
            self.settle(planned, take, error)
            raise
        self.emit(Cached(planned.node_id, take))
        return clip

    async def gather_inputs(self, planned: PlannedNode, takes: Sequence[int]) -> dict[str, Any]:
        """The values on ``planned``'s inputs; if one cannot be had, ``takes`` are settled."""
        inputs = {}
        try:
            for name, ref in planned.inputs.items():
                try:
                    value = await self.request(ref.node)
                except _NodeFailed as error:
                    message = f"not rendered: {error.origin} failed: {error.reason}"
                    raise _NodeFailed(error.origin, error.reason, message) from error
                inputs[name] = _port_value(self.plan.nodes[ref.node], ref.port, value)
        except (_NodeFailed, Cancelled) as error:
            for take in takes:
                self.settle(planned, take, error)
            raise
        return inputs

    def settle(self, planned: PlannedNode, take: int, error: BaseException) -> None:
        """Record and announce that ``take`` was cancelled or failed."""
        node_id = planned.node_id
        if isinstance(error, Cancelled):
            self.result.cancelled.add(node_id)
            self.emit(CancelledEvent(node_id, take))
            return
        message = str(error)
        if take == planned.circled_take:
            self.result.failed[node_id] = message
        else:
            self.result.failed.setdefault(node_id, f"take {take + 1}: {message}")
        self.emit(Failed(node_id, take, message))

    def settle_unneeded(self, planned: PlannedNode) -> None:
        """A node nothing asked for: its consumers were cached (or the run was cancelled)."""
        for take in sorted(self.takes_of(planned)):
            if self.cancel.cancelled:
                self.result.cancelled.add(planned.node_id)
                self.emit(CancelledEvent(planned.node_id, take))
            else:
                self.emit(Cached(planned.node_id, take))

    async def run_job(self, planned: PlannedNode, take: int, inputs: dict[str, Any]) -> Any:
        if self.cancel.cancelled:
            error = Cancelled("cancelled before it started")
            self.settle(planned, take, error)
            raise error
        context = self.context(planned, take)
        job = TakeJob(planned, take, self.device(planned), context, inputs,
                      partial(self.call, planned, context, inputs), self.project, self.emit)
        try:
            value = await self.executor.runner.run(job)
        except Cancelled as error:
            self.settle(planned, take, error)
            raise
        except Exception as error:
            log.debug("%s take %d failed", planned.label, take, exc_info=True)
            failure = _NodeFailed(planned.label, _message(error))
            self.settle(planned, take, failure)
            raise failure from error
        if planned.model and planned.fingerprint:
            self.result.models[planned.model] = planned.fingerprint
        self.emit(Done(planned.node_id, take))
        return value

    def call(self, planned: PlannedNode, context: ExecuteContext, inputs: dict[str, Any]) -> Any:
        """Runs on the worker thread; whatever clip the node left unfinished is thrown away."""
        context.cancel.check()
        self.emit_threadsafe(Started(planned.node_id, context.take))
        execute = planned.node_type.execute
        assert execute is not None  # the compiler refuses nodes without one
        try:
            value = execute(context, **inputs)
        finally:
            context.close()
        if _makes_clips(planned) and not (isinstance(value, Clip) and value.key == context.key):
            raise NodeError(f"{planned.spec.id} returned {type(value).__name__}, not the clip"
                            " it was asked to write")
        return value

    def context(self, planned: PlannedNode, take: int) -> ExecuteContext:
        seed = planned.params.get("seed")
        seed = seed + take if isinstance(seed, int) else None
        node_id = planned.node_id
        return ExecuteContext(
            node_id=node_id, label=planned.label, params=planned.params, take=take, seed=seed,
            key=planned.keys[take] if planned.keys else "", store=self.executor.store,
            media=self.media, cancel=self.cancel,
            backend=self.executor.backends.get(planned.backend) if planned.backend else None,
            model=planned.model,
            report=lambda index, total: self.emit_threadsafe(Step(node_id, take, index, total)),
            provenance=_provenance(planned, take, seed),
        )

    def device(self, planned: PlannedNode) -> str:
        backend = self.executor.backends.get(planned.backend) if planned.backend else None
        return backend.device if backend is not None else "cpu"


def _take_order(planned: PlannedNode) -> list[int]:
    circled = planned.circled_take
    return [circled, *(take for take in range(len(planned.keys)) if take != circled)]


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
