"""The live camera view: while the scene is edited the viewer shows the selected shot's draft
frame at the current scene time, drawn in memory and never written to the store."""

from __future__ import annotations

import numpy as np
import pytest
from floor_plan_driving import drag, show_plan_of
from scene_builders import add_shot, bus_stop

from previz._qt.floor_plan.qt_plan_items import PlanTarget
from previz._qt.undo import push_command
from previz._qt.viewer import qt_live_view
from previz.app.live_view import LiveFrames, live_request, scene_now
from previz.core.commands import SetParam
from previz.core.floor_plan import PlanPoint
from previz.engine.store import ClipStore


def store_files(window) -> dict[str, int]:
    root = window.session.store.root
    return {str(path.relative_to(root)): path.stat().st_mtime_ns
            for path in root.rglob("*") if path.is_file()}


def test_the_live_view_never_writes_to_the_store(window, qtbot, registry, monkeypatch):
    stop = bus_stop(registry)
    shot = add_shot(registry, stop, width=1280, height=720, subject="Ben", shot_size="full")
    plan = show_plan_of(window, qtbot, stop.project, shot.id)
    before = store_files(window)

    def no_writing(*args, **kwargs):
        raise AssertionError("the live view wrote to the store")

    monkeypatch.setattr(ClipStore, "writer", no_writing)
    monkeypatch.setattr(window.queue, "render", lambda *args, **kwargs: None)  # no full render
    drawn = window.live_view.drawn
    drag(plan, PlanTarget("figure", stop.ada.id), PlanPoint(1.5, 1.0), steps=6, qtbot=qtbot)
    plan.set_time(0.5)  # scrubbing: Ben is on his way
    qtbot.waitUntil(lambda: "scene time 0.50 s" in window.viewer.title.text())
    assert window.live_view.drawn >= drawn + 2  # during the drag, and for the scrub
    assert window.viewer.live
    assert window.viewer.view.frame.shape == (720, 1280, 3)
    assert window.viewer.title.text().startswith("Live draft · shot 0010 at scene time 0.50 s")
    assert store_files(window) == before
    assert window.session.store.entries() == []


def test_a_param_edit_shows_the_live_frame_of_the_render_to_come(window, qtbot, registry, run):
    stop = bus_stop(registry)
    shot = add_shot(registry, stop, width=320, height=180, subject="Ada", shot_size="medium",
                    scene_in=2.0)
    show_plan_of(window, qtbot, stop.project, shot.id)
    window.floor_plan.set_time(2.0)
    qtbot.waitUntil(lambda: window.viewer.live)
    drawn = window.live_view.drawn
    push_command(window.document.undo_stack, window.document.project,
                 SetParam(shot.id, "lens", 85.0))
    qtbot.waitUntil(lambda: window.live_view.drawn > drawn)
    live = window.viewer.view.frame.copy()
    assert live.shape == (180, 320, 3)
    window.render(selected=True)
    run(window.queue.wait())
    assert not window.viewer.live
    clip = window.queue.session.store.clip(
        next(iter(window.queue.plan.nodes[shot.id].keys)))
    first = window.queue.session.store.frame(clip, 0)
    # the live frame is the render's first frame (the draft draws the same picture)
    assert np.abs(live.astype(int) - first.astype(int)).mean() < 2.0
    wide = live.astype(int).std()
    assert wide > 5.0  # a picture, not a blank


@pytest.mark.parametrize("size", [(1280, 720)])
def test_live_frames_follow_the_camera_lens(window, qtbot, registry, size):
    stop = bus_stop(registry)
    shot = add_shot(registry, stop, width=size[0], height=size[1], subject="Ada")
    show_plan_of(window, qtbot, stop.project, shot.id)
    frames = []
    for lens in (24.0, 85.0):
        drawn = window.live_view.drawn
        push_command(window.document.undo_stack, window.document.project,
                     SetParam(shot.id, "lens", lens))
        qtbot.waitUntil(lambda: window.live_view.drawn > drawn)  # noqa: B023
        frames.append(window.viewer.view.frame.copy())
    assert np.abs(frames[0].astype(int) - frames[1].astype(int)).mean() > 3.0


def test_playing_leaves_the_live_frame(window, qtbot, registry, run):
    stop = bus_stop(registry)
    shot = add_shot(registry, stop, subject="Ada")
    show_plan_of(window, qtbot, stop.project, shot.id)
    window.render(selected=True)
    run(window.queue.wait())
    window.floor_plan.set_time(0.25)
    qtbot.waitUntil(lambda: window.viewer.live)
    assert window.viewer.title.text().startswith("Live draft")
    window.viewer.player.play()
    assert not window.viewer.live
    assert window.viewer.title.text().startswith("Shot 010_0010")
    window.viewer.player.pause()


def test_a_drag_draws_live_frames_from_the_plans_reading_of_the_scene_as_a_new_view_would(
        window, qtbot, registry, monkeypatch):
    stop = bus_stop(registry)
    shot = add_shot(registry, stop, width=320, height=180, subject="Ada", shot_size="medium")
    plan = show_plan_of(window, qtbot, stop.project, shot.id)
    monkeypatch.setattr(window.queue, "render", lambda *args, **kwargs: None)
    reads: list[str] = []

    def counted(project, node_registry, scene_id):
        reads.append(scene_id)
        return scene_now(project, node_registry, scene_id)

    monkeypatch.setattr(qt_live_view, "scene_now", counted)
    drawn = window.live_view.drawn
    drag(plan, PlanTarget("figure", stop.ben.id), PlanPoint(-1.0, 1.5), steps=5, qtbot=qtbot)
    qtbot.wait(20)
    assert window.live_view.drawn > drawn and not reads  # the plan had read it: once a move
    # The last live frame is what a live view made afresh draws for the scene as it is now.
    shots = scene_now(window.document.project, registry, stop.scene.id)
    request = live_request(shots.scene, shots.shot(shot.id), plan.time)
    assert np.array_equal(window.viewer.view.frame, LiveFrames().frame(request))
