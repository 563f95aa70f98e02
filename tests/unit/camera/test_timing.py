"""Easing, start and end times on frames, and how chained and overlapping moves compose."""

from __future__ import annotations

import numpy as np
import pytest

from previz.core.camera import (
    EASINGS,
    MOVES,
    CameraPath,
    ShotCamera,
    base_framing,
    camera_path,
    ease,
    frame_times,
    move_progress,
)
from previz.core.subjects import Subject
from previz.core.values import MoveValue

SHOT = ShotCamera(Subject("A", height=1.7, x=-0.5, z=1.0, main=True), "medium", "eye", 50.0)
F_PX = 50.0 * 1280 / 24.89
AMOUNTS = {"static": 0.0, "pan": 20.0, "tilt": 10.0, "roll": 15.0, "dolly": 1.0, "truck": 1.0,
           "pedestal": 0.5, "crane": 1.0, "zoom": 20.0, "orbit": 40.0, "dolly_zoom": 1.0}


def aim_u(path: CameraPath) -> np.ndarray:
    look_at = base_framing(SHOT).look_at[None]
    return np.array([path.project(i, look_at).pixels[0, 0] for i in range(path.frame_count)])


@pytest.mark.parametrize("name", EASINGS)
def test_easings_start_at_0_end_at_1_and_never_go_back(name: str) -> None:
    assert ease(name, 0.0) == 0.0
    assert ease(name, 1.0) == 1.0
    assert np.all(np.diff(ease(name, np.linspace(0, 1, 101))) >= 0)


def test_ease_in_is_slow_and_ease_out_fast_in_the_first_quarter() -> None:
    t = np.linspace(0.01, 0.25, 25)
    assert np.all(ease("ease-in", t) < t)
    assert np.all(ease("ease-out", t) > t)
    assert ease("ease-in-out", 0.5) == pytest.approx(0.5)


def test_ease_in_moves_the_picture_less_than_linear_early_on() -> None:
    frames = 21
    shift = {name: 640 - aim_u(camera_path(SHOT, [MoveValue("pan", 10.0, easing=name)], frames))
             for name in ("linear", "ease-in", "ease-out")}
    quarter = frames // 4
    assert 0 < shift["ease-in"][quarter] < shift["linear"][quarter] < shift["ease-out"][quarter]


def test_frame_times_reach_1_on_the_last_frame() -> None:
    assert frame_times(1).tolist() == [0.0]
    assert frame_times(5).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    with pytest.raises(ValueError, match="at least one frame"):
        frame_times(0)


def test_move_progress_is_flat_outside_its_span() -> None:
    move = MoveValue("pan", 10.0, start=0.2, end=0.6, easing="linear")
    assert move_progress(move, 0.1) == 0.0
    assert move_progress(move, 0.4) == pytest.approx(0.5)
    assert move_progress(move, 0.9) == 1.0
    assert move_progress(MoveValue("pan", 1.0, 0.5, 0.5), np.array([0.4, 0.5])).tolist() == [0, 1]


@pytest.mark.parametrize("move", [m for m in MOVES if m != "static"])
def test_every_move_rests_before_its_start_and_holds_after_its_end(move: str) -> None:
    frames = 21  # t = 0.25 on frame 5, 0.75 on frame 15
    timed = camera_path(SHOT, [MoveValue(move, AMOUNTS[move], 0.25, 0.75)], frames)
    still = camera_path(SHOT, [], frames)
    done = camera_path(SHOT, [MoveValue(move, AMOUNTS[move], 0.0, 0.0)], frames)
    matrices = timed.world_to_camera
    for i in range(frames):
        focal = timed.focal_mm[i]
        if i <= 5:
            assert np.array_equal(matrices[i], still.world_to_camera[i])
            assert focal == still.focal_mm[i]
        elif i >= 15:
            assert np.array_equal(matrices[i], done.world_to_camera[i])
            assert focal == done.focal_mm[i]
        else:
            step = np.abs(matrices[i] - matrices[i - 1]).max()
            changed = step + abs(focal - timed.focal_mm[i - 1])
            assert changed > 1e-6, i
    assert not np.allclose(matrices[15], matrices[5]) or timed.focal_mm[15] != timed.focal_mm[5]


def test_static_changes_nothing() -> None:
    still = camera_path(SHOT, [], 9)
    static = camera_path(SHOT, [MoveValue("static", 0.0)], 9)
    assert np.array_equal(static.world_to_camera, still.world_to_camera)


def test_overlapping_pans_add_up() -> None:
    moves = [MoveValue("pan", 5.0, 0.0, 0.6, "linear"), MoveValue("pan", 7.0, 0.4, 1.0, "linear")]
    path = camera_path(SHOT, moves, 26)
    t = frame_times(26)
    angle = 5.0 * np.clip(t / 0.6, 0, 1) + 7.0 * np.clip((t - 0.4) / 0.6, 0, 1)
    assert aim_u(path) == pytest.approx(640 - F_PX * np.tan(np.radians(angle)), abs=1.0)


def test_chain_order_matters_where_moves_do_not_commute() -> None:
    def path(*moves: MoveValue) -> np.ndarray:
        return camera_path(SHOT, list(moves), 5).world_to_camera

    pan, tilt = MoveValue("pan", 30.0), MoveValue("tilt", 20.0)
    dolly, orbit = MoveValue("dolly", 1.0), MoveValue("orbit", 45.0)
    assert not np.allclose(path(pan, tilt), path(tilt, pan))
    assert not np.allclose(path(dolly, orbit), path(orbit, dolly))
    # Dolly, truck and pedestal follow the base pose's axes, so they commute with turns.
    assert np.allclose(path(pan, dolly), path(dolly, pan))
