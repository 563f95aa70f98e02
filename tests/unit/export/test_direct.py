"""The cut movie from the store's files in one ffmpeg: the very movie the pipe from Python makes."""

from __future__ import annotations

import asyncio
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from previz.backends.draft.backend import DraftBackend
from previz.core.ids import new_id
from previz.core.project import Link, Node, PortRef, Project, Settings, TimelineEntry
from previz.core.registry import NodeRegistry, default_registry
from previz.engine.backend import BackendSet, Cancelled, CancelToken
from previz.engine.executor import Executor
from previz.engine.plan import ExecutionPlan, compile_plan
from previz.engine.store import ClipStore
from previz.export import ExportOptions, build_cut, export_project
from previz.export.delivery import deliver
from previz.export.direct import direct_runs
from previz.export.movies import CutMovie, MovieSettings
from previz.media import open_reader, probe
from previz.media.metadata import read_metadata
from previz.media.transcode import encode_runs

RATE = Fraction(24000, 1001)
PLAIN = MovieSettings(credentials=False)


def add(project: Project, registry: NodeRegistry, type_id: str, **params) -> Node:
    node = Node(new_id(), type_id, {**registry.get(type_id).spec.defaults(), **params})
    project.add_node(node)
    return node


def wire(project: Project, source: Node, port: str, target: Node, target_port: str) -> None:
    project.add_link(Link(new_id(), PortRef(source.id, port), PortRef(target.id, target_port)))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, ExecutionPlan,
                                                                ClipStore]:
    """A dolly shot, its Extend (whose entry reads its first frames from the shot's), and a
    trimmed second use of the shot, at 128x72 and 24000/1001."""
    registry = default_registry()
    project = Project(Settings(RATE, 128, 72))
    prompt = add(project, registry, "previz.prompt", text="EXT. QUAY - DAWN. A fisherman.")
    dolly = add(project, registry, "previz.camera_move", move="dolly", amount=1.0, unit="m")
    shot = add(project, registry, "previz.shot", shot="0010", duration=0.5, handles=0)
    extend = add(project, registry, "previz.extend", added_duration=0.25)
    wire(project, prompt, "prompt", shot, "prompt")
    wire(project, dolly, "moves", shot, "camera")
    wire(project, shot, "clip", extend, "clip")
    for node, cut_in, cut_out in ((shot, 0, None), (extend, 0, None), (shot, 3, 9)):
        project.insert_entry(len(project.timeline),
                             TimelineEntry(new_id(), node.id, cut_in, cut_out))
    backends = BackendSet([DraftBackend()])
    store = ClipStore(tmp_path_factory.mktemp("direct") / "store", 1 << 30, 0)
    plan = compile_plan(project, None, registry=registry, catalog=backends.catalog(),
                        is_cached=store.has)
    executor = Executor(store, backends)
    try:
        assert asyncio.run(executor.run(plan, project)).ok
    finally:
        executor.close()
    return project, plan, store


def frames_of(path: Path) -> list[np.ndarray]:
    with open_reader(path) as reader:
        return list(reader)


def test_the_direct_cut_is_the_piped_cut(rendered, tmp_path):
    project, plan, store = rendered
    cut = build_cut(project, plan, store, title="quay")
    runs = direct_runs(cut, store, PLAIN)
    assert runs is not None
    shot_file = store.frames_file(cut.entries[0].clip.key)
    extend_file = store.frames_file(cut.entries[1].clip.key)
    # The Extend's entry holds only its added frames: its first come from the shot's file.
    assert {run.fps for run in runs} == {RATE}
    assert [(run.path, run.start, run.stop) for run in runs] == [
        (shot_file, 0, 12), (shot_file, 0, 12), (extend_file, 0, 6), (shot_file, 3, 9)]
    export_project(project, plan, store, tmp_path,
                   ExportOptions(formats=frozenset({"cut"}), title="quay", credentials=False))
    piped = CutMovie(cut, tmp_path / "piped.mp4", "recipe", PLAIN)
    deliver(cut, store, [piped])
    direct, pipe = tmp_path / "quay_cut.mp4", tmp_path / "piped.mp4"
    assert (probe(direct).frame_count, probe(direct).rate) == (cut.frame_count, RATE) == (
        36, RATE)
    # Same encoder, same settings, same frames: the same pictures, bit for bit.
    got, want = frames_of(direct), frames_of(pipe)
    assert len(got) == len(want) == 36
    assert all(np.array_equal(a, b) for a, b in zip(got, want, strict=True))
    # And they are the cut's frames (within H.264's error), in order.
    stored = [*store.frames(cut.entries[0].clip), *store.frames(cut.entries[1].clip),
              *list(store.frames(cut.entries[0].clip))[3:9]]
    errors = [np.abs(a.astype(int) - b.astype(int)).mean() for a, b in zip(got, stored,
                                                                           strict=True)]
    assert max(errors) < 3
    assert np.abs(got[0].astype(int) - got[11].astype(int)).mean() > 3  # the dolly moves
    tags = read_metadata(direct)
    assert tags["title"] == "quay" and "previz_recipe" in tags


def test_burn_ins_retimes_and_other_sizes_go_through_python(rendered):
    project, plan, store = rendered
    cut = build_cut(project, plan, store)
    assert direct_runs(cut, store, MovieSettings(burn_in=True)) is None
    retimed = build_cut(project, plan, store, rate=Fraction(25))
    assert direct_runs(retimed, store, PLAIN) is None


def test_a_cancelled_direct_cut_leaves_no_file(rendered, tmp_path):
    project, plan, store = rendered
    cut = build_cut(project, plan, store)
    runs = direct_runs(cut, store, PLAIN)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        encode_runs(tmp_path / "cut.mp4", runs, cut.width, cut.height, cut.rate, metadata={},
                    poll=token.check)
    assert list(tmp_path.iterdir()) == []  # neither the movie nor its temporary file
