"""The ground: a grid of one-metre lines to the horizon, fading with distance, and its depth."""

from __future__ import annotations

import cv2
import numpy as np

from previz.backends.draft.geometry import NEAR, View

EXTENT = 120.0  # metres of grid around the camera
# Square rings around the camera: inner and outer half-size, line spacing, contrast.
BANDS = ((0.0, 16.0, 1.0, 1.0), (16.0, 40.0, 1.0, 0.55), (40.0, EXTENT, 5.0, 0.35))
SHIFT = 4  # sub-pixel bits for OpenCV's line drawing


def grid_segments(view: View) -> list[np.ndarray]:
    """World segments (S, 2, 3) of the grid, one array per ring, nearest ring first.

    Lines lie on whole metres, so they stay put on the ground as the camera moves.
    """
    centre = np.round(view.position[[0, 2]] / 5.0) * 5.0
    return [_ring(centre, inner, outer, spacing) for inner, outer, spacing, _ in BANDS]


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


def draw_grid(frame: np.ndarray, view: View, ground: tuple[int, int, int],
              grid: tuple[int, int, int]) -> None:
    """Draw the grid lines, weaker with distance, exactly where the camera sees them."""
    base, line = np.array(ground, float), np.array(grid, float)
    for segments, (_, _, _, contrast) in zip(grid_segments(view), BANDS, strict=True):
        pixels = project_segments(view, segments)
        if len(pixels):
            colour = tuple(int(c) for c in base + (line - base) * contrast)
            points = [np.round(p * (1 << SHIFT)).astype(np.int32) for p in pixels]
            cv2.polylines(frame, points, False, colour, 1, cv2.LINE_AA, SHIFT)


def project_segments(view: View, segments: np.ndarray) -> np.ndarray:
    """World segments (S, 2, 3) as pixel segments (S', 2, 2) clipped to the lens and the frame."""
    camera = view.to_camera(segments.reshape(-1, 3)).reshape(-1, 2, 3)
    z0, z1 = camera[:, 0, 2], camera[:, 1, 2]
    keep = (z0 > NEAR) | (z1 > NEAR)
    camera, z0, z1 = camera[keep], z0[keep], z1[keep]
    t = np.clip((NEAR - z0) / np.where(z1 != z0, z1 - z0, 1.0), 0.0, 1.0)
    cut = camera[:, 0] + t[:, None] * (camera[:, 1] - camera[:, 0])
    start = np.where((z0 < NEAR)[:, None], cut, camera[:, 0])
    end = np.where((z1 < NEAR)[:, None], cut, camera[:, 1])
    pixels = np.stack([view.to_pixels(start), view.to_pixels(end)], axis=1)
    return _clip_to_frame(pixels, view.width, view.height)


def _clip_to_frame(pixels: np.ndarray, width: int, height: int) -> np.ndarray:
    """Liang–Barsky clipping of pixel segments to the frame (plus a margin)."""
    margin = 4.0
    p0, delta = pixels[:, 0], pixels[:, 1] - pixels[:, 0]
    low, high = np.zeros(len(pixels)), np.ones(len(pixels))
    for axis, limit in ((0, width), (1, height)):
        for p, q in ((-delta[:, axis], p0[:, axis] + margin),
                     (delta[:, axis], limit + margin - p0[:, axis])):
            parallel = p == 0
            ratio = np.divide(q, p, out=np.zeros_like(q), where=~parallel)
            low = np.where(~parallel & (p < 0), np.maximum(low, ratio), low)
            high = np.where(~parallel & (p > 0), np.minimum(high, ratio), high)
            high = np.where(parallel & (q < 0), -1.0, high)
    keep = low <= high
    start = p0[keep] + low[keep, None] * delta[keep]
    end = p0[keep] + high[keep, None] * delta[keep]
    return np.stack([start, end], axis=1)


def ground_depth(view: View, rays: np.ndarray) -> np.ndarray:
    """Camera-space depth (metres) of the ground seen through each pixel; inf for the sky.

    ``rays`` are the pixels' camera-space rays with z = 1, shape (H, W, 3).
    """
    down = rays @ view.rotation[:, 1]
    height = view.position[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        depth = np.where(down < 0, -height / down, np.inf)
    return depth.astype(np.float32)


def pixel_rays(view: View) -> np.ndarray:
    """Camera-space rays (H, W, 3) with z = 1 through every pixel centre."""
    u, v = np.meshgrid(np.arange(view.width) + 0.5, np.arange(view.height) + 0.5)
    pixels = np.stack([u, v, np.ones_like(u)], axis=-1)
    return pixels @ np.linalg.inv(view.K).T
