"""Camera moves measured in the picture: pans, tilts, rolls, slides, crane, zoom, orbit."""

from __future__ import annotations

import math

import numpy as np
import pytest

from previz.core.camera import (
    CameraPath,
    ShotCamera,
    base_framing,
    camera_path,
    ease,
    world_point,
)
from previz.core.subjects import Subject
from previz.core.values import MoveValue

SUBJECT = Subject("A", height=1.75, x=0.5, z=2.0, main=True)
SHOT = ShotCamera(SUBJECT, "medium", "eye", 35.0, "super35", 1280, 720)
F_PX = 35.0 * 1280 / 24.89
FRAMES = 25
TIMES = np.arange(FRAMES) / (FRAMES - 1)
HEAD = world_point(0.5, 1.75, 2.0)
HIPS = world_point(0.5, 0.875, 2.0)
BACKGROUND = world_point(3.0, 0.0, 15.0)


def path_of(*moves: MoveValue, shot: ShotCamera = SHOT) -> CameraPath:
    return camera_path(shot, list(moves), FRAMES)


def pixels(path: CameraPath, point: np.ndarray) -> np.ndarray:
    """Where ``point`` lands on every frame, (N,2)."""
    return np.array([path.project(i, point[None]).pixels[0] for i in range(path.frame_count)])


def subject_height_px(path: CameraPath, top: np.ndarray = HEAD,
                      bottom: np.ndarray = HIPS) -> np.ndarray:
    return pixels(path, bottom)[:, 1] - pixels(path, top)[:, 1]


def aim_distance() -> float:
    """How far the base camera stands from the point it aims at (on the subject's axis)."""
    framing = base_framing(SHOT)
    return float(np.linalg.norm(framing.look_at - framing.position))


def aim(path: CameraPath) -> np.ndarray:
    return pixels(path, base_framing(SHOT).look_at)


@pytest.mark.parametrize("easing", ["linear", "ease-in-out"])
def test_pan_right_moves_the_subject_left_by_f_tan_theta(easing: str) -> None:
    path = path_of(MoveValue("pan", 12.0, easing=easing))
    angles = np.radians(12.0 * ease(easing, TIMES))
    assert aim(path)[:, 0] == pytest.approx(640 - F_PX * np.tan(angles), abs=1.0)
    assert aim(path)[:, 1] == pytest.approx(np.full(FRAMES, 360.0), abs=1.0)


def test_tilt_up_moves_the_subject_down_by_f_tan_theta() -> None:
    path = path_of(MoveValue("tilt", 8.0, easing="linear"))
    angles = np.radians(8.0 * TIMES)
    assert aim(path)[:, 1] == pytest.approx(360 + F_PX * np.tan(angles), abs=1.0)
    assert aim(path)[:, 0] == pytest.approx(np.full(FRAMES, 640.0), abs=1.0)


def test_roll_clockwise_turns_the_picture_anticlockwise() -> None:
    path = path_of(MoveValue("roll", 30.0, easing="linear"))
    distance = aim_distance()
    right = base_framing(SHOT).look_at + np.array([1.0, 0.0, 0.0])
    end = pixels(path, right)[-1]
    angle = math.radians(30.0)
    assert end == pytest.approx([640 + F_PX * math.cos(angle) / distance,
                                 360 - F_PX * math.sin(angle) / distance], abs=1.0)


def test_zoom_35_to_70_doubles_the_subject() -> None:
    path = path_of(MoveValue("zoom", 35.0))
    heights = subject_height_px(path)
    assert path.focal_mm[-1] == 70.0
    assert heights[-1] / heights[0] == pytest.approx(2.0, rel=0.01)
    assert np.all(np.diff(heights) >= 0)


def test_dolly_in_makes_the_subject_bigger_as_distance_predicts() -> None:
    distance = aim_distance()
    heights = subject_height_px(path_of(MoveValue("dolly", 1.0)))
    assert heights[-1] / heights[0] == pytest.approx(distance / (distance - 1.0), rel=0.01)


def test_truck_right_moves_the_subject_left() -> None:
    distance = aim_distance()
    u = aim(path_of(MoveValue("truck", 0.5, easing="linear")))[:, 0]
    assert u == pytest.approx(640 - F_PX * 0.5 * TIMES / distance, abs=1.0)


def test_pedestal_up_moves_the_subject_down_and_keeps_its_size() -> None:
    path = path_of(MoveValue("pedestal", 0.3, easing="linear"))
    distance = aim_distance()
    assert aim(path)[:, 1] == pytest.approx(360 + F_PX * 0.3 * TIMES / distance, abs=1.0)
    assert subject_height_px(path) == pytest.approx(subject_height_px(path_of()), rel=1e-6)


def test_crane_rises_and_keeps_the_aim_point_centred() -> None:
    path = path_of(MoveValue("crane", 2.0))
    assert aim(path) == pytest.approx(np.tile([640.0, 360.0], (FRAMES, 1)), abs=1.0)
    assert path.position[-1, 1] == pytest.approx(path.position[0, 1] + 2.0)
    assert path.pose(-1).pitch_deg < -20


def test_crane_keeps_an_earlier_pan() -> None:
    path = path_of(MoveValue("pan", 10.0), MoveValue("crane", 1.5))
    assert aim(path)[-1] == pytest.approx([640 - F_PX * math.tan(math.radians(10)), 360], abs=1.0)


def test_orbit_keeps_the_subject_centred_while_the_background_moves() -> None:
    path = path_of(MoveValue("orbit", 30.0))
    assert aim(path) == pytest.approx(np.tile([640.0, 360.0], (FRAMES, 1)), abs=1.0)
    background = pixels(path, BACKGROUND)
    assert np.linalg.norm(background[-1] - background[0]) > 100
    # Positive orbit carries the camera to its right: a quarter turn puts it at the subject's +x.
    path = path_of(MoveValue("orbit", 90.0))
    assert aim(path) == pytest.approx(np.tile([640.0, 360.0], (FRAMES, 1)), abs=1.0)
    look_at = base_framing(SHOT).look_at
    assert path.position[-1, 0] - look_at[0] == pytest.approx(aim_distance())
    assert path.position[-1, 2] == pytest.approx(look_at[2])


def test_dolly_zoom_holds_the_subject_while_the_background_changes() -> None:
    path = path_of(MoveValue("dolly_zoom", 1.5))
    heights = subject_height_px(path)
    assert np.all(np.abs(heights / heights[0] - 1) < 0.02)
    offset = pixels(path, BACKGROUND) - [640.0, 360.0]
    # Pushing in on a wider lens: the background shrinks toward the centre.
    assert np.linalg.norm(offset[-1]) / np.linalg.norm(offset[0]) < 0.5
    distance = aim_distance()
    assert path.focal_mm[-1] == pytest.approx(35.0 * (distance - 1.5) / distance)


def test_dolly_zoom_holds_a_high_angle_subject_too() -> None:
    shot = ShotCamera(SUBJECT, "close_up", "high", 50.0)
    path = path_of(MoveValue("dolly_zoom", -2.0), shot=shot)
    chin = world_point(0.5, 1.75 * (1 - 0.133), 2.0)
    heights = subject_height_px(path, HEAD, chin)
    assert np.all(np.abs(heights / heights[0] - 1) < 0.02)


def test_moves_that_break_the_lens_are_refused() -> None:
    with pytest.raises(ValueError, match="focal length"):
        path_of(MoveValue("zoom", -40.0))
    with pytest.raises(ValueError, match="in front"):
        path_of(MoveValue("dolly_zoom", 10.0))
    with pytest.raises(ValueError, match="unknown move"):
        path_of(MoveValue("whip", 1.0))
    with pytest.raises(ValueError, match="unknown easing"):
        path_of(MoveValue("pan", 1.0, easing="bounce"))
