"""The example rendered on a local Ray cluster of two workers: the same keys and the same
frames as a local render, progress in order per take, each worker in its own store."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from farm.takes import (
    framemd5,
    half_written,
    head_session,
    render,
    small_example,
    stored_keys,
    take_keys,
)

from previz.engine.events import Done, Queued, RenderEvent, Started, Step
from previz.farm.cluster import LocalCluster
from previz.farm.runner import RayRunner


def test_the_example_renders_on_the_farm_to_the_same_keys_and_frames(
        cluster: LocalCluster, tmp_path: Path) -> None:
    runner = RayRunner(cluster.address)
    with head_session(tmp_path / "local") as local, \
            head_session(tmp_path / "head", runner) as head:
        project = small_example(head)
        events: list[RenderEvent] = []
        assert render(local, project).ok
        result = render(head, project, [events.append])
        assert result.ok, result.failed
        keys = take_keys(head.compile(project))
        assert keys == take_keys(local.compile(project))
        for key in keys.values():
            assert framemd5(head.store.frames_file(key)) == framemd5(local.store.frames_file(key))
            assert head.store.clip(key) == local.store.clip(key)  # size, rate, provenance
    farm_starts = [event for event in events if isinstance(event, Started) and event.worker]
    farmed = {(event.node_id, event.take) for event in farm_starts}
    assert farmed == set(keys), "every take that makes a clip ran on the farm, the rest here"
    assert len({event.worker for event in farm_starts}) == 2
    _assert_in_order_per_take(events)
    _assert_each_worker_in_its_own_store(cluster, tmp_path / "head", set(keys.values()))


def _assert_in_order_per_take(events: list[RenderEvent]) -> None:
    """Queued, Started, steps counting up one by one to their total, Done: per take."""
    per_take: dict[tuple[str, int], list[RenderEvent]] = defaultdict(list)
    for event in events:
        per_take[(event.node_id, event.take)].append(event)
    for take, seen in per_take.items():
        if not any(isinstance(event, Started) and event.worker for event in seen):
            continue  # a node that makes no clip, run on the head
        kinds = [type(event) for event in seen]
        assert kinds[0] is Queued and kinds[1] is Started and kinds[-1] is Done, (take, kinds)
        steps = [event for event in seen if isinstance(event, Step)]  # none: the worker had it
        assert [step.index for step in steps] == list(range(1, len(steps) + 1)), take
        assert {step.total for step in steps} <= {len(steps)}, take
        assert all(isinstance(event, Step) for event in seen[2:-1]), (take, kinds)


def _assert_each_worker_in_its_own_store(cluster: LocalCluster, head: Path,
                                         keys: set[str]) -> None:
    caches = cluster.caches
    assert len(set(caches)) == 2 and head not in caches
    found = [stored_keys(cache) for cache in caches]
    assert all(found), "both workers rendered, each into its own PREVIZ_CACHE"
    assert keys <= found[0] | found[1]
    assert stored_keys(head) == keys
    for root in (head, *caches):
        assert half_written(root) == [], root
