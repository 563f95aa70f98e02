"""DESIGN §6's composition table, measured on the picture of a pinhole written out here.

Landmarks are the figure's own (DESIGN §6): eyes at 0.935·H, 0.058·H in front of the body's
axis; the head a ball of radius 0.0665·H centred at 0.9335·H; shoulder points at 0.82·H,
0.13·H either side; feet at 0. A ball's top in the picture is where the ray grazing it lands.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from previz.core.camera import GROUND_CLEARANCE, ShotCamera, base_framing, camera_path
from previz.core.subjects import Subject

LENSES = (18.0, 24.0, 35.0, 50.0, 85.0, 135.0)
SENSORS = {"super35": (24.89, 18.66), "full_frame": (36.0, 24.0)}
ASPECTS = {"16:9": (1280, 720), "2.39:1": (1434, 600), "9:16": (720, 1280)}
CASES = list(itertools.product(LENSES, SENSORS, ASPECTS))
HEADROOM = {"medium": 0.12, "medium_wide": 0.08, "full": 0.08}
BOTTOM = {"medium": 0.60, "medium_wide": 0.38}


class Picture:
    """Where things land in the first frame of a shot, by a pinhole written out here: the
    camera's centre, heading and tilt from its path, fx = f·W/w_used on the cropped gate."""

    def __init__(self, shot: ShotCamera) -> None:
        path = camera_path(shot, [], 1)
        pose = path.pose(0)
        self.width, self.height = shot.width, shot.height
        self.centre = pose.position
        sensor_w, sensor_h = SENSORS.get(shot.sensor, (shot.sensor_spec.width_mm,
                                                       shot.sensor_spec.height_mm))
        if shot.turned:
            sensor_w, sensor_h = sensor_h, sensor_w
        used_w = min(sensor_w, sensor_h * shot.width / shot.height)
        self.f = shot.focal_mm * shot.width / used_w
        yaw, pitch = math.radians(pose.yaw_deg), math.radians(pose.pitch_deg)
        self.forward = np.array([math.sin(yaw) * math.cos(pitch), math.sin(pitch),
                                 math.cos(yaw) * math.cos(pitch)])
        self.right = np.array([math.cos(yaw), 0.0, -math.sin(yaw)])
        self.up = np.cross(self.forward, self.right)  # left-handed world: forward x right is up
        assert np.allclose(path.project(0, self.centre[None] + self.forward[None]).pixels,
                           [[self.width / 2, self.height / 2]])

    def pixel(self, point: np.ndarray) -> np.ndarray:
        """(column, row) of a world point."""
        d = np.asarray(point, float) - self.centre
        z = d @ self.forward
        return np.array([self.width / 2 + self.f * (d @ self.right) / z,
                         self.height / 2 - self.f * (d @ self.up) / z])

    def ball_top(self, centre: np.ndarray, radius: float) -> float:
        """The row of a ball's topmost outline point (the grazing ray in the vertical plane)."""
        d = np.asarray(centre, float) - self.centre
        z, up = d @ self.forward, d @ self.up
        angle = math.atan2(up, z) + math.asin(radius / math.hypot(up, z))
        return self.height / 2 - self.f * math.tan(angle)


def person(height: float = 1.75, *, x: float = 0.0, z: float = 0.0, facing: float = 0.0,
           name: str = "A", main: bool = True) -> Subject:
    return Subject(name, "person", height, x, z, facing, main)


def eyes(subject: Subject) -> np.ndarray:
    angle = math.radians(subject.facing)
    ahead = 0.058 * subject.height * np.array([math.sin(angle), 0.0, -math.cos(angle)])
    return np.array([subject.x, 0.935 * subject.height, subject.z]) + ahead


def head(subject: Subject) -> tuple[np.ndarray, float]:
    return np.array([subject.x, 0.9335 * subject.height, subject.z]), 0.0665 * subject.height


def at_eye_plane(subject: Subject, height_fraction: float) -> np.ndarray:
    point = eyes(subject)
    point[1] = height_fraction * subject.height
    return point


@pytest.mark.parametrize(("lens", "sensor", "aspect"), CASES)
@pytest.mark.parametrize("size", ["extreme_close_up", "close_up", "medium_close_up"])
def test_eye_line_sits_on_the_upper_third(size: str, lens: float, sensor: str,
                                          aspect: str) -> None:
    subject = person()
    shot = ShotCamera(subject, size, "eye", lens, sensor, *ASPECTS[aspect])
    picture = Picture(shot)
    row = picture.pixel(eyes(subject))[1]
    assert abs(row / shot.height - 1 / 3) < 0.02
    bottom = {"extreme_close_up": 0.875, "close_up": 0.78, "medium_close_up": 0.72}[size]
    cut = picture.pixel(at_eye_plane(subject, bottom))[1] / shot.height
    if size == "close_up" and aspect == "9:16":  # too narrow for the shoulders: it steps back
        assert cut < 0.98
    else:
        assert abs(cut - 1) < 0.02


@pytest.mark.parametrize(("lens", "sensor", "aspect"), CASES)
@pytest.mark.parametrize("size", sorted(HEADROOM))
def test_headroom_is_the_tables(size: str, lens: float, sensor: str, aspect: str) -> None:
    subject = person()
    shot = ShotCamera(subject, size, "eye", lens, sensor, *ASPECTS[aspect])
    picture = Picture(shot)
    assert abs(picture.ball_top(*head(subject)) / shot.height - HEADROOM[size]) < 0.02
    if size in BOTTOM:
        cut = picture.pixel(at_eye_plane(subject, BOTTOM[size]))[1] / shot.height
        assert abs(cut - 1) < 0.02
    else:
        toes = np.array([subject.x, 0.0, subject.z - 0.05 * subject.height])  # the feet's front
        feet = picture.pixel(toes)[1] / shot.height
        assert abs(feet - 0.95) < 0.02


@pytest.mark.parametrize(("lens", "sensor", "aspect"), CASES)
def test_a_close_up_holds_both_shoulders(lens: float, sensor: str, aspect: str) -> None:
    subject = person()
    shot = ShotCamera(subject, "close_up", "eye", lens, sensor, *ASPECTS[aspect])
    picture = Picture(shot)
    for side in (-1, 1):
        u, v = picture.pixel(np.array([side * 0.13 * 1.75, 0.82 * 1.75, 0.0]))
        assert 0 <= u <= shot.width
        assert 0 <= v <= shot.height


@pytest.mark.parametrize("height", [1.2, 1.75, 1.95])
def test_the_rule_follows_the_figures_own_height(height: float) -> None:
    subject = person(height, x=1.5, z=3.0)
    shot = ShotCamera(subject, "medium_close_up", "eye", 35.0)
    assert abs(Picture(shot).pixel(eyes(subject))[1] / 720 - 1 / 3) < 0.02


@pytest.mark.parametrize(("lens", "sensor", "aspect"), CASES)
@pytest.mark.parametrize(("facing", "third"), [(90.0, 1 / 3), (-90.0, 2 / 3), (0.0, 0.5),
                                               (20.0, 0.5), (60.0, 1 / 3)])
def test_looking_room_puts_the_subject_on_the_third_behind_its_gaze(
        facing: float, third: float, lens: float, sensor: str, aspect: str) -> None:
    subject = person(facing=facing, x=0.4, z=2.0)
    shot = ShotCamera(subject, "medium", "eye", lens, sensor, *ASPECTS[aspect])
    column = Picture(shot).pixel(head(subject)[0])[0]
    assert abs(column / shot.width - third) < 0.03


@pytest.mark.parametrize("size", ["close_up", "medium", "full", "wide"])
@pytest.mark.parametrize("lens", [24.0, 50.0])
def test_a_two_shot_centres_the_pair_with_room_either_side(size: str, lens: float) -> None:
    a = person(1.85, x=-0.5, z=0.0)
    b = person(1.6, x=0.6, z=0.4, name="B", main=False)
    shot = ShotCamera(a, size, "eye", lens, others=(b,), framing="two_shot")
    picture = Picture(shot)
    columns = [picture.pixel(head(s)[0])[0] for s in (a, b)]
    assert abs(sum(columns) / 2 / shot.width - 0.5) < 0.02
    for subject in (a, b):
        for side in (-1, 1):
            edge = np.array([subject.x + side * 0.19 * subject.height, 0.82 * subject.height,
                             subject.z])
            assert 0.1 - 0.005 <= picture.pixel(edge)[0] / shot.width <= 0.9 + 0.005
    if size != "wide":
        assert picture.pixel(eyes(a))[1] / shot.height == pytest.approx(1 / 3, abs=0.02)


@pytest.mark.parametrize("lens", [50.0, 85.0])
def test_an_over_the_shoulder_frames_b_on_the_far_third_over_a(lens: float) -> None:
    b = person(1.7, x=0.0, z=2.0, facing=90.0)
    a = person(1.8, x=1.4, z=2.0, facing=-90.0, name="A2", main=False)
    shot = ShotCamera(b, "close_up", "eye", lens, others=(a,), framing="over_the_shoulder")
    picture = Picture(shot)
    b_column = picture.pixel(head(b)[0])[0] / shot.width
    a_column = picture.pixel(head(a)[0])[0] / shot.width
    assert b_column == pytest.approx(1 / 3, abs=0.03)  # A stands to B's left on screen...
    assert a_column > 2 / 3  # ... so A's head fills the near (right) third
    assert picture.pixel(eyes(b))[1] / shot.height == pytest.approx(1 / 3, abs=0.02)
    assert picture.centre[2] < 2.0  # on the audience's side of the line
    assert np.linalg.norm(picture.centre[[0, 2]] - [1.4, 2.0]) < np.linalg.norm(
        picture.centre[[0, 2]] - [0.0, 2.0])


def right_of(subject: Subject, towards: Subject) -> np.ndarray:
    """The floor direction (x, z) to the right of ``subject`` turned to face ``towards``."""
    ahead = np.array([towards.x - subject.x, towards.z - subject.z])
    return np.array([ahead[1], -ahead[0]]) / np.linalg.norm(ahead)


@pytest.mark.parametrize("side", [30.0, -30.0, 270.0])
@pytest.mark.parametrize("lens", [35.0, 85.0])
@pytest.mark.parametrize("line", [0.0, 60.0, 180.0])  # the line's heading on the floor
def test_an_over_the_shoulder_stands_on_the_side_of_the_line_asked(side: float, lens: float,
                                                                   line: float) -> None:
    turn = math.radians(line)
    b = person(1.7, x=0.0, z=3.0, facing=90.0 + line)  # B faces A, A faces B
    a = person(1.8, x=1.4 * math.cos(turn), z=3.0 - 1.4 * math.sin(turn), facing=line - 90.0,
               name="Al", main=False)
    shot = ShotCamera(b, "medium_close_up", "eye", lens, others=(a,),
                      framing="over_the_shoulder", side=side)
    picture = Picture(shot)
    from_b = picture.centre[[0, 2]] - [b.x, b.z]
    rightward = math.remainder(side, 360.0) > 0
    assert (from_b @ right_of(b, a) > 0) == rightward  # B's right: over A's left shoulder
    b_column = picture.pixel(head(b)[0])[0] / shot.width
    a_column = picture.pixel(head(a)[0])[0] / shot.width
    # Over A's left shoulder A fills the right third and B sits on the left one; mirrored.
    assert b_column == pytest.approx(1 / 3 if rightward else 2 / 3, abs=0.03)
    assert (a_column > 2 / 3) if rightward else (a_column < 1 / 3)
    assert picture.pixel(eyes(b))[1] / shot.height == pytest.approx(1 / 3, abs=0.02)


def test_an_over_the_shoulder_looks_over_the_character_named() -> None:
    b = person(1.7, x=0.0, z=3.0, facing=90.0)
    near = person(1.8, x=1.2, z=3.0, facing=-90.0, name="Al", main=False)
    far = person(1.6, x=-2.0, z=3.0, facing=90.0, name="Cy", main=False)
    for over, shoulder in (("", near), ("Cy", far)):
        shot = ShotCamera(b, "close_up", "eye", 50.0, others=(near, far),
                          framing="over_the_shoulder", over=over)
        picture = Picture(shot)
        distances = {s.name: np.linalg.norm(picture.centre[[0, 2]] - [s.x, s.z])
                     for s in (b, near, far)}
        assert min(distances, key=distances.get) == shoulder.name
        column = picture.pixel(head(shoulder)[0])[0] / shot.width
        assert column > 2 / 3 or column < 1 / 3  # the near third
        assert picture.pixel(head(b)[0])[0] / shot.width == pytest.approx(
            1 / 3 if column > 0.5 else 2 / 3, abs=0.03)
    with pytest.raises(ValueError, match="no other subject named 'Di'"):
        ShotCamera(b, "close_up", others=(near, far), framing="over_the_shoulder", over="Di")


@pytest.mark.parametrize("size", ["close_up", "medium_close_up", "medium", "medium_wide"])
@pytest.mark.parametrize("lens", LENSES)
def test_a_low_angle_is_the_angle_asked(size: str, lens: float) -> None:
    framing = base_framing(ShotCamera(person(), size, "low", lens))
    assert framing.pitch_deg == pytest.approx(20.0)
    if framing.note:  # a long lens far back would need the camera under the ground
        assert framing.camera_height == pytest.approx(GROUND_CLEARANCE)
    path = camera_path(ShotCamera(person(), size, "low", lens), [], 1)
    assert path.pose(0).pitch_deg == pytest.approx(20.0, abs=1e-6)


def test_an_angle_no_camera_above_ground_can_hold_says_why() -> None:
    framing = base_framing(ShotCamera(person(), "extreme_wide", "worms_eye", 35.0))
    assert framing.camera_height >= GROUND_CLEARANCE - 1e-9
    assert framing.pitch_deg == pytest.approx(45.0)
    assert "under the ground" in framing.note


@pytest.mark.parametrize("lens", LENSES)
def test_9_16_on_super_35_uses_the_real_sensor_height(lens: float) -> None:
    path = camera_path(ShotCamera(person(), "medium", "eye", lens, "super35", 720, 1280), [], 1)
    vertical = 2 * math.degrees(math.atan(1280 / 2 / path.K[0, 1, 1]))
    assert vertical == pytest.approx(2 * math.degrees(math.atan(18.66 / 2 / lens)), abs=0.01)
    turned = camera_path(ShotCamera(person(), "medium", "eye", lens, "super35", 720, 1280,
                                    turned=True), [], 1)
    vertical = 2 * math.degrees(math.atan(1280 / 2 / turned.K[0, 1, 1]))
    assert vertical == pytest.approx(2 * math.degrees(math.atan(24.89 / 2 / lens)), abs=0.01)


def test_a_medium_on_35mm_stands_where_a_real_camera_would() -> None:
    # 9:16 Super 35 on a 35 mm: the frame is 18.66 mm tall, F = 0.4·1.75/0.88 m.
    framing = base_framing(ShotCamera(person(), "medium", "eye", 35.0, "super35", 1080, 1920))
    frame = 0.4 * 1.75 / 0.88
    assert framing.distance == pytest.approx(35.0 * frame / 18.66, rel=0.08)


def test_a_two_shot_needs_a_second_subject() -> None:
    with pytest.raises(ValueError, match="second subject"):
        ShotCamera(person(), framing="two_shot")
    with pytest.raises(ValueError, match="framing"):
        ShotCamera(person(), framing="three_shot")


@pytest.mark.parametrize("angle", ["high", "low"])
@pytest.mark.parametrize("lens", [18.0, 24.0, 35.0])
def test_an_angled_medium_keeps_its_headroom_in_the_picture(angle: str, lens: float) -> None:
    subject = person()
    shot = ShotCamera(subject, "medium", angle, lens)
    picture = Picture(shot)
    assert not base_framing(shot).note
    assert abs(picture.ball_top(*head(subject)) / shot.height - 0.12) < 0.02
    cut = picture.pixel(at_eye_plane(subject, 0.60))[1] / shot.height
    assert abs(cut - 1) < 0.02


@pytest.mark.parametrize("lens", [35.0, 50.0, 85.0])
@pytest.mark.parametrize("size", ["close_up", "medium_close_up"])
def test_an_over_the_shoulder_looks_over_a_taller_shoulder(size: str, lens: float) -> None:
    """A 1.9 m A before a 1.6 m B: level with B's eye line the camera stood lower than A's
    shoulders and looked along their top into A's back, a slab across the frame. It rises
    over A's shoulder line and tilts down, B's eyes still on the upper third; the note says
    so."""
    b = person(1.6, x=0.0, z=2.0, facing=90.0)
    a = person(1.9, x=1.3, z=2.0, facing=-90.0, name="Tall", main=False)
    shot = ShotCamera(b, size, "eye", lens, others=(a,), framing="over_the_shoulder")
    picture = Picture(shot)
    assert picture.centre[1] >= 0.82 * 1.9 + 0.05
    assert picture.pixel(eyes(b))[1] / shot.height == pytest.approx(1 / 3, abs=0.02)
    assert picture.pixel(head(b)[0])[0] / shot.width == pytest.approx(1 / 3, abs=0.03)
    assert "over it and looks down" in base_framing(shot).note
