"""Camera paths: JSON round trip, control rows, continuing from a last pose, bridging poses."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from previz.core.camera import (
    SENSORS,
    CameraPath,
    ShotCamera,
    base_framing,
    camera_path,
    continue_path,
    interpolate_poses,
)
from previz.core.subjects import Subject
from previz.core.values import MoveValue

SHOT = ShotCamera(Subject("A", height=1.83, x=0.1, z=6.7, main=True), "close_up", "high", 85.0,
                  "full_frame", 1920, 1080)
MOVES = [MoveValue("orbit", 25.0), MoveValue("crane", 0.4, 0.2, 0.9, "ease-out"),
         MoveValue("zoom", 15.0, 0.5, 1.0, "linear"), MoveValue("roll", -4.0)]


def assert_same(a: CameraPath, b: CameraPath) -> None:
    assert (a.width, a.height, a.sensor) == (b.width, b.height, b.sensor)
    for name in ("focal_mm", "rotation", "position", "look_at", "K", "world_to_camera"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def test_json_round_trip_is_exact() -> None:
    path = camera_path(SHOT, MOVES, 17)
    text = json.dumps(path.to_json(), sort_keys=True, indent=2)
    assert_same(CameraPath.from_json(json.loads(text)), path)
    assert json.loads(text)["schema"] == "CameraPath.1"


def test_from_json_refuses_what_is_not_a_path() -> None:
    data = camera_path(SHOT, [], 2).to_json()
    with pytest.raises(ValueError, match=r"CameraPath\.1"):
        CameraPath.from_json({**data, "schema": "Clip.1"})
    with pytest.raises(ValueError, match="finite"):
        CameraPath.from_json({**data, "focal_mm": [50.0, float("nan")]})
    with pytest.raises(ValueError, match="malformed"):
        CameraPath.from_json({**data, "position": [[0.0, 1.0]]})
    with pytest.raises(ValueError, match="malformed"):
        CameraPath.from_json({key: value for key, value in data.items() if key != "sensor"})


def test_path_arrays_have_per_frame_shapes() -> None:
    path = camera_path(SHOT, MOVES, 17)
    assert path.K.shape == (17, 3, 3)
    assert path.world_to_camera.shape == (17, 4, 4)
    assert path.focal_mm.shape == (17,)
    # The world (y up, z away) is left-handed: R is orthonormal with determinant -1, and the
    # control rows carry the proper rotation R·MIRROR.
    rotations = path.world_to_camera[:, :3, :3]
    assert np.allclose(rotations @ np.swapaxes(rotations, 1, 2), np.eye(3), atol=1e-12)
    assert np.allclose(np.linalg.det(rotations), -1.0)
    rows = path.control_rows()[:, 6:].reshape(17, 3, 4)
    assert np.allclose(np.linalg.det(rows[:, :, :3]), 1.0)
    assert np.allclose(rows[:, :, 3], path.world_to_camera[:, :3, 3])


def test_control_rows_for_a_level_camera() -> None:
    shot = ShotCamera(Subject("A", height=1.75, main=True), "medium", "eye", 35.0)
    rows = camera_path(shot, [], 3).control_rows()
    assert rows.shape == (3, 18)
    h_used = 24.89 * 720 / 1280
    framing = base_framing(shot)
    camera_height, distance = framing.camera_height, -framing.position[2]
    assert framing.position[0] == 0.0
    # Proper rotation I (R = MIRROR); t = -R·C with the camera at (0, camera_height, -distance).
    expected = [35.0 / 24.89, 35.0 / h_used, 0.5, 0.5, 0.0, 0.0,
                1, 0, 0, 0.0, 0, 1, 0, camera_height, 0, 0, 1, distance]
    assert rows[0] == pytest.approx(expected, abs=1e-9)


def test_continuing_a_path_starts_exactly_at_its_last_pose() -> None:
    first = camera_path(SHOT, MOVES, 17)
    moves = [MoveValue("pan", 10.0), MoveValue("orbit", -30.0, 0.0, 0.5)]
    second = continue_path(first, moves, 9)
    assert np.array_equal(second.world_to_camera[0], first.world_to_camera[-1])
    assert second.focal_mm[0] == first.focal_mm[-1]
    assert np.array_equal(second.look_at, first.look_at)
    assert not np.allclose(second.world_to_camera[-1], first.world_to_camera[-1])
    # The continued orbit still pivots on the subject: its framing point keeps its pixel.
    look_at = base_framing(SHOT).look_at[None]
    start = first.project(16, look_at).pixels[0]
    orbit_only = continue_path(first, [MoveValue("orbit", -30.0)], 9)
    assert orbit_only.project(8, look_at).pixels[0] == pytest.approx(start, abs=1.0)


def test_interpolated_poses_bridge_two_shots() -> None:
    a = camera_path(SHOT, [], 1).pose(0)
    other = ShotCamera(Subject("B", x=-3.0, z=2.0, main=True), "wide", "eye", 24.0,
                       "full_frame", 1920, 1080)
    b = camera_path(other, [MoveValue("pan", 40.0, 0.0, 0.0)], 1).pose(0)
    poses = interpolate_poses(a, b, 5)
    assert poses[0] is a and poses[-1] is b
    middle = poses[2]
    assert middle.position == pytest.approx((a.position + b.position) / 2)
    assert middle.focal_mm == pytest.approx((85.0 + 24.0) / 2)
    assert middle.yaw_deg == pytest.approx(20.0, abs=0.5)
    assert middle.pitch_deg == pytest.approx(-7.5, abs=0.5)
    assert np.allclose(middle.rotation @ middle.rotation.T, np.eye(3), atol=1e-12)
    assert np.linalg.det(middle.rotation) == pytest.approx(-1.0)
    yaws = [pose.yaw_deg for pose in poses]
    assert all(x < y for x, y in itertools.pairwise(yaws))
    bridge = CameraPath.from_poses(poses, 1920, 1080, SENSORS["full_frame"])
    assert np.array_equal(bridge.world_to_camera[0], camera_path(SHOT, [], 1).world_to_camera[0])
    with pytest.raises(ValueError, match="at least one frame"):
        interpolate_poses(a, b, 0)


@pytest.mark.parametrize("move", ["pan", "tilt", "roll", "dolly", "truck", "pedestal", "crane",
                                  "zoom", "orbit", "dolly_zoom"])
@pytest.mark.parametrize(("x", "z"), [(0.1, 6.7), (-2.3, 0.9), (3.7, -1.3)])
def test_a_continued_path_holds_its_start_until_its_move_begins(move: str, x: float,
                                                                z: float) -> None:
    shot = ShotCamera(Subject("A", height=1.67, x=x, z=z, main=True), "medium", "low", 32.0)
    first = camera_path(shot, [MoveValue("orbit", 33.0), MoveValue("crane", 0.7)], 7)
    second = continue_path(first, [MoveValue(move, 0.5, 0.3, 1.0)], 5)
    for i in (0, 1):  # t = 0 and 0.25
        assert np.array_equal(second.world_to_camera[i], first.world_to_camera[-1]), i
    assert not np.array_equal(second.world_to_camera[-1], first.world_to_camera[-1]) or (
        second.focal_mm[-1] != first.focal_mm[-1])


@pytest.mark.parametrize("move", [MoveValue("orbit", 40.0, easing="linear"),
                                  MoveValue("pan", 12.0, easing="linear"),
                                  MoveValue("pedestal", 0.02, easing="linear")])
def test_a_path_continued_without_moves_carries_on_at_its_last_speed(move: MoveValue) -> None:
    first = camera_path(SHOT, [move], 11)
    second = continue_path(first, [], 6)
    assert np.array_equal(second.world_to_camera[0], first.world_to_camera[-1])
    step = np.linalg.norm(first.position[-1] - first.position[-2])
    steps = np.linalg.norm(np.diff(second.position, axis=0), axis=1)
    assert steps == pytest.approx(np.full(5, step), abs=1e-6)
    turn = _turn(first.rotation[-2], first.rotation[-1])
    assert [_turn(*pair) for pair in itertools.pairwise(second.rotation)] == pytest.approx(
        [turn] * 5, abs=1e-9)
    pivot = first.look_at
    radius = np.linalg.norm((first.position[-1] - pivot)[[0, 2]])
    if move.move == "orbit":  # still on the circle round the subject, still facing it
        assert np.linalg.norm((second.position - pivot)[:, [0, 2]], axis=1) == pytest.approx(
            np.full(6, radius))


def _turn(a: np.ndarray, b: np.ndarray) -> float:
    """The angle in degrees of the rotation between two camera orientations."""
    cosine = (np.trace(a.T @ b) - 1) / 2
    return float(np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0))))


@pytest.mark.parametrize("move", [MoveValue("dolly", 1.0, easing="linear"),
                                  MoveValue("dolly", -1.0, easing="linear"),
                                  MoveValue("zoom", 10.0, easing="linear"),
                                  MoveValue("dolly_zoom", 0.5, easing="linear")])
def test_a_push_in_a_pull_back_or_a_zoom_holds_the_framing_it_landed_on(
        move: MoveValue) -> None:
    first = camera_path(SHOT, [move], 11)
    assert not np.array_equal(first.world_to_camera[-2], first.world_to_camera[-1]) or (
        first.focal_mm[-2] != first.focal_mm[-1])  # it was moving at the seam
    second = continue_path(first, [], 6)
    assert np.allclose(second.world_to_camera, first.world_to_camera[-1], atol=1e-12)
    assert np.all(second.focal_mm == first.focal_mm[-1])


def test_a_push_in_with_a_truck_keeps_trucking_at_the_size_it_reached() -> None:
    first = camera_path(SHOT, [MoveValue("dolly", 0.5, easing="linear"),
                               MoveValue("truck", 0.5, easing="linear")], 11)
    second = continue_path(first, [], 11)
    reach = np.linalg.norm(second.position - first.look_at, axis=1)
    # The push went 0.05 m a frame; going on, the camera comes no nearer (a straight truck
    # drifts away from the subject by a few millimetres a frame, a tenth of the push at most).
    assert 0.0 <= reach[1] - reach[0] < 0.005
    right = first.rotation[-1][0]  # the camera's x axis in the world
    sideways = np.diff(second.position, axis=0) @ right
    assert sideways == pytest.approx(np.full(10, sideways[0]), rel=0.05)
    assert sideways[0] > 0.03  # of the 0.05 m a frame it trucked


def test_a_continued_move_does_not_ease_in_from_rest() -> None:
    first = camera_path(SHOT, [MoveValue("dolly", 1.0, easing="linear")], 11)
    second = continue_path(first, [MoveValue("dolly", 1.0, easing="ease-in-out")], 11)
    steps = np.linalg.norm(np.diff(second.position, axis=0), axis=1)
    assert steps == pytest.approx(np.full(10, 0.1))
    stopping = continue_path(first, [MoveValue("dolly", 1.0, easing="ease-out")], 11)
    assert np.linalg.norm(stopping.position[-1] - stopping.position[-2]) < 0.01


def test_a_move_after_a_camera_come_to_rest_eases_in_as_asked() -> None:
    first = camera_path(SHOT, [MoveValue("pan", 12.0, easing="ease-in-out")], 72)  # it stops
    second = continue_path(first, [MoveValue("tilt", 10.0, easing="ease-in-out")], 48)
    turns = [_turn(*pair) for pair in itertools.pairwise(second.rotation)]
    assert turns[0] < 0.05 * max(turns)  # no jolt from rest to full speed at the seam
    assert sum(turns) == pytest.approx(10.0, abs=0.01)
