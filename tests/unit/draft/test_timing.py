"""When moves happen, measured in the picture: easing shapes the first quarter, and every move
starts and stops on the frames its start and end name."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from unit.draft.pictures import RED, layout_silhouette, person, prop, shoot

from previz.core.values import MoveValue

FRAMES = 25  # frame i is at shot time i/24: a quarter is frame 6, three quarters frame 18


@cache
def _progress(easing: str) -> np.ndarray:
    """How far the subject has slid, frame by frame, as a fraction of the whole truck."""
    take = shoot([prop("Crate", height=1.0, main=True)],
                 moves=[MoveValue("truck", 1.0, 0.0, 1.0, easing)], frames=FRAMES)
    u = np.array([layout_silhouette(frame, RED).centroid[0] for frame in take.frames])
    return (u - u[0]) / (u[-1] - u[0])


def test_easing_shapes_the_first_quarter_of_a_move() -> None:
    # A truck slides the picture of a subject linearly with the camera, so the slide is the
    # eased progress itself.
    quarter = {easing: _progress(easing)[FRAMES // 4]
               for easing in ("linear", "ease-in", "ease-out", "ease-in-out")}
    assert abs(quarter["linear"] - 0.25) < 0.01
    assert quarter["ease-in"] < 0.5 * quarter["linear"]
    assert quarter["ease-in-out"] < 0.5 * quarter["linear"]
    assert quarter["ease-out"] > 1.5 * quarter["linear"]


@pytest.mark.parametrize("easing", ["linear", "ease-in", "ease-out", "ease-in-out"])
def test_every_easing_moves_steadily_one_way(easing: str) -> None:
    steps = np.diff(_progress(easing))
    assert np.all(steps > -1e-3)
    assert np.max(steps) < 3.5 / (FRAMES - 1)  # no jump: at most 3.5x the linear step


@pytest.mark.parametrize(("move", "amount"), [
    ("pan", 8.0), ("tilt", -6.0), ("roll", 10.0), ("dolly", 2.0), ("truck", -1.0),
    ("pedestal", 0.5), ("crane", 2.0), ("zoom", 20.0), ("orbit", 30.0), ("dolly_zoom", 3.0),
])
@pytest.mark.parametrize("easing", ["linear", "ease-in-out"])
def test_a_move_starts_and_stops_on_its_frames(move: str, amount: float, easing: str) -> None:
    take = shoot([person(main=True), prop("Crate", 1.5, 3.0)],
                 moves=[MoveValue(move, amount, 0.25, 0.75, easing)], frames=FRAMES,
                 width=320, height=180)
    frames = take.frames
    first, last = FRAMES // 4, 3 * FRAMES // 4
    changed = [not np.array_equal(frames[index], frames[index - 1]) for index in range(FRAMES)]
    assert not any(changed[1:first + 1])  # still up to the start
    assert not any(changed[last + 1:])  # still from the end
    assert not np.array_equal(frames[FRAMES // 2], frames[first])
    assert not np.array_equal(frames[FRAMES // 2], frames[last])
    if easing == "linear":  # moving on every frame between (an eased start may be subpixel)
        assert all(changed[first + 1:last + 1])
