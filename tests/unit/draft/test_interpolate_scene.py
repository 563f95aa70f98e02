"""Interpolate between two shots of one scene: the draft moves the camera from A's last pose to
B's first through the scene (people where the blocking has them at each in-between's scene
time), not a dissolve; a model backend still gets both end frames."""

from __future__ import annotations

import asyncio
import io

import numpy as np
import PIL.Image
import pytest
from project_builders import entry, link, make_node
from scene_builders import add_shot, bus_stop
from scene_render import plan_of

from previz.backends.draft.backend import DraftBackend
from previz.core.camera.path import CameraPath
from previz.core.project import Asset
from previz.core.scene import scene_from_params
from previz.core.values import Clip
from previz.engine.backend import BackendSet, CancelToken, RenderRequest
from previz.engine.executor import Executor
from previz.engine.store import ClipStore
from previz.media import dissolve_along_flow

W, H = 320, 180
PAINTING = np.zeros((H, W, 3), np.uint8)  # a painting unlike the draft: green, a yellow sun
PAINTING[:] = (40, 140, 60)
PAINTING[20:60, 240:280] = (250, 220, 40)


def _bridged(registry, tmp_path, *, plate: bool = False) -> tuple[ClipStore, Clip, Clip, Clip]:
    """A wide of Ben at 1 s bridged to a medium of Ada at 3 s (on a painted plate if
    ``plate``): the store and the wide's, the medium's and the bridge's clips."""
    stop = bus_stop(registry)
    stop.project.settings.width, stop.project.settings.height = W, H
    wide = add_shot(registry, stop, on_cut=False, width=W, height=H, shot_size="wide",
                    lens=24.0, subject="Ben", scene_in=1.0, duration=0.5)
    close = add_shot(registry, stop, on_cut=False, width=W, height=H, shot_size="medium",
                     subject="Ada", side=40.0, scene_in=3.0, duration=0.5, shot="0020")
    if plate:
        buffer = io.BytesIO()
        PIL.Image.fromarray(PAINTING).save(buffer, "PNG")
        painting = Asset.from_bytes(buffer.getvalue(), "painting.png", "png")
        stop.project.add_asset(painting)
        image = make_node(registry, "previz.image", image=painting.sha256, role="first_frame")
        stop.project.add_node(image)
        stop.project.add_link(link(image, "conditioning", close, "conditioning"))
    bridge = make_node(registry, "previz.interpolate", bridge_duration=1.0)
    stop.project.add_node(bridge)
    stop.project.add_link(link(wide, "clip", bridge, "clip_a"))
    stop.project.add_link(link(close, "clip", bridge, "clip_b"))
    stop.project.insert_entry(0, entry(bridge))
    store = ClipStore(tmp_path, 1 << 30)
    plan = plan_of(stop.project, store)
    assert plan.ok, [str(problem) for problem in plan.problems]
    executor = Executor(store, BackendSet([DraftBackend()]))
    try:
        result = asyncio.run(executor.run(plan, stop.project, []))
    finally:
        executor.close()
    assert result.ok, result.failed
    clip_a, clip_b, made = (result.outputs[node.id] for node in (wide, close, bridge))
    assert made.frame_count == 24
    return store, clip_a, clip_b, made


def _scene_frame(clip_a: Clip, clip_b: Clip, made: Clip, index: int) -> np.ndarray:
    """The in-between ``index`` drawn straight from the scene: the bridge's camera there, the
    people where the blocking has them at its scene time (A's last frame to B's first)."""
    scene = scene_from_params(clip_a.provenance["scene"])
    after, before = clip_a.provenance["scene_time"][1], clip_b.provenance["scene_time"][0]
    assert (after, before) == (pytest.approx(1.0 + 11 / 24), 3.0)
    path = CameraPath.from_json(made.camera)
    time = after + (before - after) * (index + 1) / (made.frame_count + 1)
    direct = RenderRequest(prompt=made.prompt, width=W, height=H, frame_count=1,
                           fps=made.fps, seed=0,
                           camera=CameraPath.from_poses([path.pose(index)], W, H, path.sensor),
                           subjects=scene.subjects_at(time, "Ben"), scene=scene,
                           scene_time=time)
    return next(DraftBackend().generate(direct, lambda *_: None, CancelToken()))


def test_a_bridge_between_shots_of_one_scene_looks_into_the_scene(registry, tmp_path):
    store, clip_a, clip_b, made = _bridged(registry, tmp_path)
    middle = 12
    frames = list(store.frames(made))
    seen = frames[middle].astype(int)
    expected = _scene_frame(clip_a, clip_b, made, middle)
    assert np.abs(seen - expected.astype(int)).mean() < 2.0  # the scene from that camera
    ends = (list(store.frames(clip_a))[-1], next(iter(store.frames(clip_b))))
    dissolve = next(iter(dissolve_along_flow(*ends, [(middle + 1) / 25])))
    assert np.abs(seen - dissolve.astype(int)).mean() > 8.0  # not a double exposure
    last = frames[-1].astype(int)  # the scene to the end: B's first frame is the same scene
    assert np.abs(last - _scene_frame(clip_a, clip_b, made, 23).astype(int)).mean() < 2.0


def test_a_bridge_into_a_shot_on_a_plate_crosses_the_scene_then_dissolves_into_it(
        registry, tmp_path):
    """B opens on a painting: the bridge still glides through the scene (no flow-warped
    double exposure of two labelled frames), and over its last half second B's first frame
    dissolves in over everything, labels too, fully in on B's own first frame."""
    store, clip_a, clip_b, made = _bridged(registry, tmp_path, plate=True)
    frames = [frame.astype(int) for frame in store.frames(made)]
    first_of_b = next(iter(store.frames(clip_b))).astype(int)
    assert np.abs(first_of_b - PAINTING).mean() < 40  # B is the painting (with its outlines)
    for index in (6, 12):  # before the dissolve: the scene alone
        expected = _scene_frame(clip_a, clip_b, made, index).astype(int)
        assert np.abs(frames[index] - expected).mean() < 2.0, index
    for index in (18, 23):  # then B comes in: (i + 1) / 24 s of the bridge, fully in at 1 s
        level = ((index / 24) - 0.5) / 0.5
        expected = _scene_frame(clip_a, clip_b, made, index) * (1 - level) + first_of_b * level
        assert np.abs(frames[index] - expected).max() <= 1.0, index  # a mix, rounded
    ends = (list(store.frames(clip_a))[-1], first_of_b.astype(np.uint8))
    dissolve = next(iter(dissolve_along_flow(*ends, [7 / 25])))
    assert np.abs(frames[6] - dissolve.astype(int)).mean() > 8.0


def test_an_extend_of_a_scene_shot_carries_on_in_the_scene(registry, tmp_path):
    stop = bus_stop(registry)
    shot = add_shot(registry, stop, on_cut=False, width=W, height=H, shot_size="wide",
                    lens=24.0, subject="Ben", scene_in=1.0, duration=0.5)
    extend = make_node(registry, "previz.extend", added_duration=0.5)
    stop.project.add_node(extend)
    stop.project.add_link(link(shot, "clip", extend, "clip"))
    stop.project.insert_entry(0, entry(extend))
    store = ClipStore(tmp_path, 1 << 30)
    plan = plan_of(stop.project, store)
    executor = Executor(store, BackendSet([DraftBackend()]))
    try:
        result = asyncio.run(executor.run(plan, stop.project, []))
    finally:
        executor.close()
    assert result.ok, result.failed
    made = result.outputs[extend.id]
    frames = list(store.frames(made))
    assert len(frames) == 24
    scene = scene_from_params(made.provenance["scene"])
    path = CameraPath.from_json(made.camera)
    last = len(frames) - 1  # Ben walking on, at 1.0 + 23/24 s of the scene
    time = 1.0 + last / 24
    direct = RenderRequest(prompt=made.prompt, width=W, height=H, frame_count=1,
                           fps=made.fps, seed=0,
                           camera=CameraPath.from_poses([path.pose(last)], W, H, path.sensor),
                           subjects=scene.subjects_at(time, "Ben"), scene=scene,
                           scene_time=time)
    expected = next(DraftBackend().generate(direct, lambda *_: None, CancelToken()))
    assert np.abs(frames[last].astype(int) - expected.astype(int)).mean() < 3.0
    frozen = scene.subjects_at(1.0 + 11 / 24, "Ben")[1]
    assert scene.subjects_at(time, "Ben")[1].x - frozen.x > 0.5  # he walked on
