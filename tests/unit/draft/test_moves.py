"""Camera moves measured in the picture: pan and tilt shift a static subject by the amount the
pinhole formula predicts, zoom scales it, dolly-zoom holds it while the background changes
scale, and orbit keeps it centred while the background slides past."""

from __future__ import annotations

import math

import numpy as np
import pytest
from unit.draft.pictures import (
    GREEN,
    RED,
    Pinhole,
    layout_silhouette,
    linear,
    outline,
    person,
    prop,
    prop_corners,
    shoot,
)

CRATE = prop("Crate", 0.0, 0.0, height=1.0, main=True)


@pytest.mark.parametrize("degrees", [6.0, 15.0, -10.0])
def test_pan_right_moves_a_static_subject_left_by_the_predicted_amount(degrees: float) -> None:
    # On the side the world slides away from, so it stays in the frame.
    marker = prop("Marker", 1.2 * np.sign(degrees), 2.0, height=0.6)
    take = shoot([CRATE, marker], moves=[linear("pan", degrees)], frames=2)
    camera = Pinhole.framing(CRATE.height, 0.0, 0.0)
    for subject, colour in ((CRATE, RED), (marker, GREEN)):
        before = layout_silhouette(take.frames[0], colour).centroid
        after = layout_silhouette(take.frames[1], colour).centroid
        predicted = (outline(camera.turned(pan=degrees).project(prop_corners(subject))).centroid
                     - outline(camera.project(prop_corners(subject))).centroid)
        shift = after - before
        assert np.sign(shift[0]) == -np.sign(degrees)  # pan right, the world slides left
        assert abs(shift[0] - predicted[0]) < 1.0, (shift, predicted)
        assert abs(shift[1] - predicted[1]) < 1.0
    # Roughly f·tan(angle) for the subject at the centre.
    assert abs(shift[0]) > 0.8 * camera.focal_px * math.tan(math.radians(abs(degrees)))


@pytest.mark.parametrize("degrees", [5.0, -4.0])
def test_tilt_up_moves_a_static_subject_down_by_the_predicted_amount(degrees: float) -> None:
    take = shoot([CRATE], moves=[linear("tilt", degrees)], frames=2)
    camera = Pinhole.framing(CRATE.height, 0.0, 0.0)
    before = layout_silhouette(take.frames[0], RED)
    after = layout_silhouette(take.frames[1], RED)
    predicted = outline(camera.turned(tilt=degrees).project(prop_corners(CRATE)))
    assert np.sign(after.centroid[1] - before.centroid[1]) == np.sign(degrees)
    assert np.abs(after.centroid - predicted.centroid).max() < 0.3
    assert abs(after.top - predicted.top) < 1.25
    assert abs(after.bottom - predicted.bottom) < 1.25


def test_zooming_from_35_to_70_mm_doubles_the_subject() -> None:
    take = shoot([person(main=True)], lens=35.0, moves=[linear("zoom", 35.0)], frames=2)
    before = layout_silhouette(take.frames[0], RED)
    after = layout_silhouette(take.frames[1], RED)
    assert abs(after.height / before.height - 2.0) < 0.03
    assert abs(after.width / before.width - 2.0) < 0.06
    # A zoom scales the picture about its centre: head and feet twice as far from it.
    middle = take.request.height / 2
    assert abs((after.top - middle) - 2 * (before.top - middle)) < 1.5
    assert abs((after.bottom - middle) - 2 * (before.bottom - middle)) < 1.5


def test_a_dolly_zoom_holds_the_subject_while_the_background_changes_scale() -> None:
    tower = prop("Tower", 2.5, 20.0, height=4.0)
    frames = 5
    take = shoot([person(main=True), tower], moves=[linear("dolly_zoom", 6.0)], frames=frames)
    camera = Pinhole.framing(1.75, 0.0, 0.0)
    distance = -camera.centre[2]
    heights = [layout_silhouette(frame, RED).height for frame in take.frames]
    towers = [layout_silhouette(frame, GREEN).height for frame in take.frames]

    assert max(heights) / min(heights) - 1 < 0.02, heights
    # The background: dollied in by d, the lens widens to f·(D - d)/D.
    dollied = 6.0
    end = camera.moved([0.0, 0.0, dollied]).zoomed(camera.focal_mm * (distance - dollied)
                                                    / distance)
    expected = (outline(end.project(prop_corners(tower))).height
                / outline(camera.project(prop_corners(tower))).height)
    assert expected < 0.8
    assert abs(towers[-1] / towers[0] - expected) < 0.03, (towers, expected)
    assert all(np.diff(towers) < 0)  # it shrinks all the way through


def test_an_orbit_keeps_the_subject_centred_while_the_background_moves() -> None:
    degrees = 40.0
    tower = prop("Tower", -4.0, 8.0, height=3.0)
    take = shoot([person(main=True), tower], moves=[linear("orbit", degrees)], frames=5)
    width = take.request.width
    for frame in take.frames:
        assert abs(layout_silhouette(frame, RED).centroid[0] - width / 2) < 1.0
    # The camera swings to its right round the figure's middle, turning to keep it in view.
    start = Pinhole.framing(1.75, 0.0, 0.0)
    pivot = np.array([0.0, 1.75 / 2, 0.0])
    turn = math.radians(degrees)
    offset = start.centre - pivot
    swung = np.array([offset[0] * math.cos(turn) - offset[2] * math.sin(turn), offset[1],
                      offset[0] * math.sin(turn) + offset[2] * math.cos(turn)])
    end = Pinhole(pivot + swung, -degrees, 0.0, start.focal_mm, start.sensor_mm)
    first = layout_silhouette(take.frames[0], GREEN).centroid
    last = layout_silhouette(take.frames[-1], GREEN).centroid
    predicted = outline(end.project(prop_corners(tower))).centroid
    assert last[0] - first[0] > 200  # the camera goes right: what is behind slides right
    assert np.abs(last - predicted).max() < 1.0, (last, predicted)
