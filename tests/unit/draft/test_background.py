"""The background paints every pixel: the sky only where sky can show, the ground the rest."""

from __future__ import annotations

import math

import numpy as np
import pytest
from unit.draft.pictures import person, shoot

from previz.backends.draft.backend import scene_for
from previz.backends.draft.geometry import View
from previz.backends.draft.renderer import DraftRenderer


def _turned(tilt: float, roll: float) -> np.ndarray:
    """World-to-camera (3x4) of a camera 1.6 m up looking along +z, tilted down ``tilt`` and
    rolled ``roll`` degrees."""
    t, r = math.radians(tilt), math.radians(roll)
    level = np.diag([1.0, -1.0, 1.0])  # camera y down, world y up
    down = np.array([[1.0, 0.0, 0.0], [0.0, math.cos(t), -math.sin(t)],
                     [0.0, math.sin(t), math.cos(t)]])
    rolled = np.array([[math.cos(r), -math.sin(r), 0.0], [math.sin(r), math.cos(r), 0.0],
                       [0.0, 0.0, 1.0]])
    rotation = rolled @ down @ level
    return np.hstack([rotation, -rotation @ np.array([[0.0], [1.6], [-6.0]])])


@pytest.mark.parametrize("mode", ["preview", "layout"])
@pytest.mark.parametrize(("tilt", "roll"), [(0.0, 0.0), (8.0, 0.0), (-20.0, 0.0),
                                           (5.0, 25.0), (0.0, 70.0), (10.0, 100.0),
                                           (0.0, 180.0), (89.0, 0.0), (-89.0, 0.0),
                                           (40.0, -35.0), (3.0, 12.0), (4.0, -9.0)])
def test_no_pixel_is_left_as_the_frame_was(mode: str, tilt: float, roll: float) -> None:
    # Only the rows that can show sky are given the sky before the ground is filled over
    # them; a frame that started black and one that started white must end the same.
    take = shoot([person("Ann", 0.0, 0.0, main=True)], mode=mode)
    request = take.request
    view = View(request.camera.K[0], _turned(tilt, roll), request.width, request.height)
    renderer = DraftRenderer(scene_for(request, view), request.width, request.height)
    black = np.zeros((request.height, request.width, 3), np.uint8)
    white = np.full_like(black, 255)
    renderer._draw_background(black, view, mode == "layout")
    renderer._draw_background(white, view, mode == "layout")
    assert np.array_equal(black, white)
