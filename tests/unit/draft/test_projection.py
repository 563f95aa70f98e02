"""Subjects land where the pinhole formula puts them, for several lenses and sensors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from unit.draft.pictures import (
    GREEN,
    RED,
    Pinhole,
    box_corners,
    layout_silhouette,
    outline,
    person,
    prop,
    prop_corners,
    shoot,
)

LENSES = (18.0, 35.0, 85.0)
SENSORS = ("super35", "full_frame", "super16")


@pytest.mark.parametrize("angle", ["eye", "high"])
@pytest.mark.parametrize("sensor", SENSORS)
@pytest.mark.parametrize("lens", LENSES)
def test_a_prop_lands_where_the_pinhole_formula_puts_it(lens: float, sensor: str,
                                                         angle: str) -> None:
    camera = Pinhole.framing(1.75, 0.0, 0.0, size="wide", angle=angle, focal_mm=lens,
                             sensor=sensor)
    # Two metres behind the actor, a quarter of a frame to the right of the centre line.
    depth = float(-camera.centre[2]) + 2.0
    crate = prop("Crate", 0.22 * camera.width * depth / camera.focal_px, 2.0, height=0.8)
    predicted = outline(camera.project(prop_corners(crate)))

    frame = shoot([person(main=True), crate], lens=lens, sensor=sensor, angle=angle).frames[0]
    measured = layout_silhouette(frame, GREEN)

    # The centroid of the coverage is the centroid of the drawn outline: a half-pixel slip
    # between continuous coordinates and OpenCV's pixel centres shows here.
    assert np.abs(measured.centroid - predicted.centroid).max() < 0.3, (measured, predicted)
    # Each edge within a pixel and a quarter: OpenCV's anti-aliased fill draws every polygon
    # about 0.7 px fatter all round, so sizes read 1.5 px large while positions stay exact.
    edges = np.array([measured.left - predicted.left, measured.right - predicted.right,
                      measured.top - predicted.top, measured.bottom - predicted.bottom])
    assert np.abs(edges).max() < 1.25, edges


@pytest.mark.parametrize("lens", LENSES)
def test_a_person_stands_where_the_formula_puts_head_and_feet(lens: float) -> None:
    height = 1.8
    camera = Pinhole.framing(height, 0.0, 0.0, size="full", focal_mm=lens)
    frame = shoot([person(height=height, main=True)], size="full", lens=lens).frames[0]
    measured = layout_silhouette(frame, RED)

    # Feet: the bottom of the legs, 0.085·H wide and 0.1·H deep, either side of the middle.
    legs = np.concatenate([box_corners(side * 0.055 * height, 0.0,
                                       (0.085 * height, 0.5 * height, 0.1 * height))
                           for side in (-1, 1)])
    feet = camera.project(legs).max(axis=0)[1]
    # Head: the top of a ball 0.133·H across whose top is at H, by its tangent from the lens.
    radius = 0.133 * height / 2
    centre = camera.camera_points([[0.0, height - radius, 0.0]])[0]
    head = camera.height / 2 + camera.focal_px * _tangent_slope(centre[1], centre[2], radius)

    assert abs(measured.bottom - feet) < 1.25  # the anti-aliased fill, 0.7 px fatter (above)
    assert abs(measured.top - head) < 1.0
    assert abs(measured.centroid[0] - camera.width / 2) < 0.3


def _tangent_slope(y: float, z: float, radius: float) -> float:
    """The smallest y/z of the rays from the lens that touch a ball at (·, y, z)."""
    a = z * z - radius * radius
    return (y * z - math.sqrt((y * z) ** 2 - a * (y * y - radius * radius))) / a
