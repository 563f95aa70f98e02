"""Runners: where the executor's take jobs run (here, one worker thread per device).

The executor decides what renders and in what order; a runner only runs one job and returns
its value. ``LocalRunner`` is the desktop's: one thread per device, so a GPU renders one take at
a time while the event loop stays free. A render-farm runner implements the same two methods.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from previz.core.project import Project
from previz.engine.context import ExecuteContext
from previz.engine.events import RenderEvent
from previz.engine.plan import PlannedNode


@dataclass(frozen=True)
class TakeJob:
    """One take of one node, ready to run: its plan entry, inputs and execute context.

    ``work`` runs it in this process (the node's ``execute`` on ``context`` and ``inputs``,
    checked); a runner elsewhere sends ``planned``, the take and its sub-graph of ``project``
    instead, and reports what its worker does through ``emit`` (on the event loop's thread).
    """

    planned: PlannedNode
    take: int
    device: str
    context: ExecuteContext
    inputs: dict[str, Any]
    work: Callable[[], Any] = field(compare=False)
    project: Project | None = field(default=None, compare=False)
    emit: Callable[[RenderEvent], None] = field(default=lambda event: None, compare=False)


class Runner(Protocol):
    """Runs take jobs for an executor."""

    async def run(self, job: TakeJob) -> Any:
        """The value of ``job``, or its exception (``Cancelled`` when its token was)."""
        ...

    def close(self) -> None:
        """Stop taking jobs; the running ones end (they see their cancel token)."""
        ...


class LocalRunner:
    """Runs each job on this machine, on the one worker thread of its device."""

    def __init__(self) -> None:
        self._workers: dict[str, ThreadPoolExecutor] = {}

    async def run(self, job: TakeJob) -> Any:
        """Run ``job.work`` on its device's thread and wait for it without blocking the loop."""
        return await asyncio.get_running_loop().run_in_executor(self.worker(job.device),
                                                                job.work)

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
