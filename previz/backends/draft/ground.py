"""The ground: a grid of one-metre lines to the horizon, fading with distance, and its depth."""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

from previz.backends.draft.geometry import (
    NEAR,
    SHIFT,
    View,
    cv_points,
    inverse_of,
    least,
    most,
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


def draw_grid(frame: np.ndarray, view: View, ground: tuple[int, int, int],
              grid: tuple[int, int, int]) -> None:
    """Draw the grid lines, weaker with distance, exactly where the camera sees them. A line
    whose neighbour is closer than ``CROWDED`` pixels on screen fades out (it would only
    thicken into a band by the horizon: a painted line that far off is thinner than a pixel)."""
    segments, rings = grid_around(view)
    pixels, kept = project_segments(view, segments)
    rings = rings[kept]
    fade = _fades(view, segments[kept], rings)
    points = cv_points(pixels)
    # One polyline call per ring and fade level, nearest ring and faintest level first.
    keys = rings * (FADES + 1) + fade
    order = np.argsort(keys, kind="stable")
    order = order[fade[order] > 0]
    keys = keys[order]
    if not len(keys):  # nothing of the grid in view: the camera looks at the sky
        return
    inks = _inks(tuple(ground), tuple(grid))
    starts = np.flatnonzero(np.diff(keys, prepend=-1)).tolist()
    for start, end in zip(starts, [*starts[1:], len(keys)], strict=True):
        ink = inks[int(keys[start])]
        if ink is not None:
            cv2.polylines(frame, list(points[order[start:end]]), False, ink[0], 1, ink[1], SHIFT)


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


def _fades(view: View, segments: np.ndarray, rings: np.ndarray) -> np.ndarray:
    """How strongly each world segment (S, 2, 3) is drawn, 0 (not at all) to ``FADES``: by
    the screen distance from the point of it nearest the camera to the same point of the
    next line over (one spacing of its ring across it)."""
    start, along = segments[:, 0], segments[:, 1] - segments[:, 0]
    length2 = np.maximum(total(along * along), 1e-12)
    t = np.clip(total((view.position - start) * along) / length2, 0.0, 1.0)
    nearest = start + t[:, None] * along
    spacing = np.array([band[2] for band in BANDS])[rings]
    across = np.stack([along[:, 2], np.zeros(len(along)), -along[:, 0]], axis=1)
    across *= (spacing / np.sqrt(length2))[:, None]
    here, there = view.to_camera(nearest), view.to_camera(nearest + across)
    seen = (here[:, 2] > NEAR) & (there[:, 2] > NEAR)
    apart = np.full(len(segments), np.inf)
    step = view.to_pixels(here[seen]) - view.to_pixels(there[seen])
    apart[seen] = np.sqrt(step[:, 0] * step[:, 0] + step[:, 1] * step[:, 1])
    share = np.clip((apart - CROWDED[0]) / (CROWDED[1] - CROWDED[0]), 0.0, 1.0)
    return np.ceil(share * FADES).astype(int)


def grid_around(view: View) -> tuple[np.ndarray, np.ndarray]:
    """World segments (S, 2, 3) of the grid around the camera, and the ring of each (S,),
    nearest ring first. Lines lie on whole metres, so they stay put as the camera moves."""
    centre = np.round(view.position[[0, 2]] / 5.0) * 5.0
    return _grid(float(centre[0]), float(centre[1]))


@lru_cache(maxsize=16)
def _grid(x: float, z: float) -> tuple[np.ndarray, np.ndarray]:
    rings = [_ring(np.array([x, z]), inner, outer, spacing)
             for inner, outer, spacing, _ in BANDS]
    segments = np.concatenate(rings)
    labels = np.repeat(np.arange(len(rings)), [len(ring) for ring in rings])
    segments.flags.writeable = labels.flags.writeable = False
    return segments, labels


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


def project_segments(view: View, segments: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """World segments (S, 2, 3) as pixel segments (S', 2, 2) clipped to the lens and the frame,
    with the indices (S',) of the segments they came from."""
    camera = view.to_camera(segments.reshape(-1, 3)).reshape(-1, 2, 3)
    z0, z1 = camera[:, 0, 2], camera[:, 1, 2]
    kept = np.flatnonzero((z0 > NEAR) | (z1 > NEAR))
    camera, z0, z1 = camera[kept], z0[kept], z1[kept]
    t = np.clip((NEAR - z0) / np.where(z1 != z0, z1 - z0, 1.0), 0.0, 1.0)
    cut = camera[:, 0] + t[:, None] * (camera[:, 1] - camera[:, 0])
    start = np.where((z0 < NEAR)[:, None], cut, camera[:, 0])
    end = np.where((z1 < NEAR)[:, None], cut, camera[:, 1])
    pixels = np.stack([view.to_pixels(start), view.to_pixels(end)], axis=1)
    inside, clipped = _clip_to_frame(pixels, view.width, view.height)
    return clipped, kept[inside]


def _clip_to_frame(pixels: np.ndarray, width: int,
                   height: int) -> tuple[np.ndarray, np.ndarray]:
    """Liang–Barsky clipping of pixel segments to the frame (plus a margin): which segments
    reach it, and those segments cut to it."""
    p0, delta = pixels[:, 0], pixels[:, 1] - pixels[:, 0]
    # The four edges at once: a point p0 + t·delta is inside where p·t <= q for each.
    p = np.stack([-delta[:, 0], delta[:, 0], -delta[:, 1], delta[:, 1]], axis=1)
    q = np.stack([p0[:, 0] + MARGIN, width + MARGIN - p0[:, 0],
                  p0[:, 1] + MARGIN, height + MARGIN - p0[:, 1]], axis=1)
    parallel = p == 0
    ratio = np.divide(q, p, out=np.zeros_like(q), where=~parallel)
    low = np.maximum(most(np.where(p < 0, ratio, 0.0)), 0.0)
    high = np.minimum(least(np.where(p > 0, ratio, 1.0)), 1.0)
    keep = np.flatnonzero((low <= high) & ~most(parallel & (q < 0)))
    start = p0[keep] + low[keep, None] * delta[keep]
    end = p0[keep] + high[keep, None] * delta[keep]
    return keep, np.stack([start, end], axis=1)


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
