"""Which subject hides which: a back-to-front order from the subjects' ground footprints.

Sorting faces by their mean depth fails next to long faces: a person standing beside a car's
flank is nearer than the flank's far end but farther than its middle, so the flank was drawn
over them. Subjects stand on the ground as upright solids, so two whose footprints are apart
are split by a vertical plane, and the one on the camera's side of it is in front. Subjects
are ordered that way; faces within one subject still sort by depth.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Footprint:
    """A subject's ground footprint: its convex hull (K, 2) on the ground (x, z) and the hull's
    outward edge normals (the axes a plane between two footprints may lie along)."""

    hull: np.ndarray
    normals: np.ndarray


def footprint(corners: np.ndarray) -> Footprint:
    """The footprint of a subject's solid corners (M, 3)."""
    points = np.ascontiguousarray(corners[:, [0, 2]], dtype=np.float32)
    hull = cv2.convexHull(points).reshape(-1, 2).astype(float)
    return Footprint(hull, _normals(hull))


class OcclusionOrder:
    """The planes between the subjects' footprints, found once; each frame only asks which
    side of each the camera is on. A plane is ``axis·p = middle`` with subject ``low`` on the
    side where ``axis·p`` is smaller and ``high`` on the other."""

    def __init__(self, footprints: Sequence[Footprint],
                 cache: dict | None = None,
                 still: Collection[int] = ()) -> None:
        """``cache`` keeps the planes between pairs of subjects that are both ``still`` (set
        pieces), so a frame in which only people moved finds only their planes again (the
        order of the planes decides nothing)."""
        count, still = len(footprints), frozenset(still)
        key = ("still", count, still)  # the still pairs' planes, as arrays
        known = cache.get(key) if cache is not None else None
        if known is None:
            pairs = [(i, j) for i in range(count) for j in range(i + 1, count)]
            steady = [pair for pair in pairs if pair[0] in still and pair[1] in still]
            known = (_planes(_splits(footprints, steady).values()),
                     [pair for pair in pairs if not (pair[0] in still and pair[1] in still)])
            if cache is not None:
                cache[key] = known
        steady_planes, moving = known
        axes, middles, lows, highs = _planes(_splits(footprints, moving).values())
        self._axes = np.concatenate([steady_planes[0], axes])
        self._middles = np.concatenate([steady_planes[1], middles])
        self._lows = steady_planes[2] + lows
        self._highs = steady_planes[3] + highs

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


def _planes(splits: Iterable[tuple | None]) -> tuple[np.ndarray, np.ndarray, list[int],
                                                      list[int]]:
    """The planes that split pairs (``_splits``' values) as axes (S, 2), middles (S,) and
    the subjects on their low and high sides."""
    found = [split for split in splits if split is not None]
    return (np.array([split[0] for split in found], float).reshape(-1, 2),
            np.array([split[1] for split in found], float),
            [split[2] for split in found], [split[3] for split in found])


def _splits(footprints: Sequence[Footprint],
            pairs: Sequence[tuple[int, int]]) -> dict[tuple[int, int], tuple | None]:
    """A plane between the footprints of each pair ``(i, j)``, if they are apart: the first
    edge normal of either hull (``i``'s, then ``j``'s) along which they do not overlap, as
    ``(axis, middle, low, high)``. Every hull is projected once onto every normal, and each
    pair reads its own normals' extents from that."""
    if not pairs:
        return {}
    axes = np.concatenate([f.normals for f in footprints] + [np.zeros((1, 2))])
    points = np.zeros((len(footprints), max(len(f.hull) for f in footprints), 2))
    owned = np.full((len(footprints), max(len(f.normals) for f in footprints) or 1),
                    len(axes) - 1)  # a hull's normals' rows in ``axes``; padding: the zero row
    start = 0
    for index, f in enumerate(footprints):
        points[index, : len(f.hull)] = f.hull
        points[index, len(f.hull):] = f.hull[0]  # a copy changes no extent
        owned[index, : len(f.normals)] = np.arange(start, start + len(f.normals))
        start += len(f.normals)
    projected = points @ axes.T  # (N, M, T)
    low, high = projected.min(axis=1), projected.max(axis=1)
    first, second = np.array(pairs).T
    tried = np.concatenate([owned[first], owned[second]], axis=1)  # (P, 2A)
    a_low, a_high = low[first[:, None], tried], high[first[:, None], tried]
    b_low, b_high = low[second[:, None], tried], high[second[:, None], tried]
    a_before = a_high < b_low  # never along the zero row: both extents are 0 there
    apart = a_before | (b_high < a_low)
    rows = np.arange(len(pairs))
    k = apart.argmax(axis=1)
    low_first = a_before[rows, k]
    middles = np.where(low_first, a_high[rows, k] + b_low[rows, k],
                       b_high[rows, k] + a_low[rows, k]) / 2
    found: dict[tuple[int, int], tuple | None] = {}
    for (i, j), split, axis, middle, ordered in zip(
            pairs, apart.any(axis=1).tolist(), axes[tried[rows, k]], middles.tolist(),
            low_first.tolist(), strict=True):
        found[(i, j)] = None if not split else (axis, middle, *((i, j) if ordered else (j, i)))
    return found


def _normals(hull: np.ndarray) -> np.ndarray:
    edges = np.concatenate([hull[1:], hull[:1]]) - hull
    normals = np.stack([-edges[:, 1], edges[:, 0]], axis=1)
    lengths = np.sqrt(np.einsum("ij,ij->i", normals, normals))
    kept = lengths > 1e-9
    return normals[kept] / lengths[kept, None]
