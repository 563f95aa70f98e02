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
        """Pass the worker's reports on in order and take in its entry."""
        token = job.context.cancel
        watcher = asyncio.ensure_future(_cancel_when_asked(token, stream))
        node_id, take = farm_job.node_id, farm_job.take
        try:
            async for ref in stream:
                item = await ref
                if "worker" in item:
                    job.emit(Started(node_id, take, str(item["worker"])))
                elif "step" in item:
                    job.emit(Step(node_id, take, int(item["step"]), int(item["total"])))
                elif isinstance(item.get("entry"), EntryBytes):
                    return await asyncio.to_thread(adopt_entry, job.context.store,
                                                   item["entry"])
            raise NodeError("the worker ended without sending its clip")
        except asyncio.CancelledError:
            ray.cancel(stream)
            raise
        except (NodeError, StoreError):
            raise
        except Exception as error:
            raise self._failure(error, token) from None
        finally:
            watcher.cancel()

    def _failure(self, error: Exception, token: CancelToken) -> Exception:
        """What a Ray error means for the take: cancelled, failed, or the cluster lost."""
        if token.cancelled or isinstance(error, TaskCancelledError):
            return Cancelled("cancelled")
        if isinstance(error, RayTaskError):
            cause = error.cause
            if isinstance(cause, Cancelled | TaskCancelledError):
                return Cancelled("cancelled")
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
        if self._started_ray:
            ray.shutdown()
            self._started_ray = False
        self.local.close()


async def _cancel_when_asked(token: CancelToken, stream: Any) -> None:
    while not token.cancelled:
        await asyncio.sleep(_WATCH_S)
    ray.cancel(stream)


def _task_name(job: TakeJob) -> str:
    return f"previz {job.planned.label} take {job.take + 1}"


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:300]
