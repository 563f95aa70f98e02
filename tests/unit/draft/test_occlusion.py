"""Nearer things hide farther ones, whatever order the subjects are listed in."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from unit.draft.pictures import BLUE, GREEN, RED, Take, coverage, person, shoot

from previz.backends.draft.occlusion import Footprint, OcclusionOrder, footprint
from previz.core.subjects import Subject


def _alone(take: Take, subject: Subject) -> np.ndarray:
    """Where ``subject`` is drawn by the same camera when nothing else is there (wholly: an
    anti-aliased edge pixel mixes with whatever is behind it)."""
    return coverage(take.again(subjects=(subject,)).frames[0], RED) > 0.999


@pytest.mark.parametrize("front_first", [True, False])
def test_a_figure_in_front_hides_one_behind_it(front_first: bool) -> None:
    front = person("Front", 0.0, 0.0, main=True)
    back = person("Back", 0.25, 4.0)
    subjects = [front, back] if front_first else [back, front]
    front_colour, back_colour = (RED, GREEN) if front_first else (GREEN, RED)
    take = shoot(subjects)
    frame = take.frames[0]

    front_alone, back_alone = _alone(take, front), _alone(take, back)
    overlap = front_alone & back_alone
    assert overlap.sum() > 300  # the back one stands right behind the front one
    # Where the front figure stands, its colour, never the back one's.
    assert not (coverage(frame, back_colour) > 0.01)[front_alone].any()
    assert (coverage(frame, front_colour) > 0.99)[front_alone].all()
    # The back figure still shows where nothing is in front of it (the front one's soft
    # edge aside).
    edge = cv2.dilate((coverage(take.again(subjects=(front,)).frames[0], RED) > 0)
                      .astype(np.uint8), np.ones((3, 3), np.uint8))
    clear = back_alone & (edge == 0)
    assert clear.sum() > 300
    assert (coverage(frame, back_colour) > 0.99)[clear].all()


@pytest.mark.parametrize(("x", "z"), [(1.3, 3.5), (1.3, 4.5), (1.0, 5.5)])
def test_a_person_beside_a_long_car_is_not_covered_by_its_flank(x: float, z: float) -> None:
    # The car's near flank runs from z = 1.25 to 5.75 at x = 1.7: by its middle it is nearer
    # than the person, yet the person stands between it and the lens.
    subjects = [person("Ann", -2.0, 0.0, main=True), person("Bob", x, z),
                Subject("Car", "vehicle", 1.5, 2.6, 3.5)]
    take = shoot(subjects)
    frame, bob = take.frames[0], _alone(take, subjects[1])
    assert (coverage(frame, GREEN) > 0.98)[bob].all()  # arm and torso meet in a soft seam
    assert (coverage(frame, BLUE) > 0.5).sum() > 1000  # the car is there, beside him


def test_a_car_hides_the_person_behind_it() -> None:
    subjects = [person("Ann", -2.0, 0.0, main=True), person("Bob", 2.6, 9.0),
                Subject("Car", "vehicle", 1.5, 2.6, 3.5)]
    take = shoot(subjects)
    frame, bob = take.frames[0], _alone(take, subjects[1])
    shown = (coverage(frame, GREEN) > 0.5)[bob].mean()
    assert shown < 0.5  # only his head and shoulders clear the roof


def test_the_orders_of_a_second_of_frames_are_those_of_each_frame_alone() -> None:
    # A render finds the occlusion orders of its next frames at once
    # (``OcclusionOrder.many``): two walkers crossing among three set pieces, whose
    # footprints (a box each, turned) give pairs that are apart along one hull's normals,
    # along the other's, and not apart at all. Each frame's order must ask the camera the
    # same questions as an order made for that frame alone.
    def box(x: float, z: float, turn: float, half: tuple[float, float]) -> Footprint:
        c, s = np.cos(turn), np.sin(turn)
        local = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * half
        corners = np.zeros((8, 3))
        corners[:4, [0, 2]] = corners[4:, [0, 2]] = local @ np.array([[c, s], [-s, c]]) + (x, z)
        corners[4:, 1] = 1.0
        return footprint(corners)

    pieces = [box(-3.0, 4.0, 0.3, (1.5, 0.4)), box(2.0, 5.0, 0.0, (0.5, 0.5)),
              box(0.0, 2.0, 1.1, (2.0, 0.2))]
    frames = [[box(-4.0 + 0.4 * t, 1.0, 0.2 * t, (0.25, 0.15)),
               box(3.0 - 0.5 * t, 2.2, -0.1 * t, (0.3, 0.2)), *pieces] for t in range(12)]
    still = {2, 3, 4}
    together = OcclusionOrder.many(frames, {}, still)
    cameras = [np.array([x, z]) for x in (-6.0, 0.0, 5.0) for z in (-5.0, 3.0, 9.0)]
    for t, (footprints_now, order) in enumerate(zip(frames, together, strict=True)):
        alone = OcclusionOrder(footprints_now, {}, still)
        assert order._lows == alone._lows and order._highs == alone._highs, t
        assert np.array_equal(order._axes, alone._axes), t
        assert np.array_equal(order._middles, alone._middles), t
        for camera in cameras:
            assert order.back_to_front(list(range(5)), camera, [1.0] * 5) == \
                alone.back_to_front(list(range(5)), camera, [1.0] * 5)
