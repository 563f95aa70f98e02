"""Shot sizes and angles, measured in pixels against the figure proportions of DESIGN §6."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from previz.core.camera import (
    ANGLES,
    GROUND_CLEARANCE,
    VISIBLE_HEIGHTS,
    ShotCamera,
    base_framing,
    camera_path,
    facing_direction,
    world_point,
)
from previz.core.subjects import Subject

HEIGHTS = (1.2, 1.75, 1.95)
LENSES = ((24.0, "super35"), (50.0, "full_frame"), (85.0, "alexa35"))
FRAME_H = 720


def landmarks(shot_size: str, angle: str, height: float, focal: float = 35.0,
              sensor: str = "super35") -> dict[str, float]:
    """Vertical positions of the figure's landmarks as fractions of the frame height."""
    subject = Subject("A", height=height, x=1.5, z=3.0, main=True)
    shot = ShotCamera(subject, shot_size, angle, focal, sensor, 1280, FRAME_H)
    heights = {"top": height, "eyes": 0.935 * height, "chin": height - 0.133 * height,
               "hips": 0.5 * height, "feet": 0.0}
    points = np.array([world_point(subject.x, h, subject.z) for h in heights.values()])
    pixels = camera_path(shot, [], 1).project(0, points).pixels
    seen = np.isfinite(pixels[:, 0])
    assert np.allclose(pixels[seen, 0], 640, atol=1.0)
    return {name: pixel[1] / FRAME_H for name, pixel in zip(heights, pixels, strict=True)}


@pytest.mark.parametrize(("focal", "sensor"), LENSES)
@pytest.mark.parametrize("height", HEIGHTS)
@pytest.mark.parametrize("angle", ["eye", "high"])
def test_close_up_head_fills_two_thirds_and_is_centred(angle: str, height: float,
                                                       focal: float, sensor: str) -> None:
    marks = landmarks("close_up", angle, height, focal, sensor)
    assert marks["chin"] - marks["top"] == pytest.approx(0.133 * 1.75 / 0.35, abs=0.03)
    assert (marks["chin"] + marks["top"]) / 2 == pytest.approx(0.5, abs=0.03)


@pytest.mark.parametrize(("focal", "sensor"), LENSES)
@pytest.mark.parametrize("height", HEIGHTS)
@pytest.mark.parametrize("angle", ["eye", "low"])
def test_medium_puts_the_hips_on_the_bottom_edge(angle: str, height: float, focal: float,
                                                 sensor: str) -> None:
    marks = landmarks("medium", angle, height, focal, sensor)
    assert marks["hips"] == pytest.approx(1.0, abs=0.03)
    if angle == "eye":
        assert marks["top"] == pytest.approx(0.0, abs=0.03)


@pytest.mark.parametrize("height", HEIGHTS)
@pytest.mark.parametrize("angle", sorted(ANGLES))
def test_full_shot_holds_the_whole_figure_with_room(angle: str, height: float) -> None:
    marks = landmarks("full", angle, height)
    assert 0.03 < marks["top"] < marks["feet"] < 0.97


@pytest.mark.parametrize("height", HEIGHTS)
@pytest.mark.parametrize("angle", sorted(ANGLES))
def test_extreme_close_up_centres_the_eyes(angle: str, height: float) -> None:
    assert landmarks("extreme_close_up", angle, height)["eyes"] == pytest.approx(0.5, abs=0.002)


def test_shot_sizes_get_wider_down_the_ladder() -> None:
    spans = [landmarks(size, "eye", 1.75)["top"] - landmarks(size, "eye", 1.75)["hips"]
             for size in VISIBLE_HEIGHTS]
    assert all(a < b for a, b in itertools.pairwise(spans))


@pytest.mark.parametrize("shot_size", sorted(VISIBLE_HEIGHTS))
@pytest.mark.parametrize("angle", sorted(ANGLES))
def test_framing_point_is_centred_and_camera_above_ground(shot_size: str, angle: str) -> None:
    shot = ShotCamera(Subject("A", height=1.8, x=-2.0, z=5.0, main=True), shot_size, angle, 40.0)
    framing = base_framing(shot)
    pixel = camera_path(shot, [], 1).project(0, framing.look_at[None]).pixels[0]
    assert pixel == pytest.approx([640, 360], abs=1.0)
    assert framing.camera_height >= GROUND_CLEARANCE - 1e-9
    assert framing.camera_height == pytest.approx(framing.position[1])
    assert np.linalg.norm(framing.look_at - framing.position) == pytest.approx(framing.distance)
    if not framing.clamped:
        assert framing.pitch_deg == pytest.approx(ANGLES[angle])


def test_distance_follows_the_lens_and_angles_tilt_as_named() -> None:
    subject = Subject("A", main=True)
    eye = base_framing(ShotCamera(subject, "medium_close_up", "eye", 50.0))
    assert eye.distance == pytest.approx(50.0 * 0.6 / (24.89 * 720 / 1280))
    assert eye.camera_height == pytest.approx(1.75 - 0.3)
    high = base_framing(ShotCamera(subject, "medium_close_up", "high", 50.0))
    assert high.camera_height == pytest.approx(1.45 + eye.distance * math.sin(math.radians(15)))
    assert high.distance == pytest.approx(eye.distance)


def test_worms_eye_wide_is_clamped_above_ground_keeping_its_aim() -> None:
    framing = base_framing(ShotCamera(Subject("A", main=True), "wide", "worms_eye", 35.0))
    assert framing.clamped
    assert framing.camera_height == pytest.approx(GROUND_CLEARANCE)
    assert framing.look_at == pytest.approx(world_point(0.0, 0.875, 0.0))
    assert 0 < framing.pitch_deg < 45
    assert framing.distance == pytest.approx(35.0 * 5.0 / 14.0, abs=0.01)


def test_facing_turns_the_subject_to_its_left() -> None:
    assert facing_direction(0.0) == pytest.approx([0.0, 0.0, -1.0])
    assert facing_direction(90.0) == pytest.approx([1.0, 0.0, 0.0])


def test_from_params_frames_the_main_subject() -> None:
    params = {"shot_size": "close_up", "angle": "low", "lens": 85.0, "sensor": "full_frame",
              "width": 1920, "height": 1080}
    extra, main = Subject("B", x=3.0), Subject("A", x=-1.0, main=True)
    shot = ShotCamera.from_params(params, [extra, main])
    assert shot.subject is main
    assert shot.sensor_spec.width_mm == 36.0
    with pytest.raises(ValueError, match="main subject"):
        ShotCamera.from_params(params, [extra])
    with pytest.raises(ValueError, match="shot size"):
        ShotCamera(main, "cowboy")
