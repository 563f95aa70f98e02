"""The ground: a grid of one-metre lines to the horizon, fading with distance, and its depth."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import cv2
import numpy as np

from previz.backends.draft.geometry import (
    NEAR,
    SHIFT,
    View,
    cameras,
    cv_points,
    grouped,
    inverse_of,
    to_cameras,
    to_pixels_many,
    total,
)

EXTENT = 120.0  # metres of grid around the camera
# Square rings around the camera: inner and outer half-size, line spacing, contrast.
BANDS = ((0.0, 16.0, 1.0, 1.0), (16.0, 40.0, 1.0, 0.55), (40.0, EXTENT, 5.0, 0.35))
MARGIN = 4.0  # pixels beyond the frame that clipped lines still reach
CROWDED = (1.5, 6.0)  # pixels to the next line: gone at the first, faded up to the second
FADES = 16  # steps of that fade
UNSEEN = 2  # grey levels: a line no more than this from the ground in every channel is not drawn
FAINT = 8  # grey levels: a line no more than this from the ground is drawn aliased (``_inks``)


Strokes = list[tuple[list[np.ndarray], tuple[int, ...], int]]
"""One frame's grid lines as polylines calls: segments' points, colour and line type, the
nearest ring and faintest level first."""


def draw_grid(frame: np.ndarray, view: View, ground: tuple[int, int, int],
              grid: tuple[int, int, int]) -> None:
    """Draw the grid lines, weaker with distance, exactly where the camera sees them. A line
    whose neighbour is closer than ``CROWDED`` pixels on screen fades out (it would only
    thicken into a band by the horizon: a painted line that far off is thinner than a pixel)."""
    draw_strokes(frame, grid_strokes([view], ground, grid)[0])


def draw_strokes(frame: np.ndarray, strokes: Strokes) -> None:
    """Draw one frame's grid lines (``grid_strokes``)."""
    lines = cv2.polylines
    for points, colour, line_type in strokes:
        lines(frame, points, False, colour, 1, line_type, SHIFT)


def grid_strokes(views: Sequence[View], ground: tuple[int, int, int],
                 grid: tuple[int, int, int]) -> list[Strokes]:
    """The grid lines each of ``views`` sees (``draw_grid``), found for all of them in one
    pass: a render asks for a second of frames at once, so numpy's cost per call is paid
    once for them, not once a frame. Views of one size; each frame's lines are those it would
    find alone (the same arithmetic, row by row)."""
    found: list[Strokes] = [[] for _ in views]
    inks = _inks(tuple(ground), tuple(grid))
    for centre, numbers in grouped([_centre(view) for view in views]).items():
        grid_lines = _grid(*centre)
        chosen = [views[number] for number in numbers]
        columns, (pixels, reach), seen, fade = _seen_lines(chosen, grid_lines)
        rings = grid_lines[1][columns]
        keys = rings[None, :] * (FADES + 1) + fade  # (F, S)
        drawn = seen & (fade > 0)
        frame_of, segment = np.nonzero(drawn)  # by frame, then segment: the order kept
        if not len(segment):
            continue
        keys = keys[frame_of, segment]
        order = np.argsort(frame_of * len(inks) + keys, kind="stable")
        frame_of, segment, keys = frame_of[order], segment[order], keys[order]
        points = cv_points(_cut(pixels[frame_of, segment], reach[:, frame_of, segment]))
        starts = np.flatnonzero(np.diff(frame_of * len(inks) + keys, prepend=-1)).tolist()
        ends = [*starts[1:], len(keys)]
        for start, end, which, key in zip(starts, ends, frame_of[starts].tolist(),
                                          keys[starts].tolist(), strict=True):
            ink = inks[key]
            if ink is not None:
                found[numbers[which]].append((list(points[start:end]), ink[0], ink[1]))
    return found


def _seen_lines(views: Sequence[View],
                lines: tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...]]
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The segments (S') of a grid that some view has in front of its lens, and for each view
    (F) and those segments: its pixel segment clipped to the lens (F, S', 2, 2) with the
    share of it inside the frame (2, F, S': ``_clip_to_frame``), whether any of it is seen
    (F, S'), and its fade (F, S'); every view at once."""
    segments = lines[0]
    rotations, shifts, lenses = cameras(views)
    camera = to_cameras(segments.reshape(-1, 3), rotations, shifts).reshape(len(views), -1, 2, 3)
    ahead = (camera[:, :, 0, 2] > NEAR) | (camera[:, :, 1, 2] > NEAR)
    columns = np.flatnonzero(ahead.any(axis=0))  # most of the grid is behind every view
    camera, ahead = camera[:, columns], ahead[:, columns]
    z0, z1 = camera[:, :, 0, 2], camera[:, :, 1, 2]
    with np.errstate(divide="ignore", invalid="ignore"):  # rows behind the lens are dropped
        t = np.clip((NEAR - z0) / np.where(z1 != z0, z1 - z0, 1.0), 0.0, 1.0)
        cut = camera[:, :, 0] + t[:, :, None] * (camera[:, :, 1] - camera[:, :, 0])
        start = np.where((z0 < NEAR)[:, :, None], cut, camera[:, :, 0])
        end = np.where((z1 < NEAR)[:, :, None], cut, camera[:, :, 1])
        pixels = np.stack([to_pixels_many(start, lenses), to_pixels_many(end, lenses)], axis=2)
        view = views[0]
        inside, reach = _clip_to_frame(pixels, view.width, view.height)
        seen = ahead & inside
        fade = np.zeros(seen.shape, int)
        wanted = np.flatnonzero(seen.any(axis=0))
        fade[:, wanted] = _fades(views, lines, columns[wanted], (rotations, shifts, lenses))
    return columns, (pixels, reach), seen, fade


@lru_cache(maxsize=16)
def _inks(ground: tuple[int, ...],
          grid: tuple[int, ...]) -> list[tuple[tuple[int, ...], int] | None]:
    """The colour and line type of each ring and fade level (``ring * (FADES + 1) + level``),
    or None where it would not be seen: faded to within ``UNSEEN`` grey levels of the ground
    in every channel. A line within ``FAINT`` levels of the ground is drawn aliased: steps of
    a few grey levels are below what anyone sees, and anti-aliasing costs eight times as much
    per pixel."""
    base, line = np.array(ground, float), np.array(grid, float)
    inks: list[tuple[tuple[int, ...], int] | None] = []
    for _, _, _, strength in BANDS:
        for level in range(FADES + 1):
            shade = base + (line - base) * strength * level / FADES
            colour = tuple(int(c) for c in shade)
            contrast = max(abs(c - g) for c, g in zip(colour, ground, strict=True))
            inks.append(None if contrast <= UNSEEN else
                        (colour, cv2.LINE_8 if contrast <= FAINT else cv2.LINE_AA))
    return inks


def _fades(views: Sequence[View], lines: tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...]],
           columns: np.ndarray, stacked: tuple[np.ndarray, np.ndarray, np.ndarray]
           ) -> np.ndarray:
    """How strongly each of the ``columns`` (S') of a grid's segments is drawn in each view
    (F, S'), 0 (not at all) to ``FADES``: by the screen distance from the point of it nearest
    the camera to the same point of the next line over (one spacing of its ring across it)."""
    segments, _, (along, length2, across) = lines
    rotations, shifts, lenses = stacked  # ``cameras(views)``
    start, along = segments[columns, 0], along[columns]
    length2, across = length2[columns], across[columns]
    positions = np.stack([view.position for view in views])
    reach = (positions[:, None, :] - start) * along
    t = np.clip((reach[:, :, 0] + reach[:, :, 1] + reach[:, :, 2]) / length2, 0.0, 1.0)
    nearest = start + t[:, :, None] * along
    here = to_cameras(nearest, rotations, shifts)
    there = to_cameras(nearest + across, rotations, shifts)
    seen = (here[:, :, 2] > NEAR) & (there[:, :, 2] > NEAR)
    step = to_pixels_many(here, lenses) - to_pixels_many(there, lenses)
    apart = np.where(seen, np.sqrt(step[:, :, 0] * step[:, :, 0] + step[:, :, 1] * step[:, :, 1]),
                     np.inf)
    share = np.clip((apart - CROWDED[0]) / (CROWDED[1] - CROWDED[0]), 0.0, 1.0)
    return np.ceil(share * FADES).astype(int)


def _centre(view: View) -> tuple[float, float]:
    """The middle of the grid around a view: on whole five metres near the camera, so the
    lines stay put as it moves."""
    centre = np.round(view.position[[0, 2]] / 5.0) * 5.0
    return float(centre[0]), float(centre[1])


@lru_cache(maxsize=16)
def _grid(x: float, z: float) -> tuple[np.ndarray, np.ndarray,
                                       tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The grid's segments, their rings, and what ``_fades`` needs of them that no view
    changes: each segment's direction, its length squared and one spacing across it."""
    rings = [_ring(np.array([x, z]), inner, outer, spacing)
             for inner, outer, spacing, _ in BANDS]
    segments = np.concatenate(rings)
    labels = np.repeat(np.arange(len(rings)), [len(ring) for ring in rings])
    along = segments[:, 1] - segments[:, 0]
    length2 = np.maximum(total(along * along), 1e-12)
    spacing = np.array([band[2] for band in BANDS])[labels]
    across = np.stack([along[:, 2], np.zeros(len(along)), -along[:, 0]], axis=1)
    across *= (spacing / np.sqrt(length2))[:, None]
    for array in (segments, labels, along, length2, across):
        array.flags.writeable = False
    return segments, labels, (along, length2, across)


def _ring(centre: np.ndarray, inner: float, outer: float, spacing: float) -> np.ndarray:
    offsets = np.arange(-outer, outer + spacing / 2, spacing)
    crossing = np.abs(offsets) < inner
    spans = [(-outer, outer, ~crossing), (-outer, -inner, crossing), (inner, outer, crossing)]
    segments = []
    for axis in (0, 1):
        for a, b, chosen in spans:
            lines = np.zeros((int(chosen.sum()), 2, 3))
            fixed, running = (0, 2) if axis == 0 else (2, 0)
            lines[:, :, fixed] = (centre[axis] + offsets[chosen])[:, None]
            lines[:, 0, running] = centre[1 - axis] + a
            lines[:, 1, running] = centre[1 - axis] + b
            segments.append(lines)
    return np.concatenate(segments)


def _clip_to_frame(pixels: np.ndarray, width: int,
                   height: int) -> tuple[np.ndarray, np.ndarray]:
    """Liang–Barsky clipping of pixel segments (..., 2, 2) to the frame (plus a margin):
    which of them reach it (...), and the share of each that is in it, from and to (2, ...;
    meaningless where it does not reach it): ``_cut`` cuts them."""
    p0 = pixels[..., 0, :]
    delta = pixels[..., 1, :] - p0
    across, down = delta[..., 0], delta[..., 1]
    # Each edge: a point p0 + t·delta is inside it where p·t <= q.
    edges = ((-across, p0[..., 0] + MARGIN), (across, width + MARGIN - p0[..., 0]),
             (-down, p0[..., 1] + MARGIN), (down, height + MARGIN - p0[..., 1]))
    low, high, outside = np.float64(0.0), np.float64(1.0), np.False_
    with np.errstate(divide="ignore", invalid="ignore"):  # parallel edges are not read
        for p, q in edges:
            ratio = q / p
            low = np.maximum(low, np.where(p < 0, ratio, 0.0))
            high = np.minimum(high, np.where(p > 0, ratio, 1.0))
            outside = outside | ((p == 0) & (q < 0))
    return (low <= high) & ~outside, np.stack([low, high])


def _cut(pixels: np.ndarray, reach: np.ndarray) -> np.ndarray:
    """Pixel segments (N, 2, 2) cut to the share ``reach`` (2, N) of them that
    ``_clip_to_frame`` found in the frame."""
    p0 = pixels[:, 0]
    delta = pixels[:, 1] - p0
    return np.stack([p0 + reach[0][:, None] * delta, p0 + reach[1][:, None] * delta], axis=1)


def ground_depth(view: View, far: float) -> np.ndarray:
    """Camera-space depth (metres) of the ground seen through each pixel centre, (H, W)
    float32; ``far`` where the ray never meets it (the sky) or meets it farther away.

    The ray through pixel (u, v) is K⁻¹(u, v, 1), with depth 1; how fast it climbs in the
    world is linear in u and v, and it meets the ground at the camera's height over that.
    """
    a, b, c = inverse_of(view.K).T @ view.rotation[:, 1]
    across = ((np.arange(view.width) + 0.5) * a).astype(np.float32)
    down = ((np.arange(view.height) + 0.5) * b + c).astype(np.float32)
    climb = down[:, None] + across[None, :]
    depth = np.full((view.height, view.width), far, np.float32)
    np.divide(np.float32(-view.position[1]), climb, out=depth, where=climb < 0)
    return np.minimum(depth, np.float32(far), out=depth)
