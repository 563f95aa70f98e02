"""Subject labels beside each figure's head, never over a face, none for hidden subjects."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from previz.backends.draft.figures import Figure
from previz.backends.draft.geometry import NEAR, View
from previz.backends.draft.text import Sprite, blend

GAP = 4  # pixels between a head and its label
MARGIN = 2  # pixels a label keeps from the frame's edge


@dataclass(frozen=True)
class Area:
    """A rectangle in pixels: left, top, right, bottom."""

    left: float
    top: float
    right: float
    bottom: float


def head_boxes(figures: Sequence[Figure], view: View,
               heads: Mapping[int, np.ndarray]) -> list[np.ndarray | None]:
    """Where each figure's head (its top, for a prop or a vehicle) lands in the picture, as
    (left, top, right, bottom); ``None`` where it is behind the lens. ``heads``: the heads in
    front of the lens by subject, as the frame drew them (``Solids.heads_seen``)."""
    found: list[np.ndarray | None] = [None] * len(figures)
    for number, fig in enumerate(figures):
        if fig.heads:
            found[number] = heads.get(fig.heads[0].subject)
    tops = [number for number, fig in enumerate(figures) if not fig.heads]
    if tops:
        anchors = view.to_camera(np.array([figures[number].label_anchor for number in tops]))
        front = np.flatnonzero(anchors[:, 2] > NEAR)
        points = np.tile(view.to_pixels(anchors[front]), 2)
        for row, point in zip(front.tolist(), points, strict=True):
            found[tops[row]] = point
    return found


def body_boxes(figures: Sequence[Figure], view: View) -> np.ndarray:
    """Where each figure's solids land in the picture, (F, 4) rows of (left, top, right,
    bottom); a row of NaN where any reach behind the lens. All figures' corners at once."""
    if not figures:
        return np.zeros((0, 4))
    corners = [fig.corners() for fig in figures]
    starts = np.cumsum([0] + [len(c) for c in corners[:-1]])
    camera = view.to_camera(np.concatenate(corners))
    behind = np.logical_or.reduceat(camera[:, 2] <= NEAR, starts)
    camera[camera[:, 2] <= NEAR, 2] = 1.0  # any value: those figures' rows are dropped
    pixels = view.to_pixels(camera)
    boxes = np.concatenate([np.minimum.reduceat(pixels, starts),
                            np.maximum.reduceat(pixels, starts)], axis=1)
    boxes[behind] = np.nan
    return boxes


def place_labels(frame: np.ndarray, view: View, figures: Sequence[Figure],
                 labels: Mapping[int, Sprite], thumbnails: Mapping[int, Sprite], *,
                 heads: Mapping[int, np.ndarray]) -> None:
    """Draw each seen figure's label beside its head (right, left, else above it) where it
    stays in the frame and covers no face, nor if it can help another figure (a label with
    nowhere to go is left out). ``heads``: the heads the frame drew, by subject
    (``Solids.heads_seen``)."""
    boxes = head_boxes(figures, view, heads)
    # A handful of rows each: plain comparisons on lists beat array calls.
    bodies = [None if math.isnan(box[0]) else box for box in body_boxes(figures, view).tolist()]
    faces = [box.tolist() for box in boxes if box is not None]
    for number, (fig, head) in enumerate(zip(figures, boxes, strict=True)):
        if head is None:
            continue
        sprite = labels[fig.index]
        thumbnail = thumbnails.get(fig.index)
        extra = thumbnail.width + GAP if thumbnail is not None else 0
        tall = max(sprite.height, thumbnail.height if thumbnail is not None else 0)
        others = [box for other, box in enumerate(bodies) if other != number and box is not None]
        box = head.tolist()
        spot = (_spot(box, sprite.width + extra, tall, faces + others, view)
                or _spot(box, sprite.width + extra, tall, faces, view))
        if spot is None:
            continue
        blend(frame, sprite, int(spot.left), int(spot.top))
        if thumbnail is not None:
            blend(frame, thumbnail, int(spot.left + sprite.width + GAP), int(spot.top))


def _spot(head: Sequence[float], width: int, height: int, obstacles: Sequence[Sequence[float]],
          view: View) -> Area | None:
    """The first place beside ``head`` (left, top, right, bottom) for a label ``width`` by
    ``height`` inside the frame that overlaps none of ``obstacles`` (rows of the same)."""
    head_left, head_top, head_right, head_bottom = head
    # Level with the head's middle, kept inside the frame: beside the head it cannot cover it.
    level = min(max((head_top + head_bottom - height) / 2, MARGIN),
                view.height - MARGIN - height)
    for left, top in ((head_right + GAP, level), (head_left - GAP - width, level),
                      ((head_left + head_right - width) / 2, head_top - GAP - height)):
        x0, y0 = round(left), round(top)
        x1, y1 = x0 + width, y0 + height
        if (x0 >= MARGIN and y0 >= MARGIN and x1 <= view.width - MARGIN
                and y1 <= view.height - MARGIN) and not any(
                x0 < right and other_left < x1 and y0 < bottom and other_top < y1
                for other_left, other_top, right, bottom in obstacles):
            return Area(x0, y0, x1, y1)
    return None
