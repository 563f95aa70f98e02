"""DESIGN §6's composition table on the draft's pictures, measured in pixels against the
figure's proportions (eyes at 0.935·H, the head a ball 0.133·H across with its top at H,
shoulders at 0.82·H and 0.26·H wide, feet at 0)."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from fractions import Fraction

import cv2
import numpy as np
import pytest
from unit.draft.pictures import (
    GREEN,
    MAGENTA_PLATE,
    RED,
    Take,
    coverage,
    layout_silhouette,
    linear,
    person,
    prop,
    render,
    shoot,
)

from previz.backends.draft import labels
from previz.backends.draft.backend import scene_for
from previz.backends.draft.figures import SKIN
from previz.backends.draft.geometry import View
from previz.backends.draft.renderer import DraftRenderer
from previz.backends.draft.skeleton import skeleton
from previz.core.camera import ShotCamera, camera_path
from previz.core.camera.coverage import base_framing
from previz.core.subjects import Subject
from previz.core.values import ConditioningImage
from previz.engine.backend import RenderRequest

LENSES = (18.0, 24.0, 35.0, 50.0, 85.0, 135.0)
SENSORS = {"super35": (24.89, 18.66), "full_frame": (36.0, 24.0)}
ASPECTS = {"16:9": (640, 360), "2.39:1": (640, 268), "9:16": (360, 640)}
CASES = list(itertools.product(LENSES, SENSORS, ASPECTS))


def focal_px(lens: float, sensor: str, width: int, height: int) -> float:
    """f·W/w_used, the gate being the largest rectangle of the image's aspect on the sensor."""
    sensor_w, sensor_h = SENSORS[sensor]
    return lens * width / min(sensor_w, sensor_h * width / height)


def _eye_line(frame: np.ndarray) -> float:
    """The row through the eyes: the middle of the two largest dark warm patches (a label's tab
    is cool, the nose's outline a thin line)."""
    pixels = frame.astype(int)
    eyes = (pixels.sum(axis=2) < 195) & (pixels[:, :, 0] > pixels[:, :, 2] + 5)
    count, _, stats, _ = cv2.connectedComponentsWithStats(eyes.astype(np.uint8))
    assert count > 1, "no eyes in the picture"
    largest = stats[1:][np.argsort(stats[1:, cv2.CC_STAT_AREA])[::-1][:2]]
    return float(np.mean(largest[:, cv2.CC_STAT_TOP] + largest[:, cv2.CC_STAT_HEIGHT] / 2))


def _skin(frame: np.ndarray) -> np.ndarray:
    return np.abs(frame.astype(int) - SKIN).max(axis=2) <= 3


@pytest.mark.parametrize(("lens", "sensor", "aspect"), CASES)
@pytest.mark.parametrize("size", ["extreme_close_up", "close_up", "medium_close_up"])
def test_the_eyes_sit_on_the_upper_third(size: str, lens: float, sensor: str,
                                         aspect: str) -> None:
    width, height = ASPECTS[aspect]
    frame = shoot([person(main=True)], size=size, lens=lens, sensor=sensor, width=width,
                  height=height, mode="preview").frames[0]
    assert abs(_eye_line(frame) / height - 1 / 3) < 0.02


@pytest.mark.parametrize("lens", [35.0, 85.0])
@pytest.mark.parametrize(("pose", "speed"), [("walk", 1.0), ("walk", 1.8), ("run", 3.5)])
@pytest.mark.parametrize("size", ["extreme_close_up", "close_up", "medium_close_up"])
def test_a_walking_figure_is_framed_where_its_walk_carries_its_eyes(
        size: str, pose: str, speed: float, lens: float) -> None:
    """A walk lowers the upper body until legs a stride apart reach the ground (7 cm for a
    1.75 m figure at 1 m/s): framed as if standing, a close-up's eyes fell half-way down."""
    walker = replace(person(main=True), pose=pose, speed=speed, walked=0.3)
    frame = shoot([walker], size=size, lens=lens, mode="preview").frames[0]
    assert abs(_eye_line(frame) / frame.shape[0] - 1 / 3) < 0.02


@pytest.mark.parametrize("lens", [35.0, 85.0])
@pytest.mark.parametrize("size", ["medium", "medium_wide"])
def test_a_walking_figure_keeps_the_tables_headroom(size: str, lens: float) -> None:
    walker = replace(person(main=True), pose="walk", speed=1.4, walked=0.3)
    frame = shoot([walker], size=size, lens=lens).frames[0]
    headroom = {"medium": 0.12, "medium_wide": 0.08}[size]
    assert abs(layout_silhouette(frame, RED).top / frame.shape[0] - headroom) < 0.02


@pytest.mark.parametrize(("lens", "sensor", "aspect"), CASES)
@pytest.mark.parametrize(("size", "headroom"), [("medium", 0.12), ("medium_wide", 0.08),
                                                ("full", 0.08)])
def test_the_headroom_is_the_tables(size: str, headroom: float, lens: float, sensor: str,
                                    aspect: str) -> None:
    width, height = ASPECTS[aspect]
    frame = shoot([person(main=True)], size=size, lens=lens, sensor=sensor, width=width,
                  height=height).frames[0]
    figure = layout_silhouette(frame, RED)
    assert abs(figure.top / height - headroom) < 0.02
    if size == "full":  # the feet 5% of the frame above its bottom
        assert abs(figure.bottom / height - 0.95) < 0.02


@pytest.mark.parametrize(("lens", "sensor", "aspect"), CASES)
def test_a_close_up_holds_both_shoulders(lens: float, sensor: str, aspect: str) -> None:
    width, height = ASPECTS[aspect]
    take = shoot([person(main=True)], size="close_up", lens=lens, sensor=sensor, width=width,
                 height=height)
    torso = coverage(take.frames[0], RED) > 0.99
    shoulders = np.array([[side * 0.13 * 1.75, 0.81 * 1.75, -0.07 * 1.75]
                          for side in (-1, 1)])
    for u, v in take.path.project(0, shoulders).pixels:
        assert 0 <= u < width
        assert 0 <= v < height
        assert torso[int(v), int(u)]


@pytest.mark.parametrize(("lens", "sensor", "aspect"), CASES)
@pytest.mark.parametrize(("facing", "third"), [(90.0, 1 / 3), (-90.0, 2 / 3), (0.0, 1 / 2)])
def test_a_subject_looking_across_gets_looking_room(facing: float, third: float, lens: float,
                                                    sensor: str, aspect: str) -> None:
    width, height = ASPECTS[aspect]
    frame = shoot([person(facing=facing, main=True)], size="medium", lens=lens, sensor=sensor,
                  width=width, height=height, mode="preview").frames[0]
    columns = np.flatnonzero(_skin(frame)[: height // 3].any(axis=0))
    assert abs((columns[0] + columns[-1] + 1) / 2 / width - third) < 0.03


@pytest.mark.parametrize("size", ["medium_close_up", "medium", "full"])
@pytest.mark.parametrize("lens", [24.0, 50.0])
def test_a_two_shot_centres_the_pair(size: str, lens: float) -> None:
    a, b = person("Ann", -0.4, 0.0, main=True), person("Bob", 0.5, 0.3, height=1.6)
    frame = _two_shot([a, b], size, lens)
    middles = [layout_silhouette(frame, colour).centroid[0] for colour in (RED, GREEN)]
    assert abs(sum(middles) / 2 / frame.shape[1] - 0.5) < 0.02
    for colour in (RED, GREEN):
        figure = layout_silhouette(frame, colour)
        assert figure.left > 0.09 * frame.shape[1]
        assert figure.right < 0.91 * frame.shape[1]


def _two_shot(subjects: list, size: str, lens: float, mode: str = "layout") -> np.ndarray:
    shot = ShotCamera(subjects[0], size, "eye", lens, "super35", 640, 360, "two_shot",
                      tuple(subjects[1:]))
    request = RenderRequest(prompt="", width=640, height=360, frame_count=1, fps=Fraction(24),
                            seed=0, camera=camera_path(shot, (), 1), subjects=tuple(subjects),
                            mode=mode)
    return render(request).frames[0]


@pytest.mark.parametrize(("lens", "sensor", "aspect"),
                         [(lens, "super35", "16:9") for lens in LENSES] + [
                             (24.0, "full_frame", "9:16"), (18.0, "super35", "2.39:1")])
@pytest.mark.parametrize("size", ["close_up", "medium_close_up", "medium"])
def test_a_low_angle_looks_up_twenty_degrees(size: str, lens: float, sensor: str,
                                             aspect: str) -> None:
    width, height = ASPECTS[aspect]
    take = shoot([person(main=True)], size=size, angle="low", lens=lens, sensor=sensor,
                 width=width, height=height)
    f = focal_px(lens, sensor, width, height)
    # Looking up, the horizon is below the middle, often below the frame: the same camera on
    # a sensor carried on downward (same K, a taller image) shows where it is.
    tall = int(height / 2 + f * math.tan(math.radians(30.0)))
    frame = _taller(take, max(tall, height)).astype(int)
    pitch_row = _horizon_row(frame)
    pitch = math.degrees(math.atan((pitch_row - height / 2) / f))
    assert pitch == pytest.approx(20.0, abs=0.5)


def _horizon_row(frame: np.ndarray) -> float:
    """Where the layout's black sky meets its grey ground: in each column the first grey
    pixel, its soft share counted, and the row most columns agree on (the figure, red, hides
    the horizon in some)."""
    grey = (np.ptp(frame, axis=2) == 0) & (frame.max(axis=2) > 0)
    estimates = []
    for column in range(frame.shape[1]):
        rows = np.flatnonzero(grey[:, column])
        if len(rows):
            estimates.append(rows[0] + 1 - frame[rows[0], column].max() / 64)
    values = np.array(estimates)
    common = np.bincount(np.floor(values).astype(int)).argmax()
    return float(np.median(values[np.abs(values - common - 0.5) <= 1.5]))


def _taller(take: Take, rows: int) -> np.ndarray:
    """The first frame of ``take`` on a bigger sensor: same lens and centre, more below and a
    frame's width more either side (where no figure hides the horizon)."""
    request, path = take.request, take.path
    k = path.K[0].copy()
    k[0, 2] += request.width
    view = View(k, path.world_to_camera[0], 3 * request.width, rows)
    renderer = DraftRenderer(scene_for(request, view), 3 * request.width, rows)
    return renderer.render(view, 0.0, 0.0)


@pytest.mark.parametrize(("sensor", "aspect"), [("super35", "16:9"), ("full_frame", "16:9"),
                                                ("super35", "9:16")])
def test_the_head_is_a_ball_in_perspective(sensor: str, aspect: str) -> None:
    width, height = ASPECTS[aspect]
    subject = person(facing=90.0, main=True)  # looking room: the head off the centre line
    take = shoot([subject], size="medium_wide", lens=18.0, sensor=sensor, width=width,
                 height=height)
    figure = layout_silhouette(take.frames[0], RED)
    pose = take.path.pose(0)
    f = focal_px(18.0, sensor, width, height)
    pitch = math.radians(pose.pitch_deg)
    forward = np.array([0.0, math.sin(pitch), math.cos(pitch)])
    up = np.array([0.0, math.cos(pitch), -math.sin(pitch)])
    radius = 0.0665 * 1.75
    centre = np.array([0.0, 1.75 - radius, 0.0]) - pose.position
    # The topmost ray grazing the ball, in the vertical plane of the camera's x axis.
    angle = math.atan2(centre @ up, centre @ forward) + math.asin(
        radius / math.hypot(centre @ up, centre @ forward))
    assert abs(figure.top - (height / 2 - f * math.tan(angle))) < 1.0


def test_a_hidden_subject_has_no_label() -> None:
    # The child's head is behind the adult's chest; only its legs show between the adult's.
    front, hidden = person("Ann", main=True), person("Kid", 0.0, 1.0, height=1.1)
    alone = shoot([front], size="medium_wide", mode="preview").frames[0]
    both = shoot([front, hidden], size="medium_wide", mode="preview")
    kid = coverage(both.again(mode="layout").frames[0], GREEN) > 0
    changed = (both.frames[0] != alone).any(axis=2)
    assert changed.any()
    assert not (changed & ~cv2.dilate(kid.astype(np.uint8), np.ones((3, 3), np.uint8))
                .astype(bool)).any()


def test_labels_sit_beside_the_faces_never_over_them() -> None:
    short = [person("A", -0.3, 0.0, main=True), person("B", 0.35, 0.2, height=1.65)]
    long = [person("Annabelle Longname", -0.3, 0.0, main=True),
            person("Bartholomew Longer", 0.35, 0.2, height=1.65)]
    labelled = _two_shot(long, "medium", 35.0, "preview") != _two_shot(short, "medium", 35.0,
                                                                       "preview")
    labelled = labelled.any(axis=2)
    assert labelled.sum() > 200  # the longer names show
    heads = _two_shot(short, "medium", 35.0, "layout")
    for colour in (RED, GREEN):
        figure = coverage(heads, colour) > 0.5
        rows = np.flatnonzero(figure.any(axis=1))
        head = figure.copy()
        head[rows[0] + int(0.12 * (rows[-1] - rows[0])):] = False  # the head's top part
        assert head.sum() > 50
        assert not (labelled & head).any()


def test_a_label_keeps_off_another_figures_body() -> None:
    """Ann's label would fit right of her head, but a tall man stands there: it goes to her
    left rather than over his shoulder, and his keeps off her."""
    def two(names: tuple[str, str], mode: str) -> np.ndarray:
        pair = [person(names[0], -0.3, 0.0, main=True),
                person(names[1], 0.45, 0.1, height=2.05)]
        return shoot(pair, size="medium_wide", mode=mode).frames[0]

    labelled = (two(("Annabelle Longname", "Bartholomew Longer"), "preview")
                != two(("A", "B"), "preview")).any(axis=2)
    assert labelled.sum() > 1000  # both long names show
    bodies = two(("A", "B"), "layout")
    for colour in (RED, GREEN):
        assert not (labelled & (coverage(bodies, colour) > 0.5)).any()


def test_a_set_piece_is_labelled_beside_its_top() -> None:
    """A set piece has no head: its label sits level with its top, beside it."""
    crate = prop("Crate", 1.2, 0.5)
    take = shoot([person(main=True), crate], size="wide", mode="preview")
    longer = shoot([person(main=True), replace(crate, name="Crate with a long name")],
                   size="wide", mode="preview")
    rows, columns = np.nonzero((take.frames[0] != longer.frames[0]).any(axis=2))
    assert len(rows) > 200
    top = np.array([[1.2, 1.0 + 0.12 / 1.75, 0.5]])  # its top, and the tab's gap above it
    (u, v), = take.path.project(0, top).pixels
    assert rows.min() < v < rows.max() + 1
    assert columns.min() > u  # to its right, where there is room


@pytest.mark.parametrize("lamp_x", [1.8, 1.9])
def test_labels_never_cross_each_other(monkeypatch: pytest.MonkeyPatch, lamp_x: float) -> None:
    """A crate and a lamp post a step apart, each labelled beside its top: the second label
    would land on the first, and two crossed tabs read as neither name. It goes where it
    clears the first instead."""
    drawn: list[tuple[int, int, int, int]] = []
    real = labels.blend

    def seen(frame: np.ndarray, sprite: labels.Sprite, x: int, y: int) -> None:
        drawn.append((x, y, x + sprite.width, y + sprite.height))
        real(frame, sprite, x, y)

    monkeypatch.setattr(labels, "blend", seen)
    shoot([person("Ann", main=True), prop("Weathered crate", 1.5, 1.0, height=1.0),
           prop("Lamp post", lamp_x, 2.0, height=1.0)], size="wide", mode="preview")
    assert len(drawn) == 3  # Ann's, the crate's and the lamp post's
    for (a_left, a_top, a_right, a_bottom), (b_left, b_top, b_right, b_bottom) in (
            itertools.combinations(drawn, 2)):
        assert not (a_left < b_right and b_left < a_right and a_top < b_bottom
                    and b_top < a_bottom), drawn


@pytest.mark.parametrize(("size", "z", "room"), [
    ("medium", 1.0, True), ("medium", 1.5, True), ("medium", 2.0, True),
    ("medium_close_up", 1.5, False),  # only a strip between her shoulders shows
])
def test_a_set_piece_behind_someone_is_labelled_by_what_shows_of_it(size: str, z: float,
                                                                    room: bool) -> None:
    """The wall's top is hidden behind Ann's chest: beside it, its label would sit on her coat
    and read as hers. It goes beside the top of the part of the wall that shows instead, or,
    with no room there, is left out."""
    subjects = [person("Ann", main=True), prop("Cliff wall", 0.1, z, height=1.3)]
    named = shoot(subjects, size=size, mode="preview").frames[0]
    renamed = shoot([subjects[0], replace(subjects[1], name="Xq")], size=size,
                    mode="preview").frames[0]
    labelled = (named != renamed).any(axis=2)  # either name's letters
    layout = shoot(subjects, size=size, mode="layout").frames[0]
    shows = coverage(layout, GREEN) > 0.5
    assert shows.sum() > 1000  # the wall shows either side of her
    assert not (labelled & (coverage(layout, RED) > 0)).any()
    assert (labelled.sum() > 200) == room
    if room:
        rows, columns = np.nonzero(labelled)
        wall_rows, wall_columns = np.nonzero(shows)
        assert rows.min() - 4 <= wall_rows.min() <= rows.max() + 4  # level with its top
        assert wall_columns.min() - 8 <= columns.max() and columns.min() <= wall_columns.max() + 8


def test_a_one_metre_truck_on_a_plate_shows_no_grid() -> None:
    take = shoot([person(main=True)], size="medium", mode="preview", frames=2,
                 moves=[linear("truck", 1.0)],
                 conditioning=[ConditioningImage("plate", "first_frame")],
                 images={"plate": MAGENTA_PLATE})
    last = take.frames[-1].astype(int)
    plate = np.abs(last - (255, 0, 255)).max(axis=2) <= 2
    outlines = last.min(axis=2) > 200  # the figures drawn as white outlines over the plate
    labels = last.max(axis=2) - last.min(axis=2) < 40  # the label's grey tab
    assert (plate | outlines | labels).mean() > 0.995


def _lying(facing: float) -> Subject:
    return replace(person(facing=facing, main=True), pose="lie")


@pytest.mark.parametrize("facing", [0.0, 90.0, -135.0])
@pytest.mark.parametrize("lens", [35.0, 85.0])
@pytest.mark.parametrize("size", ["extreme_close_up", "close_up", "medium_close_up"])
def test_a_lying_figure_is_framed_where_its_head_lies(size: str, lens: float,
                                                     facing: float) -> None:
    """On its back, a figure's eyes are a hand above the ground and most of a metre from its
    mark: framed as if it stood there, a close-up showed empty ground. Its eyes go on the upper
    third; across, the frame centres the body from the eyes to where the size cuts it (on
    the back, what was at height y standing lies (y - 0.5·H) from the hips toward the head);
    the face is as big as a standing figure's at that size."""
    lying = _lying(facing)
    take = shoot([lying], size=size, lens=lens, mode="preview")
    frame = take.frames[0]
    height, width = frame.shape[:2]
    bones = skeleton(lying)
    eyes = (bones["l_eye"] + bones["r_eye"]) / 2
    (u, v), = take.path.project(0, eyes[None]).pixels
    assert abs(v / height - 1 / 3) < 0.02
    bottom = {"extreme_close_up": 0.875, "close_up": 0.78, "medium_close_up": 0.72}[size]
    toward = np.array([math.sin(math.radians(facing)), 0.0, -math.cos(math.radians(facing))])
    cut = np.array([0.0, eyes[1], 0.0]) - toward * (bottom - 0.5) * 1.75
    (middle, _), = take.path.project(0, ((eyes + cut) / 2)[None]).pixels
    assert abs(middle / width - 1 / 2) < 0.03
    standing = shoot([person(main=True)], size=size, lens=lens, mode="preview")
    face = _skin(frame).sum()
    assert 0.7 < face / _skin(standing.frames[0]).sum() < 1.4
    rows, columns = np.nonzero(_skin(frame))  # the face is where the eyes are
    assert rows.min() - 3 <= v <= rows.max() + 3 and columns.min() <= u <= columns.max()


@pytest.mark.parametrize(("facing", "pitch"), [(0.0, -60.0), (40.0, -60.0), (90.0, 0.0),
                                               (180.0, 0.0)])
def test_a_camera_looks_at_a_lying_face_over_the_body_only_when_it_must(facing: float,
                                                                        pitch: float) -> None:
    """Level with a face lying before it, a camera would look into the chest: with the feet
    toward it, it looks down from the bird's-eye angle and says so; from the side or the
    head, it stays level."""
    shot = ShotCamera(_lying(facing), "close_up", "eye", 50.0)
    framing = base_framing(shot)
    assert framing.pitch_deg == pytest.approx(pitch)
    assert ("feet toward the camera" in framing.note) == (pitch != 0.0)


@pytest.mark.parametrize("facing", [90.0, -90.0])
@pytest.mark.parametrize("lens", [24.0, 50.0])
def test_a_full_shot_of_a_lying_figure_holds_it_head_to_toe(lens: float, facing: float) -> None:
    """The full shot's frame is as tall as a standing figure's (H/0.87), placed on the lying
    head, and centred on the body: the head and the shoes both in, either side of the middle."""
    lying = _lying(facing)
    take = shoot([lying], size="full", lens=lens, mode="preview")
    bones = skeleton(lying)
    ends = take.path.project(0, np.stack([bones["head"], bones["l_toe"], bones["r_toe"]])).pixels
    width, height = take.frames[0].shape[1], take.frames[0].shape[0]
    assert ((ends >= 0) & (ends < [width, height])).all()
    assert abs((ends[0, 0] + ends[1:, 0].mean()) / 2 / width - 1 / 2) < 0.05
