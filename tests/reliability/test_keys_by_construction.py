"""Keys by construction (DESIGN §8): a Still's rate and size are in its key, so one store
serves each project a Still at its own rate and size; durations round the same everywhere."""

from __future__ import annotations

import asyncio
from fractions import Fraction
from pathlib import Path

from tiny_cut import card_png

from previz.backends.draft.backend import DraftBackend
from previz.core.ids import new_id
from previz.core.project import Asset, Node, Project, Settings, TimelineEntry
from previz.core.registry import default_registry
from previz.core.timing import frames_in
from previz.engine.backend import BackendSet
from previz.engine.context import ExecuteContext
from previz.engine.executor import Executor
from previz.engine.plan import compile_plan
from previz.engine.store import ClipStore


def still_project(rate: Fraction, width: int, height: int, seconds: float) -> Project:
    registry = default_registry()
    project = Project(Settings(rate, width, height))
    card = Asset.from_bytes(card_png(), "card.png", "png")
    project.add_asset(card)
    spec = registry.get("previz.still").spec
    node = Node(new_id(), "previz.still", {**spec.defaults(), "image": card.sha256,
                                           "duration": seconds}, version=spec.version)
    project.add_node(node)
    project.insert_entry(0, TimelineEntry(new_id(), node.id, 0, None))
    return project


def render_still(project: Project, store: ClipStore) -> tuple[str, Fraction, int, int, int]:
    backends = BackendSet([DraftBackend()])
    plan = compile_plan(project, None, registry=default_registry(),
                        catalog=backends.catalog(), is_cached=store.has)
    assert plan.ok, [str(problem) for problem in plan.problems]
    executor = Executor(store, backends)
    try:
        result = asyncio.run(executor.run(plan, project, []))
    finally:
        executor.close()
    assert result.ok
    clip = next(iter(result.outputs.values()))
    frame = next(iter(store.frames(clip)))
    assert frame.shape == (clip.height, clip.width, 3)
    return clip.key, clip.fps, clip.width, clip.height, clip.frame_count


def test_one_store_serves_each_project_a_still_at_its_own_rate_and_size(tmp_path: Path) -> None:
    store = ClipStore(tmp_path / "store", 1 << 30)
    first = render_still(still_project(Fraction(24), 128, 72, 2.5), store)
    second = render_still(still_project(Fraction(25), 96, 54, 2.5), store)
    assert first[1:] == (Fraction(24), 128, 72, 60)
    assert second[1:] == (Fraction(25), 96, 54, 63)  # 62.5 frames: halves round up
    assert first[0] != second[0]


def test_a_duration_counts_the_same_frames_everywhere() -> None:
    assert frames_in(2.5, Fraction(25)) == 63
    assert frames_in(0.5, Fraction(3)) == 2
    assert frames_in(0.01, Fraction(24)) == 1
    assert frames_in(1.0, Fraction(24000, 1001)) == 24


def test_the_context_offers_no_project_setting_outside_the_key() -> None:
    fields = set(ExecuteContext.__dataclass_fields__)
    assert not fields & {"rate", "width", "height", "project", "settings"}
