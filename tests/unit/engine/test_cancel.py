"""Cancellation: stops within one step, leaves nothing in the store, and a re-run gives the
very frames an uncancelled render gives."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from pathlib import Path

import numpy as np
from engine_pack import SLOW, TRANSFORM, Studio, add, cut, wire

from previz.core.project import Node, Project
from previz.engine.backend import CancelToken
from previz.engine.events import CancelledEvent, Done, RenderEvent, Started, Step


def slow_project(studio: Studio, takes: int = 1) -> tuple[Project, Node, Node]:
    project = Project()
    slow = add(project, studio.registry, SLOW, frames=30, delay=0.04, seed=5, takes=takes,
               name="Crane up")
    grade = add(project, studio.registry, TRANSFORM, offset=9)
    wire(project, slow, grade, "clip")
    cut(project, grade)
    return project, slow, grade


def reference_frames(tmp_path: Path, takes: int = 1) -> tuple[str, list[np.ndarray]]:
    """The same clip rendered without interruption (and without the delay, which is not part
    of the picture) in a store of its own."""
    studio = Studio(tmp_path / "reference")
    try:
        project, slow, _ = slow_project(studio, takes)
        project.set_param(slow.id, "delay", 0.0)
        run = studio.render(project, [slow.id])
        clip = run.result.outputs[slow.id]
        return clip.key, studio.frames(clip)
    finally:
        studio.close()


def assert_nothing_stored(studio: Studio, key: str) -> None:
    assert not studio.store.has(key)
    assert studio.store.clip(key) is None
    assert studio.store.entries() == []
    assert studio.incoming() == []


def test_cancel_mid_clip_stops_within_a_step_and_leaves_nothing(studio: Studio,
                                                               tmp_path: Path) -> None:
    project, slow, grade = slow_project(studio)
    token = CancelToken()
    made_at_cancel: list[int] = []

    def cancel_at_step_five(event: RenderEvent) -> None:
        if isinstance(event, Step) and event.node_id == slow.id and event.index == 5:
            made_at_cancel.append(studio.counter.steps[slow.id])
            token.cancel()

    run = studio.render(project, cancel=token, listeners=[cancel_at_step_five])
    key = run.plan.nodes[slow.id].key
    assert made_at_cancel, "the slow node never reached step 5"
    assert studio.counter.steps[slow.id] - made_at_cancel[0] <= 1
    assert studio.counter.steps[slow.id] < 30
    assert run.of(slow, CancelledEvent) and run.of(grade, CancelledEvent)
    assert not run.of(slow, Done) and not run.of(grade, Started)
    assert run.result.cancelled == {slow.id, grade.id}
    assert not run.result.ok
    assert_nothing_stored(studio, key)

    again = studio.render(project)
    assert again.result.ok
    assert studio.counter.runs == {slow.id: 1, grade.id: 1}
    reference_key, reference = reference_frames(tmp_path)
    assert reference_key == key
    frames = studio.frames(again.result.outputs[slow.id])
    assert len(frames) == 30
    assert all(np.array_equal(got, want) for got, want in zip(frames, reference, strict=True))


def test_cancel_from_another_thread_also_cancels_takes_not_yet_started(studio: Studio) -> None:
    project, slow, _ = slow_project(studio, takes=3)
    token = CancelToken()
    made_at_cancel: list[int] = []
    under_way = threading.Event()

    def cancel() -> None:
        under_way.wait(30)
        made_at_cancel.append(studio.counter.steps[slow.id])
        token.cancel()

    def note_progress(event: RenderEvent) -> None:
        if isinstance(event, Step) and event.index == 3:
            under_way.set()

    canceller = threading.Thread(target=cancel)
    canceller.start()
    try:
        run = studio.render(project, cancel=token, listeners=[note_progress])
    finally:
        under_way.set()
        canceller.join()
    assert made_at_cancel and 3 <= made_at_cancel[0] < 30
    assert studio.counter.steps[slow.id] - made_at_cancel[0] <= 1
    outcomes = {take: outcome for (node, take), outcome in run.outcomes().items()
                if node == slow.id}
    assert outcomes == {0: "CancelledEvent", 1: "CancelledEvent", 2: "CancelledEvent"}
    assert [event.take for event in run.of(slow, Started)] == [0]  # the others never began
    for key in run.plan.nodes[slow.id].keys:
        assert not studio.store.has(key)
    assert studio.incoming() == []


def test_cancelling_the_task_that_awaits_the_run_cancels_the_render(studio: Studio) -> None:
    """What Ctrl-C does to ``asyncio.run``: the run's task is cancelled, the take stops."""
    project, slow, _ = slow_project(studio)
    plan = studio.compile(project)

    async def give_up_early() -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(studio.executor.run(plan, project), timeout=0.4)

    asyncio.run(give_up_early())
    studio.executor.close()  # waits for the worker, which stops within a step
    assert studio.counter.steps[slow.id] < 30
    assert_nothing_stored(studio, plan.nodes[slow.id].key)
