"""The control modes a model backend is given: the same camera path with no caption, labels or
thumbnails, as flat layout colours and as depth that grows with distance."""

from __future__ import annotations

import numpy as np
import pytest
from unit.draft.pictures import BLUE, GREEN, RED, Take, coverage, linear, person, prop, shoot

from previz.backends.draft.backend import scene_for
from previz.backends.draft.geometry import View
from previz.backends.draft.renderer import SKY_DEPTH, DraftRenderer
from previz.core.subjects import Subject
from previz.core.values import ConditioningImage

SLATE = ("010_0010 'Harbour'   MS   35 mm   dolly in 1 m",
         "Night. A keeper walks the pier under the lamp.")
THUMB = np.full((48, 48, 3), (255, 0, 255), np.uint8)


def _busy_shot(mode: str, *, slate: tuple[str, ...] = SLATE, names: tuple[str, str] = (
        "Keeper", "Crate"), reference: bool = True) -> np.ndarray:
    subjects = [person(names[0], main=True), prop(names[1], 1.0, 2.0)]
    conditioning = [ConditioningImage("thumb", "reference")] if reference else []
    return shoot(subjects, size="full", mode=mode, slate=slate, prompt=SLATE[1],
                 moves=[linear("dolly", 1.0)], frames=3, conditioning=conditioning,
                 images={"thumb": THUMB}).frames[-1]


def test_the_preview_has_labels_and_a_thumbnail_but_no_caption_inside_the_frame() -> None:
    plain = _busy_shot("preview", slate=(), names=("A", "B"), reference=False)
    busy = _busy_shot("preview")
    assert not np.array_equal(plain, busy)  # the longer names and the thumbnail
    assert (np.abs(busy.astype(int) - (255, 0, 255)).max(axis=2) == 0).sum() > 1000
    # The slate and the prompt stay outside the picture: it is the camera's alone.
    assert np.array_equal(_busy_shot("preview", slate=()), busy)
    band = slice(int(busy.shape[0] * 0.85), None)
    assert not (busy[band] > 240).all(axis=2).any()  # no white caption text at the bottom


@pytest.mark.parametrize("mode", ["layout", "depth"])
def test_control_modes_have_no_caption_labels_or_thumbnails(mode: str) -> None:
    plain = _busy_shot(mode, slate=(), names=("A", "B"), reference=False)
    busy = _busy_shot(mode)
    assert np.array_equal(plain, busy)
    assert not (busy > 240).all(axis=2)[int(busy.shape[0] * 0.85):].any()


def test_layout_gives_each_subject_one_flat_colour() -> None:
    frame = _busy_shot("layout")
    colours = {tuple(pixel) for pixel in frame.reshape(-1, 3)}
    for colour in (RED, GREEN, (0, 0, 0), (64, 64, 64)):  # subjects, sky, ground
        assert colour in colours
    solid = (coverage(frame, RED) > 0.99) | (coverage(frame, GREEN) > 0.99)
    grey = frame.max(axis=2) == frame.min(axis=2)
    assert (solid | grey).mean() > 0.97  # the rest is anti-aliased edges


def _depths(take: Take) -> list[np.ndarray]:
    """Depth in metres of every frame, drawn by one renderer as the backend draws them."""
    request, path = take.request, take.path
    views = [View(path.K[i], path.world_to_camera[i], request.width, request.height)
             for i in range(request.frame_count)]
    renderer = DraftRenderer(scene_for(request, views[0]), request.width, request.height)
    return [renderer.depth(view) for view in views]


def _ground_depth(take: Take, index: int, rows: np.ndarray) -> np.ndarray:
    """Depth of the flat ground seen by a level camera through the middle of each row (as far
    as the sky at most)."""
    path = take.path
    camera_height = path.position[index, 1]
    focal = path.K[index, 1, 1]
    return np.minimum(camera_height * focal / (rows + 0.5 - take.request.height / 2), SKY_DEPTH)


def test_depth_is_the_distance_along_the_view() -> None:
    near, far = prop("Near", -1.5, 1.0, height=1.2), prop("Far", 1.5, 12.0, height=1.2)
    take = shoot([person(main=True), near, far])
    depth = _depths(take)[0]
    layout = take.frames[0]
    camera_z = take.path.position[0, 2]
    for subject, colour in ((near, GREEN), (far, BLUE)):
        inside = coverage(layout, colour) > 0.99
        front = subject.z - 0.6 - camera_z  # the face toward the camera
        assert np.abs(depth[inside] - front).max() < 0.6 + 0.05
    near_depth = depth[coverage(layout, GREEN) > 0.99].mean()
    far_depth = depth[coverage(layout, BLUE) > 0.99].mean()
    assert near_depth < far_depth


def test_ground_depth_grows_toward_the_horizon_and_the_sky_is_farthest() -> None:
    take = shoot([person(main=True)])
    depth = _depths(take)[0]
    height = take.request.height
    column = depth[:, 20]  # clear of the figure
    rows = np.arange(height // 2 + 1, height)
    assert np.allclose(column[rows], _ground_depth(take, 0, rows), rtol=1e-4)
    assert np.all(np.diff(column[rows]) < 0)  # farther up the frame
    sky = column[: height // 2]
    assert np.all(sky == SKY_DEPTH)
    assert depth.max() == SKY_DEPTH
    # The grey control frame a model gets: nearer is brighter, the sky darkest.
    grey = take.again(mode="depth").frames[0][:, 20, 0].astype(int)
    assert np.all(np.diff(grey[rows]) >= 0)
    assert grey[-1] > grey[height // 2 + 5] > grey[0]
    assert grey[: height // 2].max() == grey.min()


def test_depth_follows_a_zoom() -> None:
    take = shoot([person(main=True)], moves=[linear("zoom", 35.0)], frames=3)
    rows = np.arange(take.request.height // 2 + 1, take.request.height)
    for index, depth in enumerate(_depths(take)):
        assert np.allclose(depth[rows, 20], _ground_depth(take, index, rows), rtol=1e-4), index


def test_a_subject_in_depth_hides_what_is_behind_it() -> None:
    subjects = [person(main=True), Subject("Back", "person", 1.75, 0.2, 5.0)]
    take = shoot(subjects)
    depth = _depths(take)[0]
    front = coverage(take.frames[0], RED) > 0.99
    camera_z = take.path.position[0, 2]
    assert depth[front].max() < 0.2 - camera_z  # the front figure's depth, not the back one's
