"""Which subject hides which: a back-to-front order from the subjects' ground footprints.

Sorting faces by their mean depth fails next to long faces: a person standing beside a car's
flank is nearer than the flank's far end but farther than its middle, so the flank was drawn
over them. Subjects stand on the ground as upright solids, so two whose footprints are apart
are split by a vertical plane, and the one on the camera's side of it is in front. Subjects
are ordered that way; faces within one subject still sort by depth.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

import cv2
import numpy as np


def footprint(corners: np.ndarray) -> np.ndarray:
    """The convex hull (K, 2) on the ground (x, z) of a subject's solid corners (M, 3)."""
    points = np.ascontiguousarray(corners[:, [0, 2]], dtype=np.float32)
    return cv2.convexHull(points).reshape(-1, 2).astype(float)


class OcclusionOrder:
    """The planes between the subjects' footprints, found once; each frame only asks which
    side of each the camera is on. A plane is ``axis·p = middle`` with subject ``low`` on the
    side where ``axis·p`` is smaller and ``high`` on the other."""

    def __init__(self, footprints: Sequence[np.ndarray],
                 cache: dict[tuple[int, int], tuple | None] | None = None,
                 still: Collection[int] = ()) -> None:
        """``cache`` keeps the planes between pairs of subjects that are both ``still`` (set
        pieces), so a frame in which only people moved finds only their planes again."""
        pairs = [(i, j) for i in range(len(footprints)) for j in range(i + 1, len(footprints))]
        kept = {}
        if cache is not None:
            kept = {pair: cache[pair] for pair in pairs
                    if pair[0] in still and pair[1] in still and pair in cache}
        found = _splits(footprints, [pair for pair in pairs if pair not in kept])
        if cache is not None:
            cache.update((pair, split) for pair, split in found.items()
                         if pair[0] in still and pair[1] in still)
        splits = [split for pair in pairs
                  if (split := kept[pair] if pair in kept else found[pair]) is not None]
        self._axes = np.array([split[0] for split in splits], float).reshape(-1, 2)
        self._middles = np.array([split[1] for split in splits], float)
        self._lows = [split[2] for split in splits]
        self._highs = [split[3] for split in splits]

    def back_to_front(self, shown: Sequence[int], camera: np.ndarray,
                      depths: Sequence[float]) -> list[int]:
        """The subjects ``shown`` in drawing order, farthest first, for a camera on the ground
        at ``camera`` (x, z). ``depths`` (one per shown subject) decide between subjects no
        plane splits (overlapping footprints) and where the order would go round."""
        depth = dict(zip(shown, depths, strict=True))
        hides: dict[int, set[int]] = {index: set() for index in shown}
        low_in_front = (self._axes @ np.asarray(camera, float) < self._middles).tolist()
        for low, high, in_front in zip(self._lows, self._highs, low_in_front, strict=True):
            if low in depth and high in depth:
                if in_front:
                    hides[low].add(high)
                else:
                    hides[high].add(low)
        order: list[int] = []
        left = set(shown)
        while left:
            free = [index for index in left if not hides[index] & left]
            pick = max(free or left, key=depth.__getitem__)
            order.append(pick)
            left.remove(pick)
        return order


def _splits(footprints: Sequence[np.ndarray],
            pairs: Sequence[tuple[int, int]]) -> dict[tuple[int, int], tuple | None]:
    """A plane between the footprints of each pair ``(i, j)``, if they are apart: the first
    edge normal of either hull (``i``'s, then ``j``'s) along which they do not overlap, as
    ``(axis, middle, low, high)``; all pairs at once."""
    if not pairs:
        return {}
    normals = [_normals(hull) for hull in footprints]
    points = _padded(footprints, lambda row: row[0])
    axes = _padded(normals, lambda row: np.nan)  # never apart along a padding axis
    first, second = np.array(pairs).T
    both = np.concatenate([axes[first], axes[second]], axis=1)  # (P, 2A, 2)
    on_a = np.einsum("pmd,pkd->pmk", points[first], both)
    on_b = np.einsum("pmd,pkd->pmk", points[second], both)
    a_low, a_high = on_a.min(axis=1), on_a.max(axis=1)
    b_low, b_high = on_b.min(axis=1), on_b.max(axis=1)
    a_before = a_high < b_low
    apart = a_before | (b_high < a_low)
    found: dict[tuple[int, int], tuple | None] = {}
    for row, (i, j) in enumerate(pairs):
        where = np.flatnonzero(apart[row])
        if not len(where):
            found[(i, j)] = None
            continue
        k = int(where[0])
        if a_before[row, k]:
            found[(i, j)] = (both[row, k], float(a_high[row, k] + b_low[row, k]) / 2, i, j)
        else:
            found[(i, j)] = (both[row, k], float(b_high[row, k] + a_low[row, k]) / 2, j, i)
    return found


def _padded(rows: Sequence[np.ndarray], pad: Callable[[np.ndarray], object]) -> np.ndarray:
    """Arrays (K_i, 2) as one (N, max K, 2), each row's tail filled with ``pad(row)``."""
    width = max([len(row) for row in rows] + [1])
    padded = np.empty((len(rows), width, 2))
    for index, row in enumerate(rows):
        padded[index, : len(row)] = row
        padded[index, len(row):] = pad(row)
    return padded


def _normals(hull: np.ndarray) -> np.ndarray:
    edges = np.concatenate([hull[1:], hull[:1]]) - hull
    normals = np.stack([-edges[:, 1], edges[:, 0]], axis=1)
    lengths = np.linalg.norm(normals, axis=1)
    return normals[lengths > 1e-9] / lengths[lengths > 1e-9, None]
