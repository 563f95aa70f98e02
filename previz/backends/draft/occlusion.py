"""Which subject hides which: a back-to-front order from the subjects' ground footprints.

Sorting faces by their mean depth fails next to long faces: a person standing beside a car's
flank is nearer than the flank's far end but farther than its middle, so the flank was drawn
over them. Subjects stand on the ground as upright solids, so two whose footprints are apart
are split by a vertical plane, and the one on the camera's side of it is in front. Subjects
are ordered that way; faces within one subject still sort by depth.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import cv2
import numpy as np


def footprint(corners: np.ndarray) -> np.ndarray:
    """The convex hull (K, 2) on the ground (x, z) of a subject's solid corners (M, 3)."""
    points = np.ascontiguousarray(corners[:, [0, 2]], dtype=np.float32)
    return cv2.convexHull(points).reshape(-1, 2).astype(float)


@dataclass(frozen=True)
class _Split:
    """A vertical plane between two footprints: ``axis·p = middle``, ``low`` on the side
    where ``axis·p`` is smaller, ``high`` on the other."""

    axis: np.ndarray
    middle: float
    low: int
    high: int


class OcclusionOrder:
    """The planes between the subjects' footprints, found once; each frame only asks which
    side of each the camera is on."""

    def __init__(self, footprints: Sequence[np.ndarray],
                 cache: dict[tuple[int, int], _Split | None] | None = None,
                 still: Collection[int] = ()) -> None:
        """``cache`` keeps the planes between pairs of subjects that are both ``still`` (set
        pieces), so a frame in which only people moved finds only their planes again."""
        self._splits = []
        for i in range(len(footprints)):
            for j in range(i + 1, len(footprints)):
                if cache is not None and i in still and j in still:
                    if (i, j) not in cache:
                        cache[(i, j)] = _split(footprints[i], footprints[j], i, j)
                    split = cache[(i, j)]
                else:
                    split = _split(footprints[i], footprints[j], i, j)
                if split is not None:
                    self._splits.append(split)

    def back_to_front(self, shown: Sequence[int], camera: np.ndarray,
                      depths: Sequence[float]) -> list[int]:
        """The subjects ``shown`` in drawing order, farthest first, for a camera on the ground
        at ``camera`` (x, z). ``depths`` (one per shown subject) decide between subjects no
        plane splits (overlapping footprints) and where the order would go round."""
        depth = dict(zip(shown, depths, strict=True))
        hides: dict[int, set[int]] = {index: set() for index in shown}
        for split in self._splits:
            if split.low in depth and split.high in depth:
                low_in_front = float(camera @ split.axis) < split.middle
                front, back = (split.low, split.high) if low_in_front else (split.high,
                                                                             split.low)
                hides[front].add(back)
        order: list[int] = []
        left = set(shown)
        while left:
            free = [index for index in left if not hides[index] & left]
            pick = max(free or left, key=depth.__getitem__)
            order.append(pick)
            left.remove(pick)
        return order


def _split(a: np.ndarray, b: np.ndarray, i: int, j: int) -> _Split | None:
    """A plane between footprints ``a`` (subject ``i``) and ``b`` (``j``), if they are apart:
    the first edge normal of either hull along which they do not overlap."""
    axes = np.concatenate([_normals(a), _normals(b)])
    on_a, on_b = a @ axes.T, b @ axes.T
    a_low, a_high = on_a.min(axis=0), on_a.max(axis=0)
    b_low, b_high = on_b.min(axis=0), on_b.max(axis=0)
    apart = np.flatnonzero((a_high < b_low) | (b_high < a_low))
    if not len(apart):
        return None
    k = int(apart[0])
    if a_high[k] < b_low[k]:
        return _Split(axes[k], float(a_high[k] + b_low[k]) / 2, i, j)
    return _Split(axes[k], float(b_high[k] + a_low[k]) / 2, j, i)


def _normals(hull: np.ndarray) -> np.ndarray:
    edges = np.concatenate([hull[1:], hull[:1]]) - hull
    normals = np.stack([-edges[:, 1], edges[:, 0]], axis=1)
    lengths = np.linalg.norm(normals, axis=1)
    return normals[lengths > 1e-9] / lengths[lengths > 1e-9, None]
