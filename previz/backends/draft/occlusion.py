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

from previz.backends.draft.geometry import grouped


@dataclass(frozen=True)
class Footprint:
    """A subject's ground footprint: its convex hull (K, 2) on the ground (x, z) and the hull's
    outward edge normals (the axes a plane between two footprints may lie along)."""

    hull: np.ndarray
    normals: np.ndarray


def footprint(corners: np.ndarray) -> Footprint:
    """The footprint of a subject's solid corners (M, 3)."""
    return footprints([corners])[0]


def footprints(corners: Sequence[np.ndarray]) -> list[Footprint]:
    """The footprints of several subjects' solid corners (each (M, 3)), their hulls' normals
    found at once."""
    hulls = [cv2.convexHull(np.ascontiguousarray(points[:, [0, 2]], dtype=np.float32))
             .reshape(-1, 2).astype(float) for points in corners]
    return [Footprint(hull, normals)
            for hull, normals in zip(hulls, _normals_many(hulls), strict=True)]


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
            known = (_planes(_splits([footprints], steady)[0]),
                     [pair for pair in pairs if not (pair[0] in still and pair[1] in still)])
            if cache is not None:
                cache[key] = known
        steady_planes, moving = known
        self._join(steady_planes, _planes(_splits([footprints], moving)[0]))

    @classmethod
    def many(cls, frames: Sequence[Sequence[Footprint]], cache: dict,
             still: Collection[int]) -> list[OcclusionOrder]:
        """The orders of several frames' subjects (as many in each, ``still`` the same set
        pieces): ``OcclusionOrder(footprints, cache, still)`` for each, the planes between the
        pairs that move found for all the frames at once."""
        if not frames:
            return []
        first = cls(frames[0], cache, still)  # finds and keeps the still pairs' planes
        if len(frames) == 1:
            return [first]
        steady_planes, moving = cache[("still", len(frames[0]), frozenset(still))]
        found = [first]
        for splits in _splits(frames[1:], moving):
            order = cls.__new__(cls)
            order._join(steady_planes, _planes(splits))
            found.append(order)
        return found

    def _join(self, steady: tuple, moving: tuple) -> None:
        self._axes = np.concatenate([steady[0], moving[0]])
        self._middles = np.concatenate([steady[1], moving[1]])
        self._lows = steady[2] + moving[2]
        self._highs = steady[3] + moving[3]

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
    """The planes that split pairs (one frame's ``_splits``) as axes (S, 2), middles (S,) and
    the subjects on their low and high sides."""
    found = [split for split in splits if split is not None]
    return (np.array([split[0] for split in found], float).reshape(-1, 2),
            np.array([split[1] for split in found], float),
            [split[2] for split in found], [split[3] for split in found])


def _splits(frames: Sequence[Sequence[Footprint]],
            pairs: Sequence[tuple[int, int]]) -> list[list[tuple | None]]:
    """For each frame's footprints (as many in each) and each pair ``(i, j)`` of them, a plane
    between the two if they are apart: the first edge normal of either hull (``i``'s, then
    ``j``'s) along which they do not overlap, as ``(axis, middle, low, high)``, else None.
    Every pair of every frame at once: each subject's hull along its own normals is found
    once a frame, not once a pair, and each pair's hulls along the other's normals, pairs of
    hulls of like sizes together (a person's hull has a dozen corners, a box's four)."""
    if not pairs:
        return [[] for _ in frames]
    length = len(frames)
    used = sorted({index for pair in pairs for index in pair})
    hulls, axes = {}, {}
    for index in used:  # each subject's hulls and normals in every frame, padded to its largest
        mine = [footprints[index] for footprints in frames]
        points = np.empty((length, max(len(f.hull) for f in mine), 2))
        normals = np.zeros((length, max(len(f.normals) for f in mine) or 1, 2))  # padding:
        for number, f in enumerate(mine):  # zero axes, never apart along
            points[number, : len(f.hull)] = f.hull
            points[number, len(f.hull):] = f.hull[0]  # a copy changes no extent
            normals[number, : len(f.normals)] = f.normals
        hulls[index], axes[index] = points, normals
    own: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # each hull along its own normals
    for members in grouped([(hulls[i].shape[1], axes[i].shape[1]) for i in used]).values():
        chosen = [used[member] for member in members]
        low, high = _extents(np.concatenate([hulls[i] for i in chosen]),
                             np.concatenate([axes[i] for i in chosen]))
        for number, index in enumerate(chosen):
            own[index] = (low[number * length:(number + 1) * length],
                          high[number * length:(number + 1) * length])
    found: list[list[tuple | None]] = [[None] * len(pairs) for _ in frames]
    shapes = [(hulls[i].shape[1], axes[i].shape[1], hulls[j].shape[1], axes[j].shape[1])
              for i, j in pairs]
    for numbers in grouped(shapes).values():
        firsts, seconds = [pairs[n][0] for n in numbers], [pairs[n][1] for n in numbers]
        first_axes = np.concatenate([axes[i] for i in firsts])  # (pairs · frames, A, 2)
        second_axes = np.concatenate([axes[j] for j in seconds])
        across_low, across_high = _extents(np.concatenate([hulls[i] for i in firsts]),
                                           second_axes)  # i's hull along j's normals
        back_low, back_high = _extents(np.concatenate([hulls[j] for j in seconds]),
                                       first_axes)  # j's along i's
        mine, theirs = [own[i] for i in firsts], [own[j] for j in seconds]
        a_low = np.concatenate([np.concatenate([low for low, _ in mine]), across_low], axis=1)
        a_high = np.concatenate([np.concatenate([high for _, high in mine]), across_high],
                                axis=1)
        b_low = np.concatenate([back_low, np.concatenate([low for low, _ in theirs])], axis=1)
        b_high = np.concatenate([back_high, np.concatenate([high for _, high in theirs])],
                                axis=1)
        tried = np.concatenate([first_axes, second_axes], axis=1)  # i's normals, then j's
        a_before = a_high < b_low
        apart = a_before | (b_high < a_low)
        rows = np.arange(len(tried))
        k = apart.argmax(axis=1)
        low_first = a_before[rows, k]
        middles = np.where(low_first, a_high[rows, k] + b_low[rows, k],
                           b_high[rows, k] + a_low[rows, k]) / 2
        for row, (split, axis, middle, ordered) in enumerate(zip(
                apart.any(axis=1).tolist(), tried[rows, k], middles.tolist(),
                low_first.tolist(), strict=True)):
            if split:
                number = numbers[row // length]
                i, j = pairs[number]
                found[row % length][number] = (axis, middle, *((i, j) if ordered else (j, i)))
    return found


def _extents(points: np.ndarray, axes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The least and greatest of each row's points (N, S, 2) along each of its axes
    (N, A, 2), (N, A) each. Laid out points first, each is elementwise passes over whole
    planes, not numpy reducing a middle axis row by row (the same numbers)."""
    projected = np.ascontiguousarray((points @ axes.transpose(0, 2, 1)).transpose(1, 0, 2))
    return projected.min(axis=0), projected.max(axis=0)


def _normals_many(hulls: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Each hull's outward edge normals (unit length; edges of no length have none)."""
    if not hulls:
        return []
    points = np.concatenate(hulls)
    ends = np.cumsum([len(hull) for hull in hulls])
    following = np.arange(1, len(points) + 1)
    following[ends - 1] = ends - np.array([len(hull) for hull in hulls])  # back to the first
    edges = points[following] - points
    normals = np.stack([-edges[:, 1], edges[:, 0]], axis=1)
    lengths = np.sqrt(np.einsum("ij,ij->i", normals, normals))
    kept = lengths > 1e-9
    with np.errstate(divide="ignore", invalid="ignore"):  # edges of no length are dropped
        unit = normals / lengths[:, None]
    return [unit[start:end][kept[start:end]]
            for start, end in zip([0, *ends[:-1].tolist()], ends.tolist(), strict=True)]
