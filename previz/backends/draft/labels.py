"""Subject labels beside each figure's head, never over a face, none for hidden subjects."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from previz.backends.draft.figures import Figure
from previz.backends.draft.geometry import NEAR, View, cameras, grouped, to_cameras, to_pixels_many
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


Room = dict[int, tuple[list[float] | None, list[float] | None]]
"""Where a frame's figures land in its picture, by figure index: the box of the figure's top
where it has no head (a prop's, a vehicle's; None for a person, or behind the lens) and the box
of all its solids (None where any of them reaches behind the lens), each as (left, top, right,
bottom) pixels."""


def rooms(frames: Sequence[tuple[Sequence[Figure], View]]) -> list[Room]:
    """Each frame's ``Room`` for its figures as its view sees them, found for all the frames
    at once (a render's next second: numpy's cost per call paid once for them): every
    figure's corners and every head-less figure's label anchor in one projection a frame,
    frames whose figures have as many corners stacked."""
    found: list[Room] = [{} for _ in frames]
    shapes = [tuple((len(fig.corners()), not fig.heads) for fig in figures)
              for figures, _ in frames]
    for shape, numbers in grouped(shapes).items():
        if not shape:
            continue
        counts = [count for count, _ in shape]
        tops = [number for number, (_, headless) in enumerate(shape) if headless]
        points = np.concatenate([
            part for figures, _ in (frames[number] for number in numbers)
            for part in (*(fig.corners() for fig in figures),
                         *(figures[number].label_anchor[None] for number in tops))
        ]).reshape(len(numbers), -1, 3)
        rotations, shifts, lenses = cameras([frames[number][1] for number in numbers])
        camera = to_cameras(points, rotations, shifts)  # (F, corners + anchors, 3)
        solid, starts = sum(counts), np.cumsum([0, *counts[:-1]])
        behind = camera[:, :, 2] <= NEAR
        hidden = np.logical_or.reduceat(behind[:, :solid], starts, axis=1).tolist()
        shown = (~behind[:, solid:]).tolist()
        camera[behind, 2] = 1.0  # any value: those rows are dropped
        pixels = to_pixels_many(camera, lenses)
        bodies = np.concatenate([np.minimum.reduceat(pixels[:, :solid], starts, axis=1),
                                 np.maximum.reduceat(pixels[:, :solid], starts, axis=1)],
                                axis=2).tolist()
        anchors = np.tile(pixels[:, solid:], 2).tolist()
        for row, number in enumerate(numbers):
            room, figures = found[number], frames[number][0]
            for fig, body, gone in zip(figures, bodies[row], hidden[row], strict=True):
                room[fig.index] = (None, None if gone else body)
            for top, anchor, ahead in zip(tops, anchors[row], shown[row], strict=True):
                if ahead:
                    room[figures[top].index] = (anchor, room[figures[top].index][1])
    return found


def place_labels(frame: np.ndarray, view: View, figures: Sequence[Figure],
                 labels: Mapping[int, Sprite], thumbnails: Mapping[int, Sprite], *,
                 heads: Mapping[int, np.ndarray], room: Room | None = None,
                 top_shown: Callable[[int, list[float] | None], list[float] | None] | None
                 = None) -> None:
    """Draw each seen figure's label beside its head (right, left, else above it) where it
    stays in the frame and covers no face and no label drawn before it (two crossed tabs
    read as neither name), nor another figure if it can help it; a set
    piece's label never covers a person (over someone's coat it would read as theirs), and
    where its top is hidden (behind someone, out of the frame, behind the lens) it goes
    beside the top of what shows of it, given ``top_shown`` (by figure index and the box of
    its solids, a box as ``_spot``'s head). A label with nowhere to go is
    left out. ``heads``: the heads the frame drew, by subject (``Solids.heads_seen``);
    ``room``: where the figures land (``rooms``), found here if not given."""
    if room is None:
        room = rooms([(figures, view)])[0]
    # A handful of rows each: plain comparisons on lists beat array calls.
    boxes: list[list[float] | None] = []
    for fig in figures:
        if fig.heads:
            head = heads.get(fig.heads[0].subject)
            boxes.append(None if head is None else head.tolist())
        else:
            boxes.append(room[fig.index][0])
    bodies = [room[fig.index][1] for fig in figures]
    people = [body for fig, body in zip(figures, bodies, strict=True)
              if fig.heads and body is not None]
    faces = [box for box in boxes if box is not None]
    tabs: list[list[float]] = []  # the labels drawn so far, with a gap about them
    for number, (fig, box) in enumerate(zip(figures, boxes, strict=True)):
        if box is None and (fig.heads or top_shown is None):
            continue
        sprite = labels[fig.index]
        thumbnail = thumbnails.get(fig.index)
        extra = thumbnail.width + GAP if thumbnail is not None else 0
        tall = max(sprite.height, thumbnail.height if thumbnail is not None else 0)
        others = [body for other, body in enumerate(bodies) if other != number and body is not None]
        # Failing that, over set pieces (a wide has them everywhere), and over other people
        # only for a person's label.
        kept = (faces if fig.heads else faces + people) + tabs
        spot = None if box is None else (
            _spot(box, sprite.width + extra, tall, faces + others + tabs, view)
            or _spot(box, sprite.width + extra, tall, kept, view))
        if spot is None and not fig.heads and top_shown is not None:
            shown = top_shown(fig.index, bodies[number])
            if shown is not None:
                spot = _spot(shown, sprite.width + extra, tall, kept, view)
        if spot is None:
            continue
        tabs.append([spot.left - GAP, spot.top - GAP, spot.right + GAP, spot.bottom + GAP])
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
