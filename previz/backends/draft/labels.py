"""Subject labels beside each figure's head, never over a face, none for hidden subjects."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from previz.backends.draft.drawables import sphere_outline
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

    def overlaps(self, other: Area) -> bool:
        """Whether the two share any area."""
        return (self.left < other.right and other.left < self.right
                and self.top < other.bottom and other.top < self.bottom)

    def inside(self, width: int, height: int) -> bool:
        """Whether the box lies within a frame, MARGIN in from its edges."""
        return (self.left >= MARGIN and self.top >= MARGIN and self.right <= width - MARGIN
                and self.bottom <= height - MARGIN)


def head_box(fig: Figure, view: View) -> Area | None:
    """Where a figure's head (its top, for a prop or a vehicle) lands in the picture."""
    if fig.heads:
        ball = fig.heads[0]
        centre = view.to_camera(ball.centre[None])[0]
        if centre[2] <= ball.radius + NEAR:
            return None
        outline = sphere_outline(centre, ball.radius, view.K)
        return Area(*outline.min(axis=0), *outline.max(axis=0))
    anchor = view.to_camera(fig.label_anchor[None])[0]
    if anchor[2] <= NEAR:
        return None
    u, v = view.to_pixels(anchor[None])[0]
    return Area(u, v, u, v)


def body_box(fig: Figure, view: View) -> Area | None:
    """Where a figure's solids land in the picture (``None`` if any reach behind the lens)."""
    corners = fig.corners()
    camera = view.to_camera(corners)
    if np.any(camera[:, 2] <= NEAR):
        return None
    pixels = view.to_pixels(camera)
    return Area(*pixels.min(axis=0), *pixels.max(axis=0))


def place_labels(frame: np.ndarray, view: View, figures: Sequence[Figure],
                 labels: Mapping[int, Sprite], thumbnails: Mapping[int, Sprite]) -> None:
    """Draw each seen figure's label beside its head (right, left, else above it) where it
    stays in the frame and covers no face, nor if it can help another figure (a label with
    nowhere to go is left out)."""
    heads = {fig.index: head_box(fig, view) for fig in figures}
    bodies = {fig.index: body_box(fig, view) for fig in figures}
    faces = [box for box in heads.values() if box is not None]
    for fig in figures:
        head = heads[fig.index]
        if head is None:
            continue
        sprite = labels[fig.index]
        thumbnail = thumbnails.get(fig.index)
        extra = thumbnail.width + GAP if thumbnail is not None else 0
        tall = max(sprite.height, thumbnail.height if thumbnail is not None else 0)
        others = [box for index, box in bodies.items() if index != fig.index and box]
        spot = (_spot(head, sprite.width + extra, tall, faces + others, view)
                or _spot(head, sprite.width + extra, tall, faces, view))
        if spot is None:
            continue
        blend(frame, sprite, int(spot.left), int(spot.top))
        if thumbnail is not None:
            blend(frame, thumbnail, int(spot.left + sprite.width + GAP), int(spot.top))


def _spot(head: Area, width: int, height: int, obstacles: Sequence[Area],
          view: View) -> Area | None:
    # Level with the head's middle, kept inside the frame: beside the head it cannot cover it.
    level = min(max((head.top + head.bottom - height) / 2, MARGIN),
                view.height - MARGIN - height)
    for left, top in ((head.right + GAP, level), (head.left - GAP - width, level),
                      ((head.left + head.right - width) / 2, head.top - GAP - height)):
        box = Area(round(left), round(top), round(left) + width, round(top) + height)
        if box.inside(view.width, view.height) and not any(
                box.overlaps(other) for other in obstacles):
            return box
    return None
