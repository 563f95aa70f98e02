"""The ground grid is drawn where the camera sees it: the lines that run away from the camera
meet at the vanishing point K·R·(0, 0, 1)."""

from __future__ import annotations

import numpy as np
import pytest
from unit.draft.pictures import H, Pinhole, linear, person, shoot

from previz.backends.draft.geometry import View
from previz.backends.draft.ground import draw_grid
from previz.backends.draft.sky import PALETTES

DAY = PALETTES["day"]  # a prompt that names no time of day


def _crossings(frame: np.ndarray, rows: range) -> list[tuple[float, float]]:
    """Where thin grid lines cross each row: (column, row) at their sub-pixel middles.

    A pixel's "lineness" is how far its colour has gone from the ground's toward the grid's;
    a crossing is a narrow bump of it (a line running along the row makes a wide one)."""
    ground, grid = np.array(DAY.ground, float), np.array(DAY.grid, float)
    towards = grid - ground
    lineness = (frame.astype(float) - ground) @ towards / (towards @ towards)
    found = []
    for row in rows:
        level = lineness[row]
        on = level > 0.15
        edges = np.flatnonzero(np.diff(on.astype(int)))
        for start, end in zip(edges[::2] + 1, edges[1::2] + 1, strict=False):
            if end - start > 8 or level[start:end].max() < 0.25:
                continue
            columns = np.arange(start, end)
            weights = level[start:end]
            found.append((float((columns + 0.5) @ weights / weights.sum()), row + 0.5))
    return found


def _lines(points: list[tuple[float, float]], step: float = 8.0) -> list[np.ndarray]:
    """Chain crossings row by row into lines and fit each as u = a + b·v: rows (a, b)."""
    chains: list[list[tuple[float, float]]] = []
    for u, v in sorted(points, key=lambda point: point[1]):
        best = None
        for chain in chains:
            last_u, last_v = chain[-1]
            if 0 < v - last_v <= 6 and abs(u - last_u) <= step * (v - last_v):
                slope = (chain[-1][0] - chain[-2][0]) / (chain[-1][1] - chain[-2][1]) if (
                    len(chain) > 1) else 0.0
                error = abs(u - (last_u + slope * (v - last_v)))
                if best is None or error < best[0]:
                    best = (error, chain)
        if best is not None and best[0] < 1.0 + step * (len(best[1]) < 2):
            best[1].append((u, v))
        else:
            chains.append([(u, v)])
    fitted = []
    for chain in chains:
        if len(chain) < 25:
            continue
        u, v = np.array(chain).T
        a_b = np.polyfit(v, u, 1)[::-1]
        if np.abs(u - (a_b[0] + a_b[1] * v)).max() < 0.75:
            fitted.append(a_b)
    return fitted


def _meeting_point(lines: list[np.ndarray]) -> np.ndarray:
    """The point nearest every line u = a + b·v (least squares, far-off lines dropped)."""
    lines_arr = np.array(lines)
    keep = np.ones(len(lines_arr), bool)
    for _ in range(5):
        a, b = lines_arr[keep].T
        # u - b·v = a, distance scaled by sqrt(1 + b²).
        rows = np.stack([np.ones_like(b), -b], axis=1) / np.sqrt(1 + b * b)[:, None]
        point, *_ = np.linalg.lstsq(rows, a / np.sqrt(1 + b * b), rcond=None)
        a_all, b_all = lines_arr.T
        distance = np.abs(point[0] - b_all * point[1] - a_all) / np.sqrt(1 + b_all**2)
        keep = distance < 3.0
    assert keep.sum() >= 4, "too few grid lines agree"
    return point


def _vanishing_point_seen(frame: np.ndarray, below: float) -> np.ndarray:
    rows = range(int(below) + 30, H - 1)
    return _meeting_point(_lines(_crossings(frame, rows)))


@pytest.mark.parametrize(("angle", "lens"), [("high", 18.0), ("high", 24.0), ("eye", 35.0)])
def test_grid_lines_meet_where_the_camera_says(angle: str, lens: float) -> None:
    frame = shoot([person(main=True)], lens=lens, angle=angle, mode="preview").frames[0]
    expected = Pinhole.framing(1.75, 0.0, 0.0, angle=angle, focal_mm=lens).vanishing_point(
        (0.0, 0.0, 1.0))
    seen = _vanishing_point_seen(frame, expected[1])
    assert np.abs(seen - expected).max() < 1.5, (seen, expected)


@pytest.mark.parametrize("degrees", [15.0, -25.0])
def test_after_a_pan_the_lines_meet_off_centre(degrees: float) -> None:
    # A full shot: nearer the ground's grid than a wide, so more of its lines cross the frame.
    take = shoot([person(main=True)], size="full", lens=24.0, moves=[linear("pan", degrees)],
                 frames=2, mode="preview")
    camera = Pinhole.framing(1.75, 0.0, 0.0, size="full", focal_mm=24.0).turned(pan=degrees)
    expected = camera.vanishing_point((0.0, 0.0, 1.0))
    seen = _vanishing_point_seen(take.frames[-1], expected[1])
    assert abs(expected[0] - take.request.width / 2) > 100
    assert np.abs(seen - expected).max() < 1.5, (seen, expected)


def test_a_tilted_and_panned_camera_meets_at_k_r_z() -> None:
    # A pan after a tilt turns about the tilted camera's own vertical: the horizon leans.
    take = shoot([person(main=True)], lens=18.0, angle="high",
                 moves=[linear("pan", 20.0)], frames=2, mode="preview")
    path = take.path
    direction = path.K[-1] @ path.world_to_camera[-1, :3, :3] @ np.array([0.0, 0.0, 1.0])
    expected = direction[:2] / direction[2]
    seen = _vanishing_point_seen(take.frames[-1], expected[1])
    assert np.abs(seen - expected).max() < 1.5, (seen, expected)


def _row_lineness(frame: np.ndarray) -> np.ndarray:
    """How far each row has gone from the ground's colour toward the grid's, its median over
    the row (a line running along the row counts, lines crossing it hardly do)."""
    ground, grid = np.array(DAY.ground, float), np.array(DAY.grid, float)
    towards = grid - ground
    return np.median((frame.astype(float) - ground) @ towards / (towards @ towards), axis=1)


def test_far_lines_fade_out_instead_of_thickening_into_a_band() -> None:
    # Toward the horizon the lines come closer than a pixel apart; anti-aliased, they piled
    # up into a pale band (every row from 6 to 42 under the horizon here was a third to half
    # of the way to the grid's colour). A painted line that far off is thinner than a pixel:
    # those lines fade out, and most of those rows are plain ground.
    frame = shoot([person(main=True)], lens=35.0, angle="eye", mode="preview").frames[0]
    horizon = Pinhole.framing(1.75, 0.0, 0.0, angle="eye", focal_mm=35.0).vanishing_point(
        (0.0, 0.0, 1.0))[1]
    level = _row_lineness(frame)
    below = int(np.ceil(horizon))
    band = level[below:below + 45]
    assert (np.abs(band) < 0.05).mean() > 0.5, band
    # Near lines, several pixels apart, are drawn as before: some rows run along one.
    assert level[below + 60:].max() > 0.5



def test_a_camera_looking_straight_up_draws_no_grid() -> None:
    # No line of the grid is in front of the lens: the frame stays as it was (grouping the
    # lines by ring and fade once failed on an empty grid, and every shot looking up at a
    # lamp failed to render).
    rotation = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]])  # z: world up
    world_to_camera = np.hstack([rotation, -rotation @ np.array([[0.0], [1.6], [0.0]])])
    k = np.array([[500.0, 0.0, 320.0], [0.0, 500.0, 180.0], [0.0, 0.0, 1.0]])
    frame = np.full((360, 640, 3), 90, np.uint8)
    draw_grid(frame, View(k, world_to_camera, 640, 360), DAY.ground, DAY.grid)
    assert (frame == 90).all()
