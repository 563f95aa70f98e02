"""Whole-cut export to H.264 against piping the same frames straight into the same ffmpeg.

Target (DESIGN §13): the export runs at least 0.9x the speed of the direct pipe. Three draft
shots of 2 s at 1280x720 and 24 fps are rendered first (not timed). The direct pipe writes
the cut's frames, already decoded in memory, through ``open_writer`` with the export's
settings (x264 crf 18, preset medium, yuv420p, Rec.709, the same recipe tag). The export is
timed twice: cold, decoding the lossless store entries as it goes, and warm, with the
frames in the clip store's memory cache (as after playing the cut in the app). A cut with no
burn-in, retime or resizing (this one) is encoded by one ffmpeg reading the store's files
(export/direct.py), so both read the files and the warm round shows the spread of the cold.
"""

from __future__ import annotations

import asyncio
import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest

from previz.backends.draft.backend import DraftBackend
from previz.core.ids import new_id
from previz.core.project import Link, Node, PortRef, Project, Settings, TimelineEntry
from previz.core.registry import NodeRegistry, default_registry
from previz.engine.backend import BackendSet
from previz.engine.executor import Executor
from previz.engine.plan import ExecutionPlan, compile_plan
from previz.engine.store import ClipStore
from previz.export import ExportOptions, build_cut, export_project, recipe_for
from previz.export.cut import editorial_frames
from previz.export.provenance import RECIPE_KEY
from previz.media import open_writer

TARGET = 0.9
SECOND_TARGET = 0.3
REPEATS = 5
MOVES = (("dolly", 2.0, "m"), ("pan", 25.0, "deg"), ("crane", 1.5, "m"))


def _scene(registry: NodeRegistry) -> Project:
    project = Project(Settings(Fraction(24), 1280, 720))

    def add(type_id: str, **params) -> Node:
        node = Node(new_id(), type_id, {**registry.get(type_id).spec.defaults(), **params})
        project.add_node(node)
        return node

    prompt = add("previz.prompt", text="EXT. QUAY - DAWN. A fisherman coils rope by his boat.")
    for index, (move, amount, unit) in enumerate(MOVES):
        shot = add("previz.shot", shot=f"{index + 1:02d}0", duration=2.0, shot_size="medium")
        camera = add("previz.camera_move", move=move, amount=amount, unit=unit)
        for source, port, target, target_port in ((prompt, "prompt", shot, "prompt"),
                                                  (camera, "moves", shot, "camera")):
            project.add_link(Link(new_id(), PortRef(source.id, port),
                                  PortRef(target.id, target_port)))
        project.insert_entry(index, TimelineEntry(new_id(), shot.id))
    return project


def _render(project: Project, registry: NodeRegistry, root: Path) -> ExecutionPlan:
    backends = BackendSet([DraftBackend()])
    store = ClipStore(root, 1 << 34, 0)
    plan = compile_plan(project, None, registry=registry, catalog=backends.catalog(),
                        is_cached=store.has)
    executor = Executor(store, backends)
    try:
        assert asyncio.run(executor.run(plan, project)).ok
    finally:
        executor.close()
    return plan


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds, and CPU seconds of this process and the ffmpegs it ran."""

    wall: float
    cpu: float


def _timed(run: Callable[[], None]) -> Timing:
    start, cpu = time.perf_counter(), _cpu_seconds()
    run()
    return Timing(time.perf_counter() - start, _cpu_seconds() - cpu)


def _cpu_seconds() -> float:
    # Children count once reaped, and every writer and reader reaps its ffmpeg on close.
    return sum(usage.ru_utime + usage.ru_stime for usage in (
        resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)))


@pytest.mark.benchmark
def test_cut_export_against_a_direct_pipe(tmp_path: Path) -> None:
    registry = default_registry()
    project = _scene(registry)
    plan = _render(project, registry, tmp_path / "store")
    cold = ClipStore(tmp_path / "store", 1 << 34, 0)
    cut = build_cut(project, plan, cold, title="quay")
    frames = [frame for entry in cut.entries for frame in editorial_frames(entry, cold)]
    recipe = recipe_for(project, {entry.node_id: entry.clip for entry in cut.entries})
    tags = {RECIPE_KEY: recipe.to_text(), "title": cut.title}

    def pipe() -> None:
        with open_writer(tmp_path / "pipe.mp4", cut.width, cut.height, cut.rate, "h264",
                         metadata=tags) as writer:
            for frame in frames:
                writer.write(frame)

    def export(store: ClipStore) -> None:
        # Not incremental: each round writes the cut anew, as the first export would.
        export_project(project, plan, store, tmp_path / "out",
                       ExportOptions(formats=frozenset({"cut"}), title="quay",
                                     incremental=False))

    warm = ClipStore(tmp_path / "store", 1 << 34, 4 << 30)
    for entry in cut.entries:
        sum(1 for _ in warm.frames(entry.clip))  # a full read puts the clip in memory
    # Interleaved rounds, so that load from elsewhere on the machine weighs on all three alike;
    # CPU seconds say what wall time would be on a machine with nothing else running.
    rounds = [(_timed(pipe), _timed(lambda: export(warm)), _timed(lambda: export(cold)))
              for _ in range(REPEATS)]
    direct, from_memory, from_disk = (
        Timing(min(t.wall for t in times), min(t.cpu for t in times))
        for times in zip(*rounds, strict=True))
    count = len(frames)
    print(f"\ncut export: {count} frames {cut.width}x{cut.height} H.264 crf 18 medium,"
          f" {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; best of {REPEATS}")
    print(f"direct pipe, frames in memory: {count / direct.wall:5.1f} frames/s,"
          f" {direct.cpu / count * 1000:5.1f} CPU ms a frame")
    for name, timing in (("export, frames in memory     ", from_memory),
                         ("export, decoding the store   ", from_disk)):
        print(f"{name}{count / timing.wall:5.1f} frames/s, {timing.cpu / count * 1000:5.1f}"
              f" CPU ms a frame: {direct.wall / timing.wall:.2f}x the pipe's speed,"
              f" {direct.cpu / timing.cpu:.2f}x by CPU time (target {TARGET}x)")


@pytest.mark.benchmark
def test_second_export_of_an_unchanged_project_against_the_first(tmp_path: Path) -> None:
    """Target: a second export of an unchanged project takes at most 0.3 of the first (every
    format but the PNG sequences and the bundle, which copies every movie)."""
    registry = default_registry()
    project = _scene(registry)
    plan = _render(project, registry, tmp_path / "store")
    store = ClipStore(tmp_path / "store", 1 << 34, 0)
    formats = frozenset({"shots", "cut", "otio", "fcp7", "edl", "aaf", "pdf", "contact",
                         "csv"})

    def export() -> None:
        export_project(project, plan, store, tmp_path / "out",
                       ExportOptions(formats=formats, title="quay"))

    first = _timed(export)
    second = _timed(export)
    ratio = second.wall / first.wall
    print(f"\nexport of {len(project.timeline)} shots at 1280x720, {os.cpu_count()} cores,"
          f" load {os.getloadavg()[0]:.1f}: first {first.wall:.2f} s ({first.cpu:.2f} CPU s),"
          f" second {second.wall:.2f} s ({second.cpu:.2f} CPU s): {ratio:.3f} of the first"
          f" (target at most {SECOND_TARGET})")
