"""What a floor-plan drag writes: blocking records moved or turned, a set piece moved for the
scene, a placed camera's params as one merged step; and the live frame the viewer shows."""

from __future__ import annotations

import numpy as np
import pytest
from scene_builders import add_shot, bus_stop

from previz.app.live_view import LiveFrames, Wedges, live_request, scene_now
from previz.backends.draft.backend import DraftBackend
from previz.core.blocking import parse_blocking
from previz.core.commands import History
from previz.core.plan_edits import (
    SetParams,
    active_mark,
    with_character_at,
    with_character_facing,
    with_mark_moved,
    with_piece_at,
)
from previz.engine.backend import CancelToken

RECORDS = [
    {"piece": "shelter", "x": 1.0, "z": 2.0},
    {"character": "ada", "time": 0.0, "x": 0.0, "z": 0.0, "look_at": "ben"},
    {"character": "ben", "time": 0.0, "x": -6.0, "z": 0.0},
    {"character": "ben", "time": 1.0, "x": -1.5, "z": 0.0, "speed": 1.5},
]


def test_a_character_is_moved_by_the_mark_they_are_on_at_the_scene_time():
    blocking = parse_blocking(RECORDS)
    assert active_mark(blocking, "ben", 0.5) == 1
    assert active_mark(blocking, "ben", 1.0) == 2
    assert active_mark(blocking, "nobody", 0.0) is None
    moved = with_character_at(RECORDS, "ben", 3.0, -2.0, 1.23456)
    assert moved[3] == {**RECORDS[3], "x": -2.0, "z": 1.235}
    assert moved[:3] == RECORDS[:3] and RECORDS[3]["x"] == -1.5  # the input is left alone
    placed = with_character_at(RECORDS, "cy", 2.0, 4.0, 4.0)
    assert placed[-1] == {"character": "cy", "time": 0.0, "x": 4.0, "z": 4.0}


def test_marks_turn_and_move_by_their_order_and_set_pieces_move_for_the_scene():
    turned = with_character_facing(RECORDS, "ada", 0.0, 45.0)
    assert turned[1] == {"character": "ada", "time": 0.0, "x": 0.0, "z": 0.0, "facing": 45.0}
    assert with_mark_moved(RECORDS, 1, 3.0, 3.0)[2]["x"] == 3.0
    with pytest.raises(IndexError, match="no mark 4"):
        with_mark_moved(RECORDS, 3, 0.0, 0.0)
    assert with_piece_at(RECORDS, "shelter", 2.0, 2.5, 90.0)[0] == {
        "piece": "shelter", "x": 2.0, "z": 2.5, "rotation": 90.0}
    assert with_piece_at(RECORDS, "lamp", 3.0, 1.0)[-1] == {"piece": "lamp", "x": 3.0, "z": 1.0}


def test_a_placed_camera_drag_is_one_undo_step(registry):
    stop = bus_stop(registry)
    shot = add_shot(registry, stop)
    history = History(stop.project)
    for x in (1.0, 2.0, 3.0):
        history.push(SetParams(shot.id, {"camera_x": x, "camera_z": -x}, gesture="drag"))
    history.push(SetParams(shot.id, {"pan": 30.0}, gesture="drag"))
    params = stop.project.nodes[shot.id].params
    assert (params["camera_x"], params["camera_z"], params["pan"]) == (3.0, -3.0, 30.0)
    assert history.steps == 1
    history.undo()
    assert (params["camera_x"], params["camera_z"], params["pan"]) == (0.0, -5.0, 0.0)


def test_a_live_frame_is_the_draft_backends_frame_and_its_renderer_is_kept(registry):
    stop = bus_stop(registry)
    shot = add_shot(registry, stop, width=320, height=180, subject="Ben", scene_in=1.5)
    shots = scene_now(stop.project, registry, stop.scene.id)
    request = live_request(shots.scene, shots.shot(shot.id), 1.5)
    frames = LiveFrames()
    live = frames.frame(request)
    drawn = next(iter(DraftBackend().generate(request, lambda *_: None, CancelToken())))
    assert np.array_equal(live, drawn)
    renderer = frames._renderer
    frames.frame(request)
    assert frames._renderer is renderer  # nothing moved: the same renderer draws
    later = live_request(shots.scene, shots.shot(shot.id), 2.0)  # Ben walks on
    walked = frames.frame(later)
    assert not np.array_equal(walked, live)
    assert frames._renderer is renderer  # recast: only Ben is built again
    assert np.array_equal(walked, _drawn(later))


def _drawn(request) -> np.ndarray:
    return next(iter(DraftBackend().generate(request, lambda *_: None, CancelToken())))


def test_a_live_frame_is_a_moment_of_the_shot(registry):
    stop = bus_stop(registry)
    shot = add_shot(registry, stop, subject="Ben", scene_in=1.5, duration=0.5)
    shots = scene_now(stop.project, registry, stop.scene.id)
    setup = shots.shot(shot.id)
    late = live_request(shots.scene, setup, 9.0)  # after the shot's window: its last moment
    assert late.subjects == live_request(shots.scene, setup, 2.0).subjects
    assert late.subjects != live_request(shots.scene, setup, 1.5).subjects  # Ben walks
    assert np.array_equal(late.camera.position, live_request(shots.scene, setup, 2.0)
                          .camera.position)


def test_kept_camera_wedges_are_those_the_floor_plan_finds(registry):
    stop = bus_stop(registry)
    on_ada = add_shot(registry, stop, name="Ada", subject="Ada", lens=85.0, scene_in=0.5)
    on_ben = add_shot(registry, stop, name="Ben", shot="0020", subject="Ben", scene_in=0.5)
    wedges = Wedges()

    def planned(time: float = 1.0):
        shots = scene_now(stop.project, registry, stop.scene.id)
        plan = shots.plan(time, on_ada.id, wedges)
        assert plan == shots.plan(time, on_ada.id)  # what the floor plan finds
        return plan, dict(wedges.kept)

    first, kept = planned()
    stop.project.set_param(on_ben.id, "side", 60.0)  # Ben's camera swung: only it moves
    swung, now = planned()
    assert now[on_ada.id] is kept[on_ada.id] and now[on_ben.id] is not kept[on_ben.id]
    assert swung.cameras[0] == first.cameras[0] and swung.cameras[1] != first.cameras[1]
    records = stop.project.nodes[stop.scene.id].params["blocking"]
    stop.project.set_param(stop.scene.id, "blocking", with_character_at(
        records, stop.ben.id, 0.0, -4.0, 2.0))  # Ben moved: both frames hold him
    moved, after = planned()
    assert all(after[key] is not now[key] for key in (on_ada.id, on_ben.id))
    assert moved.cameras[1] != swung.cameras[1]  # Ben's camera followed him
    planned(2.0)
