"""Conditioning images in the draft (DESIGN §7): a first-frame plate that the camera move acts on
through the homography of its plane, a last-frame image that dissolves in at the end, and a
reference image that names its subject."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from PIL import ImageFont
from unit.draft.pictures import H, Pinhole, W, coverage, linear, person, shoot, silhouette

from previz.core.subjects import Subject
from previz.core.values import ConditioningImage

MAGENTA = (255, 0, 255)
DOT = np.array([150.0, 95.0])  # in the plate, which fills the first frame exactly


def _plate() -> np.ndarray:
    """Grey, with a magenta dot of radius 6 centred on DOT (continuous coordinates)."""
    image = np.full((H, W, 3), 128, np.uint8)
    rows, columns = np.mgrid[0:H, 0:W] + 0.5
    image[(columns - DOT[0]) ** 2 + (rows - DOT[1]) ** 2 <= 36] = MAGENTA
    return image


def _dot(frame: np.ndarray) -> np.ndarray:
    return silhouette(coverage(frame, MAGENTA, tolerance=20.0)).centroid


@pytest.mark.parametrize(("move", "amount", "after"), [
    ("dolly", 4.0, lambda camera: camera.moved([0.0, 0.0, 4.0])),
    ("truck", -1.5, lambda camera: camera.moved([-1.5, 0.0, 0.0])),
    ("pan", -10.0, lambda camera: camera.turned(pan=-10.0)),
    ("tilt", 6.0, lambda camera: camera.turned(tilt=6.0)),
    ("zoom", 15.0, lambda camera: camera.zoomed(50.0)),
])
def test_a_first_frame_plate_moves_by_the_homography_of_its_plane(
        move: str, amount: float, after: Callable[[Pinhole], Pinhole]) -> None:
    take = shoot([person(main=True)], mode="preview", moves=[linear(move, amount)], frames=2,
                 conditioning=[ConditioningImage("plate", "first_frame")],
                 images={"plate": _plate()})
    camera = Pinhole.framing(1.75, 0.0, 0.0)
    # The plate stands where the main subject's middle is, square to the first camera: the
    # dot is the point of that plane on the dot's ray.
    distance = -camera.centre[2]
    ray = np.array([(DOT[0] - W / 2) / camera.focal_px, (DOT[1] - H / 2) / camera.focal_px, 1])
    point = camera.centre + distance * camera.axes.T @ ray
    expected = after(camera).project(point[None])[0]

    assert np.abs(_dot(take.frames[0]) - DOT).max() < 0.3
    moved = _dot(take.frames[1])
    assert np.abs(moved - DOT).max() > 20
    assert np.abs(moved - expected).max() < 0.5, (moved, expected)


def _bars() -> np.ndarray:
    """An image unlike any draft frame: saturated vertical bars."""
    colours = np.array([(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)], np.uint8)
    return np.repeat(colours[(np.arange(W) * 4) // W][None], H, axis=0)


def test_a_last_frame_image_dissolves_in_at_the_end() -> None:
    frames = 24  # a second at 24 fps; the dissolve takes the last half second
    take = shoot([person(main=True)], mode="preview", frames=frames,
                 conditioning=[ConditioningImage("end", "last_frame")],
                 images={"end": _bars()})
    image = _bars().astype(int)

    def matching(frame: np.ndarray) -> float:
        return float((np.abs(frame.astype(int) - image).max(axis=2) <= 2).mean())

    share = [matching(frame) for frame in take.frames]
    assert share[-1] > 0.98  # the shot ends on the image (its subject's label aside)
    assert max(share[: frames // 2]) < 0.1  # the first half is the draft's own picture
    distance = [np.abs(frame.astype(int) - image).mean() for frame in take.frames]
    assert all(np.diff(distance[frames // 2 - 1:]) < 0)  # coming in steadily
    middle = take.frames[frames - 1 - frames // 4]  # a quarter second before the end
    first = take.frames[0].astype(int)
    mix = (middle.astype(int) - first).sum() / (image - first).sum()
    assert 0.35 < mix < 0.65


def _beside_head(subject: Subject) -> tuple[int, int]:
    """A point a few pixels right of the subject's head, level with its middle: inside the
    label, which sits beside the head."""
    camera = Pinhole.framing(1.75, 0.0, 0.0, size="full")
    radius = 0.0665 * subject.height
    centre = np.array([subject.x, subject.height - radius, subject.z])
    middle = camera.project([centre])[0]
    depth = camera.camera_points([centre])[0, 2]
    return int(middle[0] + camera.focal_px * radius / depth) + 8, int(middle[1])


def _label_tab(frame: np.ndarray, inside: tuple[int, int]) -> tuple[int, int, int]:
    """Left, right and top of the label tab around ``inside`` (column, row): a dark, nearly
    grey tab with white text, told from the day's blue sky by its lack of colour."""
    grey = frame.astype(int).max(axis=2) - frame.astype(int).min(axis=2) <= 26
    column, row = inside
    assert grey[row, column], "no label there"
    top = row - np.flatnonzero(~grey[row::-1, column])[0] + 1
    middle = grey[row]
    left = column - np.flatnonzero(~middle[column::-1])[0] + 1
    right = column + np.flatnonzero(~middle[column:])[0]
    return int(left), int(right), int(top)


@pytest.mark.parametrize("named", ["", "Bob"])
def test_a_reference_image_labels_its_subject(named: str) -> None:
    ann, bob = person("Ann", main=True), person("Bob", 1.5, 3.0)
    thumb = np.full((40, 60, 3), MAGENTA, np.uint8)
    plain = shoot([ann, bob], size="full", mode="preview")
    take = plain.again(conditioning=(ConditioningImage("face", "reference", subject=named),),
                       images={"face": thumb})
    frame = take.frames[0]
    owner = bob if named else ann
    thumbnail = silhouette(coverage(frame, MAGENTA) > 0.99)
    anchor = (int(thumbnail.left) - 8, int(thumbnail.top) + 4)  # the label is just left of it

    assert thumbnail.height >= 40  # the picture itself, scaled up to the thumbnail size
    left, right, top = _label_tab(frame, anchor)
    plain_left, plain_right, _ = _label_tab(plain.frames[0], _beside_head(owner))
    # The label grew by " (ref)" and the picture sits just right of it, level with it.
    size = max(int(H * 0.028), 10)
    grown = ImageFont.load_default(size=size).getlength(f"{owner.name} (ref)") - (
        ImageFont.load_default(size=size).getlength(owner.name))
    assert abs((right - left) - (plain_right - plain_left) - grown) <= 2
    assert 0 <= thumbnail.left - right <= 8
    assert abs(thumbnail.top - top) <= 1
    # The other subject's label is as it was.
    other = bob if owner is ann else ann
    other_anchor = _beside_head(other)
    assert _label_tab(frame, other_anchor) == _label_tab(plain.frames[0], other_anchor)


def test_a_keyframe_plate_shows_at_its_time_as_the_camera_then_sees_it() -> None:
    # Mid-pan, the keyframe is the picture at its time: it fills that frame exactly, and the
    # camera carries it off either side.
    take = shoot([person(main=True)], mode="preview", frames=25,
                 moves=[linear("pan", -10.0)],
                 conditioning=[ConditioningImage("key", "keyframe", time=0.5)],
                 images={"key": _plate()})
    strength = [coverage(frame, MAGENTA, tolerance=20.0).sum() for frame in take.frames]
    assert strength[12] == max(strength)  # 0.5 s is frame 12 at 24 fps
    assert max(strength[0], strength[24]) < 0.01 * strength[12]  # no plate (a stray pixel)
    assert np.abs(_dot(take.frames[12]) - DOT).max() < 0.3
    assert _dot(take.frames[10])[0] < DOT[0] - 5 < DOT[0] + 5 < _dot(take.frames[14])[0]
