"""``RayRunner``: the executor's takes rendered on a Ray cluster, the results back by key.

Takes that make clips go to the cluster as farm jobs, placed by Ray on a worker with the
resources their backend needs, retried by Ray when their worker dies and cancelled through
Ray; everything else (prompts, moves, scenes: small and quick) runs here. A worker's steps
come back in order and go to the same listeners as a local render's; its entry comes back
through Ray and is verified before the head's store takes it, so the store and every report
are what a local render leaves.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from typing import Any

import ray
from ray.exceptions import RayError, RayTaskError, TaskCancelledError, WorkerCrashedError
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from previz.engine.backend import Cancelled, CancelToken
from previz.engine.context import NodeError
from previz.engine.events import Started, Step
from previz.engine.runner import LocalRunner, TakeJob
from previz.engine.sidecar import StoreError
from previz.farm.entries import EntryBytes, adopt_entry, read_entry
from previz.farm.job import FarmJob, job_for, makes_clips
from previz.farm.worker import WorkerError, render_take, sweep_store

log = logging.getLogger(__name__)
MAX_RETRIES = 3
_WATCH_S = 0.05
_PROBE_S = 1.0
_RENDER_TAKE = ray.remote(render_take)  # exported to the cluster once, on first use
_SWEEP_STORE = ray.remote(sweep_store)


class FarmConnectionError(NodeError):
    """The cluster cannot be reached (any more); what rendered before is kept."""


class RayRunner:
    """Runs clip-making takes on the Ray cluster at ``address``, the rest on this machine."""

    def __init__(self, address: str, *, max_retries: int = MAX_RETRIES) -> None:
        self.address = address
        self.max_retries = max_retries
        self.local = LocalRunner()
        self.lost = ""  # why the cluster was lost, once it is
        self._connect_lock = asyncio.Lock()
        self._started_ray = False
        self._probed_at = 0.0
        self._misses = 0
        self._problem: BaseException | None = None

    def connect(self) -> None:
        """Join the cluster (once); ``FarmConnectionError`` if it cannot be reached."""
        if ray.is_initialized():
            return
        host = self.address.rsplit(":", 1)[0]
        extra: dict[str, Any] = {"_node_ip_address": host} if host.startswith("127.") else {}
        try:
            ray.init(address=self.address, logging_level=logging.ERROR, log_to_driver=False,
                     namespace="previz", **extra)
        except (ConnectionError, RuntimeError, ValueError) as error:
            raise FarmConnectionError(f"cannot reach the Ray cluster at {self.address}:"
                                      f" {_first_line(error)}") from None
        self._started_ray = True

    async def run(self, job: TakeJob) -> Any:
        """A clip-making take rendered on the cluster; any other job here."""
        if job.project is None or not makes_clips(job.planned):
            return await self.local.run(job)
        if self.lost:
            job.context.cancel.cancel()
            raise Cancelled(self.lost)
        async with self._connect_lock:
            await asyncio.to_thread(self.connect)
        farm_job = job_for(job)
        store = job.context.store
        upstream = {key: ray.put(await asyncio.to_thread(read_entry, store, key))
                    for key in farm_job.upstream}
        assets = {sha256: ray.put(job.project.assets[sha256].data)
                  for sha256 in farm_job.assets}
        remote = _RENDER_TAKE.options(
            num_cpus=farm_job.resources.cpus, num_gpus=farm_job.resources.gpus,
            max_retries=self.max_retries, retry_exceptions=False, name=_task_name(job))
        stream = remote.remote(farm_job.to_text(), upstream, assets)
        return await self._follow(stream, job, farm_job)

    async def _follow(self, stream: Any, job: TakeJob, farm_job: FarmJob) -> Any:
        """The take's clip, once the worker's reports are passed on; the take stops early
        if it is cancelled or the cluster stops answering."""
        token = job.context.cancel
        reading = asyncio.ensure_future(self._read(stream, job, farm_job))
        watching = asyncio.ensure_future(self._watch(token, stream))
        try:
            await asyncio.wait({reading, watching}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            if not self.lost:  # with the cluster gone, Ray's cancel would block
                ray.cancel(stream)
            reading.cancel()
            watching.cancel()
            raise
        if not reading.done():  # the head stopped answering
            reading.cancel()
            raise self._lose(watching.result(), token)
        watching.cancel()
        try:
            return reading.result()
        except (NodeError, StoreError):
            raise
        except Exception as error:
            raise self._failure(error, token) from None

    async def _read(self, stream: Any, job: TakeJob, farm_job: FarmJob) -> Any:
        """Pass the worker's reports on in order and take in its entry."""
        node_id, take = farm_job.node_id, farm_job.take
        async for ref in stream:
            item = await ref
            if "worker" in item:
                job.emit(Started(node_id, take, str(item["worker"])))
            elif "step" in item:
                job.emit(Step(node_id, take, int(item["step"]), int(item["total"])))
            elif isinstance(item.get("entry"), EntryBytes):
                return await asyncio.to_thread(adopt_entry, job.context.store, item["entry"])
        raise NodeError("the worker ended without sending its clip")

    async def _watch(self, token: CancelToken, stream: Any) -> BaseException:
        """Ask Ray to cancel the take when ``token`` is; return (the reason) only when the
        cluster's head stops answering, which Ray itself may wait a minute to notice."""
        asked = False
        while True:
            await asyncio.sleep(_WATCH_S)
            problem = await self._head_problem()
            if problem is not None or self.lost:
                return problem or ConnectionError(self.lost)
            if token.cancelled and not asked:
                ray.cancel(stream)
                asked = True

    async def _head_problem(self) -> BaseException | None:
        """Why the head does not answer (two probes in a row failed), or None; probed at
        most once a second however many takes ask."""
        now = time.monotonic()
        if now - self._probed_at >= _PROBE_S:
            self._probed_at = now
            problem = await asyncio.to_thread(_probe, self.address)
            self._misses = self._misses + 1 if problem else 0
            self._problem = problem
        return self._problem if self._misses >= 2 else None

    def _failure(self, error: Exception, token: CancelToken) -> Exception:
        """What a Ray error means for the take: cancelled, failed, or the cluster lost."""
        if token.cancelled or isinstance(error, TaskCancelledError):
            return Cancelled("cancelled")
        problem = _probe(self.address)
        if problem is not None:
            return self._lose(problem, token)
        if isinstance(error, RayTaskError):
            cause = error.cause
            if isinstance(cause, Cancelled | TaskCancelledError):  # not asked: stopped
                return NodeError("its worker was stopped before the take was rendered")
            return NodeError(str(cause) if isinstance(cause, WorkerError | NodeError)
                             else f"on the farm: {_first_line(cause or error)}")
        if isinstance(error, WorkerCrashedError):
            return NodeError(f"its worker died {self.max_retries + 1} times; the take was"
                             " not rendered")
        if isinstance(error, RayError | ConnectionError):
            return self._lose(error, token)
        return error

    def _lose(self, error: BaseException, token: CancelToken) -> Cancelled:
        """The cluster is gone: said once, and the rest of the run stops (what rendered is
        in the store already)."""
        if not self.lost:
            self.lost = (f"lost the connection to the Ray cluster at {self.address}:"
                         f" {_first_line(error)}")
            log.info("%s", self.lost)  # the front end says it once, as its own error
        token.cancel()
        return Cancelled(self.lost)

    def sweep(self) -> list[dict[str, Any]]:
        """On every live worker node, remove what killed workers left half-written."""
        if not ray.is_initialized() or self.lost:
            return []
        refs = [_SWEEP_STORE.options(num_cpus=0, scheduling_strategy=NodeAffinitySchedulingStrategy(
                    node["NodeID"], soft=False)).remote()
                for node in ray.nodes() if node["Alive"] and node["Resources"].get("CPU")]
        return list(ray.get(refs, timeout=120))

    def close(self) -> None:
        """Sweep the workers' stores, leave the cluster, stop the local threads."""
        try:
            self.sweep()
        except Exception as error:  # a cluster going away at the end loses nothing
            log.warning("could not sweep the workers' stores: %s", _first_line(error))
        if self._started_ray and not self.lost:  # a lost cluster cannot be left politely
            ray.shutdown()
            self._started_ray = False
        self.local.close()


def _probe(address: str) -> BaseException | None:
    """Whether the head at ``address`` (host:port) takes a connection: None, or why not."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        return None  # an address Ray resolves itself (auto, ray://…): Ray notices
    try:
        socket.create_connection((host, int(port)), timeout=_PROBE_S).close()
    except OSError as error:
        return ConnectionError(f"its head does not answer ({error.strerror or error})")
    return None


def _task_name(job: TakeJob) -> str:
    return f"previz {job.planned.label} take {job.take + 1}"


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:300]
