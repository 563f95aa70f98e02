"""What a frame draws of the subjects: each visible face and head, already in OpenCV's
fixed-point pixel coordinates, back to front (subjects in occlusion order, then each
subject's parts by depth)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from previz.backends.draft.figures import Ball, Colour, Face, Figure
from previz.backends.draft.geometry import NEAR, View, clip_near, cv_points
from previz.backends.draft.occlusion import OcclusionOrder, footprint

LIGHT = np.array([-0.35, 0.75, -0.55]) / np.linalg.norm([-0.35, 0.75, -0.55])
EDGE = 0.55  # outlines are the fill colour this much darker
OUTLINE_POINTS = 48  # points around a head's outline


@dataclass(frozen=True)
class Drawable:
    """One face or head (a convex polygon, or a circle) as a frame sees it, ``depth`` metres
    away; ``points`` and ``circle`` are in OpenCV coordinates with ``SHIFT`` fractional bits."""

    depth: float
    points: np.ndarray | None
    circle: tuple[tuple[int, int], int] | None
    colour: Colour
    edge: Colour
    subject: int
    head: bool = False


class Solids:
    """The subjects' solids, ready to be seen from any camera."""

    def __init__(self, figures: Sequence[Figure]) -> None:
        self._faces = _FaceTable([face for fig in figures for box in fig.boxes
                                  for face in box.faces()])
        self._balls = [ball for fig in figures for ball in fig.balls]
        self._order = OcclusionOrder([footprint(_corners(fig)) for fig in figures])

    def seen_by(self, view: View) -> list[Drawable]:
        """Everything ``view`` sees of the subjects, in drawing order."""
        items = self._faces.visible(view)
        items += [item for ball in self._balls if (item := _ball(ball, view)) is not None]
        parts: dict[int, list[Drawable]] = {}
        for item in sorted(items, key=lambda item: -item.depth):
            parts.setdefault(item.subject, []).append(item)
        shown = list(parts)
        depths = [sum(item.depth for item in parts[index]) / len(parts[index])
                  for index in shown]
        order = self._order.back_to_front(shown, view.position[[0, 2]], depths)
        return [item for index in order for item in parts[index]]


class _FaceTable:
    """Every box face of the scene as arrays, so each frame culls, shades and projects them
    all at once."""

    def __init__(self, faces: list[Face]) -> None:
        self.corners = np.array([face.corners for face in faces]).reshape(-1, 4, 3)
        self.centres = self.corners.mean(axis=1)
        self.normals = np.array([face.normal for face in faces]).reshape(-1, 3)
        self.subjects = [face.subject for face in faces]
        shade = 0.55 + 0.45 * np.clip(self.normals @ LIGHT, 0.0, None)
        colours = np.array([face.colour for face in faces], float).reshape(-1, 3)
        self.colours = [_colour(row) for row in np.minimum(colours * shade[:, None], 255)]
        self.edges = [_colour(np.array(colour) * EDGE) for colour in self.colours]

    def visible(self, view: View) -> list[Drawable]:
        if not len(self.corners):
            return []
        facing = np.einsum("ij,ij->i", self.normals, view.position - self.centres) > 0
        camera = view.to_camera(self.corners.reshape(-1, 3)).reshape(-1, 4, 3)
        depth = camera[:, :, 2]
        whole = np.flatnonzero(facing & (depth.min(axis=1) >= NEAR))
        projected = camera[whole] @ view.K.T
        points = cv_points(projected[:, :, :2] / projected[:, :, 2:3])
        means = depth[whole].mean(axis=1)
        items = [self._drawable(index, float(mean), polygon)
                 for index, mean, polygon in zip(whole, means, points, strict=True)]
        for index in np.flatnonzero(facing & (depth.max(axis=1) > NEAR) & (depth.min(axis=1)
                                                                           < NEAR)):
            polygon = clip_near(camera[index])
            if len(polygon) >= 3:
                items.append(self._drawable(index, float(polygon[:, 2].mean()),
                                            cv_points(view.to_pixels(polygon))))
        return items

    def _drawable(self, index: int, depth: float, points: np.ndarray) -> Drawable:
        return Drawable(depth, points, None, self.colours[index], self.edges[index],
                        self.subjects[index])


def _ball(ball: Ball, view: View) -> Drawable | None:
    """A ball as the pinhole sees it: the ellipse where the cone of rays grazing it meets the
    image (a circle only on the optical axis)."""
    centre = view.to_camera(ball.centre[None])[0]
    if centre[2] <= ball.radius + NEAR:
        return None
    outline = sphere_outline(centre, ball.radius, view.K)
    return Drawable(float(centre[2] - ball.radius * 0.5), cv_points(outline), None,
                    ball.colour, _colour(np.array(ball.colour) * EDGE), ball.subject, head=True)


def sphere_outline(centre: np.ndarray, radius: float, k: np.ndarray,
                   count: int = OUTLINE_POINTS) -> np.ndarray:
    """``count`` pixels around the outline of a ball (camera-space ``centre``, wholly in front
    of the lens) under the pinhole ``k``: the conic d·(c cᵀ - (|c|² - r²) I)·d = 0 of the rays
    d that graze it, taken to pixels through K⁻¹."""
    inverse = np.linalg.inv(k)
    cone = np.outer(centre, centre) - (centre @ centre - radius**2) * np.eye(3)
    conic = -(inverse.T @ cone @ inverse)  # positive definite inside the outline
    a, b, c = conic[:2, :2], conic[:2, 2], conic[2, 2]
    middle = -np.linalg.solve(a, b)
    level = middle @ a @ middle - c
    values, vectors = np.linalg.eigh(a)
    axes = np.sqrt(level / values)
    angles = np.linspace(0.0, 2 * np.pi, count, endpoint=False)
    ring = np.stack([np.cos(angles) * axes[0], np.sin(angles) * axes[1]], axis=1)
    return middle + ring @ vectors.T


def _corners(fig: Figure) -> np.ndarray:
    """Every corner of a figure's solids, balls as their bounding boxes, (M, 3)."""
    points = [face.corners for box in fig.boxes for face in box.faces()]
    points += [ball.centre + ball.radius * np.array([[sx, 0.0, sz] for sx in (-1, 1)
                                                     for sz in (-1, 1)]) for ball in fig.balls]
    return np.concatenate(points)


def _colour(values: np.ndarray) -> Colour:
    red, green, blue = (int(value) for value in values)
    return red, green, blue
