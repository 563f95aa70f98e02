"""Interpolate between two shots of one scene: the draft moves the camera from A's last pose to
B's first through the scene (people where the blocking has them at each in-between's scene
time), not a dissolve; a model backend still gets both end frames."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from project_builders import entry, link, make_node
from scene_builders import add_shot, bus_stop
from scene_render import plan_of

from previz.backends.draft.backend import DraftBackend
from previz.core.camera.path import CameraPath
from previz.core.scene import scene_from_params
from previz.engine.backend import BackendSet, CancelToken, RenderRequest
from previz.engine.executor import Executor
from previz.engine.store import ClipStore
from previz.media import dissolve_along_flow

W, H = 320, 180


def test_a_bridge_between_shots_of_one_scene_looks_into_the_scene(registry, tmp_path):
    stop = bus_stop(registry)
    stop.project.settings.width, stop.project.settings.height = W, H
    wide = add_shot(registry, stop, on_cut=False, width=W, height=H, shot_size="wide",
                    lens=24.0, subject="Ben", scene_in=1.0, duration=0.5)
    close = add_shot(registry, stop, on_cut=False, width=W, height=H, shot_size="medium",
                     subject="Ada", side=40.0, scene_in=3.0, duration=0.5, shot="0020")
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
    # The scene ran from A's last frame (1.0 + 11/24 s) to B's first (3.0 s).
    scene = scene_from_params(clip_a.provenance["scene"])
    after, before = clip_a.provenance["scene_time"][1], clip_b.provenance["scene_time"][0]
    assert (after, before) == (pytest.approx(1.0 + 11 / 24), 3.0)
    path = CameraPath.from_json(made.camera)
    middle = 12
    time = after + (before - after) * (middle + 1) / (made.frame_count + 1)
    direct = RenderRequest(prompt=made.prompt, width=W, height=H, frame_count=1,
                           fps=made.fps, seed=0,
                           camera=CameraPath.from_poses([path.pose(middle)], W, H, path.sensor),
                           subjects=scene.subjects_at(time, "Ben"), scene=scene,
                           scene_time=time)
    expected = next(DraftBackend().generate(direct, lambda *_: None, CancelToken()))
    frames = list(store.frames(made))
    seen = frames[middle].astype(int)
    assert np.abs(seen - expected.astype(int)).mean() < 2.0  # the scene from that camera
    ends = (list(store.frames(clip_a))[-1], next(iter(store.frames(clip_b))))
    dissolve = next(iter(dissolve_along_flow(*ends, [(middle + 1) / 25])))
    assert np.abs(seen - dissolve.astype(int)).mean() > 8.0  # not a double exposure



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
