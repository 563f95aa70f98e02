"""Failures on the farm lose nothing: a worker killed mid-take, a cancel, a missing model."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from farm.conftest import GPU_WORKER
from farm.takes import half_written, head_session, pace, render, small_example, stored_keys

from previz.engine.backend import CancelToken
from previz.engine.events import CancelledEvent, Done, RenderEvent, Started, Step
from previz.farm.cluster import LocalCluster
from previz.farm.runner import RayRunner


def _pid(worker: str) -> int:
    """The process id in a worker's name (``host pid N``)."""
    return int(worker.rsplit(" ", 1)[1])


def test_a_worker_killed_mid_take_leaves_nothing_partial_and_the_take_completes(
        cluster: LocalCluster, tmp_path: Path) -> None:
    runner = RayRunner(cluster.address)
    killed: list[int] = []

    def kill_mid_take(event: RenderEvent) -> None:
        if isinstance(event, Started) and event.node_id == lamp:
            workers[event.take] = event.worker
        if isinstance(event, Step) and event.node_id == lamp and event.index == 3 and not killed:
            killed.append(_pid(workers[event.take]))
            os.kill(killed[0], signal.SIGKILL)

    workers: dict[int, str] = {}
    with head_session(tmp_path / "head", runner) as head:
        project = small_example(head)
        lamp = pace(project, "The lamp")
        events: list[RenderEvent] = []
        result = render(head, project, [kill_mid_take, events.append])
        assert killed, "the worker was killed during the take"
        assert result.ok, result.failed
        key = head.compile(project).nodes[lamp].key
        assert head.store.clip(key) is not None
    lamp_steps = [event.index for event in events if isinstance(event, Step)
                  and event.node_id == lamp]
    assert lamp_steps == list(range(1, len(lamp_steps) + 1)), "the retry's steps go on in order"
    assert any(isinstance(event, Done) and event.node_id == lamp for event in events)
    for root in (tmp_path / "head", *cluster.caches):  # swept when the runner closed
        assert half_written(root) == [], root


def test_cancel_stops_every_workers_takes_within_one_step(cluster: LocalCluster,
                                                          tmp_path: Path) -> None:
    runner = RayRunner(cluster.address)
    token = CancelToken()
    steps: dict[tuple[str, int], list[int]] = {}
    after_cancel: dict[tuple[str, int], int] = {}

    def cancel_when_both_run(event: RenderEvent) -> None:
        if not isinstance(event, Step) or event.node_id not in paced:
            return
        take = (event.node_id, event.take)
        steps.setdefault(take, []).append(event.index)
        if token.cancelled:
            after_cancel[take] = after_cancel.get(take, 0) + 1
        elif len([seen for seen in steps.values() if len(seen) >= 2]) >= 2:
            token.cancel()

    with head_session(tmp_path / "head", runner) as head:
        project = small_example(head)
        paced = {pace(project, name, 3.0) for name in ("Postcard", "The lamp", "Gulls at 16")}
        events: list[RenderEvent] = []
        result = render(head, project, [cancel_when_both_run, events.append], token)
        plan = head.compile(project)
    assert token.cancelled and not result.ok
    running = [take for take, seen in steps.items() if len(seen) >= 2]
    assert len(running) >= 2, "two workers were each in the middle of a take"
    assert all(count <= 1 for count in after_cancel.values()), after_cancel
    cancelled = {(event.node_id, event.take) for event in events
                 if isinstance(event, CancelledEvent)}
    assert set(running) <= cancelled
    for node_id in paced:
        assert not any(plan.nodes[node_id].key in stored_keys(root)
                       for root in (tmp_path / "head", *cluster.caches))
    for root in (tmp_path / "head", *cluster.caches):
        assert half_written(root) == [], root


def test_a_worker_without_the_model_fails_that_take_only(cluster: LocalCluster,
                                                         tmp_path: Path) -> None:
    runner = RayRunner(cluster.address)
    events: list[RenderEvent] = []
    with head_session(tmp_path / "head", runner) as head:
        project = small_example(head)
        on_gpu = pace(project, "Postcard", model="m1")
        missing = pace(project, "Establishing", model="m2")
        result = render(head, project, [events.append])
        plan = head.compile(project)
    assert set(result.failed) == {missing}, result.failed
    message = result.failed[missing]
    assert "m2" in message and "pid" in message and "model" in message, message
    rendered = {node_id for node_id, clips in result.takes.items() if all(clips)}
    assert rendered == set(result.takes) - {missing}
    assert plan.nodes[on_gpu].key in stored_keys(cluster.caches[GPU_WORKER]), \
        "the model take went to the worker with a GPU"
