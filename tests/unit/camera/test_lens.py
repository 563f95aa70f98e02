"""Lens math: sensors, used height, intrinsics, field of view and the pinhole projection."""

from __future__ import annotations

import math

import numpy as np
import pytest

from previz.core.camera import (
    SENSORS,
    CameraPath,
    CameraPose,
    ShotCamera,
    camera_path,
    horizontal_fov_deg,
    intrinsics,
    sensor_named,
    turned,
    used_gate,
    used_sensor_height,
)
from previz.core.subjects import Subject

SENSOR_WIDTHS = {"super35": 24.89, "full_frame": 36.0, "alexa35": 27.99, "super16": 12.52}
LENSES = (18.0, 35.0, 85.0, 135.0)


def test_sensor_presets_and_default_16_9_height() -> None:
    assert {name: sensor.width_mm for name, sensor in SENSORS.items()} == SENSOR_WIDTHS
    assert SENSORS["super35"].height_mm == 18.66
    assert used_sensor_height(SENSORS["super35"], 1280, 720) == pytest.approx(14.0, abs=0.001)
    assert used_sensor_height(SENSORS["full_frame"], 1920, 1080) == pytest.approx(20.25)
    with pytest.raises(ValueError, match="super35"):
        sensor_named("imax")


@pytest.mark.parametrize(("sensor", "focal", "degrees"), [
    ("super35", 18.0, 69.3), ("super35", 35.0, 39.1), ("super35", 135.0, 10.5),
    ("full_frame", 18.0, 90.0), ("full_frame", 50.0, 39.6), ("full_frame", 85.0, 23.9),
])
def test_horizontal_fov_matches_the_reference_table(sensor: str, focal: float,
                                                    degrees: float) -> None:
    assert horizontal_fov_deg(focal, SENSORS[sensor]) == pytest.approx(degrees, abs=0.05)


def test_intrinsics_have_square_pixels_centred() -> None:
    k = intrinsics(35.0, SENSORS["super35"], 1280, 720)
    f_px = 35.0 * 1280 / 24.89
    assert np.allclose(k, [[f_px, 0, 640], [0, f_px, 360], [0, 0, 1]])
    assert intrinsics(np.array([35.0, 70.0]), SENSORS["super35"], 1280, 720).shape == (2, 3, 3)


@pytest.mark.parametrize("sensor", sorted(SENSOR_WIDTHS))
@pytest.mark.parametrize("focal", LENSES)
def test_point_lands_where_the_pinhole_formula_says(sensor: str, focal: float) -> None:
    # A level camera framing a full shot of the subject at x = 1, z = 4, looking along +z.
    width, height = 1280, 720
    subject = Subject("A", height=1.75, x=1.0, z=4.0, main=True)
    path = camera_path(ShotCamera(subject, "full", "eye", focal, sensor, width, height), [], 1)
    camera = path.position[0]
    assert path.pose(0).yaw_deg == 0.0
    assert path.pose(0).pitch_deg == 0.0
    f_px = focal * width / SENSOR_WIDTHS[sensor]
    points = np.array([[1.3, 1.6, 4.0], [0.2, 0.0, 6.5], [-3.0, 2.5, 20.0]])
    pixels = path.project(0, points).pixels
    for point, pixel in zip(points, pixels, strict=True):
        x, up, z = point - camera
        assert pixel == pytest.approx([width / 2 + f_px * x / z, height / 2 - f_px * up / z],
                                      abs=1.0)


@pytest.mark.parametrize("sensor", sorted(SENSOR_WIDTHS))
@pytest.mark.parametrize("focal", LENSES)
def test_projection_from_a_camera_turned_to_plus_x(sensor: str, focal: float) -> None:
    # Camera 1.5 m up looking along +x: its right is -z, its down is -y (rows of R).
    rotation = np.array([[0.0, 0.0, -1.0], [0.0, -1.0, 0.0], [1.0, 0.0, 0.0]])
    pose = CameraPose(rotation, np.array([0.0, 1.5, 0.0]), focal, np.array([5.0, 1.5, 0.0]))
    path = CameraPath.from_poses([pose], 960, 540, SENSORS[sensor])
    f_px = focal * 960 / SENSOR_WIDTHS[sensor]
    pixel = path.project(0, np.array([[6.0, 1.0, 0.4]])).pixels[0]
    # 6 m ahead, 0.4 m to the camera's left (+z), 0.5 m below the lens.
    assert pixel == pytest.approx([480 - f_px * 0.4 / 6.0, 270 + f_px * 0.5 / 6.0], abs=1.0)
    assert pose.yaw_deg == pytest.approx(90.0)
    assert math.isclose(pose.pitch_deg, 0.0, abs_tol=1e-9)


def test_points_behind_the_camera_have_no_pixel() -> None:
    subject = Subject("A", main=True)
    path = camera_path(ShotCamera(subject, "medium"), [], 1)
    projected = path.project(0, np.array([[0.0, 1.0, -50.0], [0.0, 1.0, 0.0]]))
    assert np.isnan(projected.pixels[0]).all()
    assert projected.depth[0] < 0 < projected.depth[1]


def test_an_aspect_crops_inside_the_sensor_never_stretching_it() -> None:
    gate = used_gate(SENSORS["super35"], 1080, 1920)
    assert (gate.width_mm, gate.height_mm) == pytest.approx((10.5, 18.66), abs=0.01)
    gate = used_gate(SENSORS["super35"], 2390, 1000)
    assert (gate.width_mm, gate.height_mm) == pytest.approx((24.89, 10.41), abs=0.01)
    gate = used_gate(turned(SENSORS["super35"]), 1080, 1920)
    assert (gate.width_mm, gate.height_mm) == pytest.approx((14.0, 24.89), abs=0.01)
    assert turned(turned(SENSORS["full_frame"])) == SENSORS["full_frame"]
