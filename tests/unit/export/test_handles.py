"""Handles rendered, not held: a shot renders frames beyond its cut and the shot movie holds
them, read back by OpenTimelineIO and the same ffmpeg."""

from __future__ import annotations

import asyncio
from fractions import Fraction

import numpy as np
import opentimelineio as otio

from previz.backends.draft.backend import DraftBackend
from previz.core.camera import ShotCamera, camera_path, with_handles
from previz.core.ids import new_id
from previz.core.project import Link, Node, PortRef, Project, Settings, TimelineEntry
from previz.core.registry import default_registry
from previz.core.subjects import parse_subjects
from previz.core.values import MoveValue
from previz.engine.backend import BackendSet
from previz.engine.executor import Executor
from previz.engine.plan import compile_plan
from previz.engine.store import ClipStore
from previz.export import ExportOptions, build_cut, export_project
from previz.media import open_reader

SUBJECTS = [{"name": "Keeper", "kind": "person", "height": 1.75, "x": 0.0, "z": 0.0,
             "facing": 0.0, "main": True}]


def test_a_path_with_handles_carries_each_end_on_as_it_was_going():
    framing = ShotCamera.from_params(
        {"shot_size": "medium", "angle": "eye", "lens": 35.0, "sensor": "super35",
         "framing": "single", "turn_camera": False, "width": 128, "height": 72},
        tuple(parse_subjects(SUBJECTS)))
    path = camera_path(framing, [MoveValue("truck", 1.0, 0.0, 1.0, "linear")], 13)
    longer = with_handles(path, 4, 3)
    assert longer.frame_count == 13 + 7
    assert np.allclose(longer.position[4:17], path.position)
    assert np.allclose(longer.focal_mm[4:17], path.focal_mm)
    step = path.position[1] - path.position[0]
    assert np.linalg.norm(step) > 0.05  # a metre in 12 steps
    # A linear truck keeps moving at its speed before the first frame and after the last
    # (at the distance it stood from the subject: the Extend rule holds only the distance).
    speeds = np.linalg.norm(np.diff(longer.position, axis=0), axis=1)
    assert np.allclose(speeds, np.linalg.norm(step), rtol=0.1)  # less its radial part
    # A push-in lands on its framing and holds it (the Extend rule): the tail handles stand
    # on the mark instead of driving through the actor.
    push = camera_path(framing, [MoveValue("dolly", 1.0, 0.0, 1.0, "linear")], 13)
    pushed = with_handles(push, 0, 3)
    assert np.allclose(pushed.position[13:], push.position[-1])
    still = camera_path(framing, [], 5)
    assert np.allclose(with_handles(still, 2, 2).position, still.position[0])


def linear_dolly_project() -> tuple[Project, Node]:
    registry = default_registry()
    project = Project(Settings(Fraction(24), 128, 72))

    def add(type_id: str, **params) -> Node:
        node = Node(new_id(), type_id, {**registry.get(type_id).spec.defaults(), **params})
        project.add_node(node)
        return node

    prompt = add("previz.prompt", text="EXT. PIER - DAY. The keeper waits.")
    dolly = add("previz.camera_move", move="truck", amount=1.0, unit="m", easing="linear")
    shot = add("previz.shot", scene="030", shot="0010", duration=0.5, subjects=SUBJECTS)
    project.add_link(Link(new_id(), PortRef(prompt.id, "prompt"), PortRef(shot.id, "prompt")))
    project.add_link(Link(new_id(), PortRef(dolly.id, "moves"), PortRef(shot.id, "camera")))
    project.insert_entry(0, TimelineEntry(new_id(), shot.id))
    return project, shot


def difference(one: np.ndarray, other: np.ndarray) -> float:
    return float(np.abs(one.astype(int) - other.astype(int)).mean())


def test_the_shot_movie_holds_rendered_handles(tmp_path):
    project, shot = linear_dolly_project()
    registry = default_registry()
    backends = BackendSet([DraftBackend()])
    store = ClipStore(tmp_path / "store", 1 << 30)
    plan = compile_plan(project, None, registry=registry, catalog=backends.catalog(),
                        is_cached=store.has)
    executor = Executor(store, backends)
    try:
        assert asyncio.run(executor.run(plan, project)).ok
    finally:
        executor.close()
    clip = store.clip(plan.nodes[shot.id].key)
    # The clip is the shot, 12 frames; its 12 + 12 rendered handles sit beside it.
    assert clip.frame_count == 12
    assert clip.provenance["handles"] == {"before": 12, "after": 12, "file": "handles.mkv"}
    with open_reader(store.frames_file(clip.key).parent / "handles.mkv") as reader:
        handles = list(reader)
    shot_frames = list(store.frames(clip))
    assert len(handles) == 24

    out = tmp_path / "out"
    report = export_project(project, plan, store, out,
                            ExportOptions(formats=frozenset({"shots", "otio"}), title="p"))
    assert not any("repeat" in note for note in report.notes)
    cut = build_cut(project, plan, store)
    [entry] = cut.entries
    assert (entry.handles.real_head, entry.handles.real_tail, entry.handles.held) == (12, 12, 0)
    with open_reader(out / "shots" / f"{entry.stem}.mp4") as reader:
        movie = list(reader)
    assert len(movie) == 36
    # Head handles, the shot, tail handles, each as rendered (H.264 is close, not exact).
    rendered = [*handles[:12], *shot_frames, *handles[12:]]
    assert all(difference(got, want) < 4 for got, want in zip(movie, rendered, strict=True))
    # Not held: the truck goes on through the handles, so no two neighbouring frames match
    # and the first frame is farther from the in point than one frame's step. (The mean
    # difference saturates once things have moved past their own width: twelve steps come to
    # about 1.4 of one at 128x72, less still since the grid's far lines fade out.)
    steps = [difference(movie[index], movie[index + 1]) for index in range(35)]
    assert min(steps) > 0.5, steps
    assert difference(movie[0], movie[12]) > 1.2 * steps[11]
    # Across the in and out points the motion is as smooth as within the shot.
    assert steps[11] < 2.5 * np.median(steps[12:23])
    assert steps[23] < 2.5 * np.median(steps[12:23])

    timeline = otio.adapters.read_from_file(str(out / "p.otio"))
    [movie_clip] = timeline.find_clips()
    available = movie_clip.media_reference.available_range
    assert available.duration.value == 36
    assert movie_clip.source_range.start_time.value - available.start_time.value == 12
    assert movie_clip.source_range.duration.value == 12
    assert movie_clip.media_reference.metadata["previz"]["held_handle_frames"] == 0
