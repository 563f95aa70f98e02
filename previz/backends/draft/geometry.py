"""Pinhole geometry for the draft renderer: a view per frame, near-plane clipping, the horizon."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import cached_property, reduce

import numpy as np

NEAR = 0.05  # metres in front of the lens; anything closer is clipped away
SHIFT = 4  # sub-pixel bits of the fixed-point coordinates OpenCV draws with
SHORT = 8  # rows of at most this many values are reduced by elementwise steps (``least``)


@dataclass(frozen=True)
class View:
    """One frame's camera: intrinsics ``K`` and world-to-camera ``world_to_camera`` (OpenCV)."""

    K: np.ndarray
    world_to_camera: np.ndarray
    width: int
    height: int

    @property
    def rotation(self) -> np.ndarray:
        """World-to-camera rotation."""
        return self.world_to_camera[:3, :3]

    @cached_property
    def position(self) -> np.ndarray:
        """The camera's centre in world coordinates (found once, read-only: a frame asks
        often)."""
        centre = -self.rotation.T @ self.world_to_camera[:3, 3]
        centre.flags.writeable = False
        return centre

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        """World points (M, 3) in camera coordinates (x right, y down, z forward)."""
        return points @ self.rotation.T + self.world_to_camera[:3, 3]

    def to_pixels(self, camera_points: np.ndarray) -> np.ndarray:
        """Camera-space points (M, 3) with z > 0 as pixel coordinates (M, 2)."""
        homogeneous = camera_points @ self.K.T
        return homogeneous[:, :2] / homogeneous[:, 2:3]

    def project(self, points: np.ndarray) -> np.ndarray:
        """World points in front of the camera as pixel coordinates."""
        return self.to_pixels(self.to_camera(points))

    def horizon(self) -> np.ndarray:
        """The ground plane's vanishing line ``l``: image points ``p`` with ``l·p < 0`` see the
        ground (their rays point down)."""
        return inverse_of(self.K).T @ self.rotation[:, 1]

    def ground_polygon(self) -> np.ndarray:
        """The part of the frame that shows the ground, as a polygon (may be empty)."""
        w, h = self.width, self.height
        frame = np.array([[0, 0], [w, 0], [w, h], [0, h]], float)
        return clip_polygon_2d(frame, self.horizon())


_INVERSES: dict[bytes, np.ndarray] = {}


def inverse_of(k: np.ndarray) -> np.ndarray:
    """K⁻¹, kept for the last few pinholes (a frame's horizon, ground and balls share one;
    read-only)."""
    key = k.tobytes()
    found = _INVERSES.get(key)
    if found is None:
        if len(_INVERSES) > 8:
            _INVERSES.clear()
        found = _INVERSES[key] = np.linalg.inv(k)
        found.flags.writeable = False
    return found


def cameras(views: Sequence[View]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Views' rotations (F, 3, 3), translations (F, 3) and intrinsics (F, 3, 3), stacked
    for the passes that see a second of frames at once."""
    return (np.stack([view.rotation for view in views]),
            np.stack([view.world_to_camera[:3, 3] for view in views]),
            np.stack([view.K for view in views]))


def to_cameras(points: np.ndarray, rotations: np.ndarray, shifts: np.ndarray) -> np.ndarray:
    """``View.to_camera`` for views stacked by ``cameras``: world points (M, 3), or each
    view's own (F, M, 3), in each view's camera coordinates (F, M, 3)."""
    return points @ rotations.transpose(0, 2, 1) + shifts[:, None, :]


def to_pixels_many(camera_points: np.ndarray, lenses: np.ndarray) -> np.ndarray:
    """``View.to_pixels`` for each view's camera-space points (F, M, 3) under its lens
    (F, 3, 3): (F, M, 2)."""
    homogeneous = camera_points @ lenses.transpose(0, 2, 1)
    return homogeneous[..., :2] / homogeneous[..., 2:3]


def grouped(keys: Sequence[Hashable]) -> dict[Hashable, list[int]]:
    """The positions of ``keys`` by key, in order: which frames of a batch can be stacked."""
    found: dict[Hashable, list[int]] = {}
    for number, key in enumerate(keys):
        found.setdefault(key, []).append(number)
    return found


def in_frame(polygons: np.ndarray, view: View, margin: float = 2.0) -> np.ndarray:
    """Which polygons (N, K, 2 pixels) reach into the frame (within ``margin`` pixels, the
    reach of an outline's anti-aliasing): the others would draw nothing."""
    return in_frame_boxes(least(polygons), most(polygons), view, margin)


def in_frame_boxes(low: np.ndarray, high: np.ndarray, view: View,
                   margin: float = 2.0) -> np.ndarray:
    """``in_frame`` for polygons already reduced to their least and greatest corners
    (..., 2)."""
    return ((high[..., 0] >= -margin) & (high[..., 1] >= -margin)
            & (low[..., 0] <= view.width + margin) & (low[..., 1] <= view.height + margin))


def least(values: np.ndarray) -> np.ndarray:
    """The least of each row's K values (N, K) or (N, K, C) -> (N,) or (N, C). Reducing the
    middle of three axes costs numpy's overhead per row: 44 us for 24 rings of 40 points,
    where reducing each of the C columns on its own takes 10, and K - 1 elementwise minimums
    take less for a few (a face's four corners). The same numbers either way."""
    return _rows(values, np.minimum)


def most(values: np.ndarray) -> np.ndarray:
    """The greatest of each row's K values, as ``least``."""
    return _rows(values, np.maximum)


def total(values: np.ndarray) -> np.ndarray:
    """Each row's K values added up, as numpy's sum over that axis adds them (in order, for
    a few), as ``least``."""
    return _rows(values, np.add)


def _rows(values: np.ndarray, ufunc: np.ufunc) -> np.ndarray:
    count = values.shape[1]
    if 0 < count <= SHORT:
        return reduce(ufunc, [values[:, k] for k in range(count)])
    if values.ndim == 3 and ufunc is not np.add:  # a long sum keeps numpy's own order
        return np.stack([ufunc.reduce(values[:, :, c], axis=1)
                         for c in range(values.shape[2])], axis=1)
    return ufunc.reduce(values, axis=1)


def cv_points(pixels: np.ndarray) -> np.ndarray:
    """Continuous pixel coordinates (pixel i covers [i, i+1)) as OpenCV's fixed-point drawing
    coordinates with ``SHIFT`` fractional bits, in which integer i is pixel i's centre."""
    return np.round((np.asarray(pixels, float) - 0.5) * (1 << SHIFT)).astype(np.int32)


def cv_length(pixels: float) -> int:
    """A length (a radius) in OpenCV's fixed-point coordinates."""
    return round(pixels * (1 << SHIFT))


def clip_polygon_2d(polygon: np.ndarray, line: np.ndarray) -> np.ndarray:
    """The part of a convex 2-D polygon where ``line·(x, y, 1) <= 0`` (Sutherland–Hodgman)."""
    side = polygon @ line[:2] + line[2]
    return _clip(polygon, side)


def clip_near(camera_points: np.ndarray, near: float = NEAR) -> np.ndarray:
    """A camera-space polygon cut to the part at depth ``near`` or beyond."""
    return _clip(camera_points, near - camera_points[:, 2])


def clip_segment_near(start: np.ndarray, end: np.ndarray,
                      near: float = NEAR) -> np.ndarray | None:
    """A camera-space segment cut to depth ``near`` or beyond; ``None`` if all of it is nearer."""
    if start[2] < near and end[2] < near:
        return None
    if start[2] < near or end[2] < near:
        t = (near - start[2]) / (end[2] - start[2])
        cut = start + t * (end - start)
        start, end = (cut, end) if start[2] < near else (start, cut)
    return np.stack([start, end])


def _clip(points: np.ndarray, side: np.ndarray) -> np.ndarray:
    """Keep the vertices with ``side <= 0``, adding crossings where an edge changes side."""
    if np.all(side <= 0):  # wholly kept: most polygons are
        return np.asarray(points, float)
    kept = []
    count = len(points)
    for index in range(count):
        current, following = points[index], points[(index + 1) % count]
        s_current, s_following = side[index], side[(index + 1) % count]
        if s_current <= 0:
            kept.append(current)
        if (s_current < 0 < s_following) or (s_following < 0 < s_current):
            t = s_current / (s_current - s_following)
            kept.append(current + t * (following - current))
    return np.array(kept, float).reshape(-1, points.shape[1])
