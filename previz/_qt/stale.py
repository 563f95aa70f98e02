"""Rendering what is stale before files are written (export, Save for Sharing)."""

from __future__ import annotations

from dataclasses import dataclass

from previz._qt.qt_render_queue import QtRenderQueue
from previz.engine.plan import ExecutionPlan


@dataclass(frozen=True)
class Rendered:
    """The compiled timeline, all of it in the store (``plan``), or why not (``problem``)."""

    plan: ExecutionPlan | None
    problem: str = ""


async def render_stale(queue: QtRenderQueue) -> Rendered:
    """Render the timeline through ``queue`` (only what is not cached renders) and wait."""
    if queue.is_running:
        return Rendered(None, "A render is running: wait for it or cancel it first.")
    task = queue.render(None)
    plan = queue.plan
    if task is None:
        if plan is not None and not plan.ok:
            return Rendered(None, f"The project has {len(plan.problems)} problem(s):"
                                  " see the log.")
        return Rendered(None, "The timeline is empty: there is nothing to write.")
    result = await task
    if result is None or result.cancelled:
        return Rendered(None, "The render was stopped; nothing was written.")
    if result.failed:
        return Rendered(None, f"{len(result.failed)} node(s) failed to render: see the log.")
    return Rendered(plan)
