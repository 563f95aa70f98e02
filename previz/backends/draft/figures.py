"""Subjects as solids: people of 7.5 heads with head, torso, arms and legs; props and vehicles.

Proportions follow DESIGN §6 (head 0.133·H with its top at H, shoulders 0.82·H, hips 0.5·H,
shoulder width 0.26·H). A subject's facing turns it about the vertical: 0° faces the camera's
base position (toward −z); positive angles turn it to its own left, so 90° faces +x, as
``previz.core.camera.facing_direction`` has it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from previz.core.subjects import Subject

Colour = tuple[int, int, int]
PALETTE: tuple[Colour, ...] = (
    (92, 112, 150), (150, 96, 84), (88, 132, 96), (140, 120, 70), (118, 92, 140),
    (80, 128, 136),
)
LAYOUT_COLOURS: tuple[Colour, ...] = (
    (230, 60, 60), (60, 200, 80), (70, 110, 240), (240, 200, 40), (200, 70, 220),
    (40, 210, 210),
)
SKIN: Colour = (196, 180, 164)
FEATURES: Colour = (70, 58, 52)
# Box corner signs and the faces (corner indices, outward normal) of a unit box.
_CORNERS = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)], float) / 2
_FACES = (
    ((0, 1, 3, 2), (-1, 0, 0)), ((4, 6, 7, 5), (1, 0, 0)),
    ((0, 4, 5, 1), (0, -1, 0)), ((2, 3, 7, 6), (0, 1, 0)),
    ((0, 2, 6, 4), (0, 0, -1)), ((1, 5, 7, 3), (0, 0, 1)),
)


@dataclass(frozen=True)
class Box:
    """A box standing in the world: centre, size (width, height, depth), yaw, colour."""

    centre: np.ndarray
    size: np.ndarray
    yaw: float
    colour: Colour
    subject: int

    def faces(self) -> list[Face]:
        """The six faces in world coordinates with their outward normals."""
        rotation = yaw_matrix(self.yaw)
        corners = (_CORNERS * self.size) @ rotation.T + self.centre
        return [Face(corners[list(indices)], rotation @ np.array(normal, float), self.colour,
                     self.subject) for indices, normal in _FACES]


@dataclass(frozen=True)
class Face:
    """One flat face of a solid."""

    corners: np.ndarray
    normal: np.ndarray
    colour: Colour
    subject: int


@dataclass(frozen=True)
class Ball:
    """A sphere: a head."""

    centre: np.ndarray
    radius: float
    colour: Colour
    subject: int


@dataclass(frozen=True)
class Figure:
    """A subject's solids and where its label goes."""

    subject: Subject
    index: int
    boxes: tuple[Box, ...]
    balls: tuple[Ball, ...]
    label_anchor: np.ndarray


def yaw_matrix(yaw: float) -> np.ndarray:
    """Rotation about the world's vertical axis by ``yaw`` radians."""
    c, s = math.cos(yaw), math.sin(yaw)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def figure(subject: Subject, index: int) -> Figure:
    """The solids of one subject."""
    colour = PALETTE[index % len(PALETTE)]
    yaw = -math.radians(subject.facing)  # positive facing turns the subject to its own left
    base = np.array([subject.x, 0.0, subject.z])
    height = subject.height
    if subject.kind == "person":
        boxes, balls = _person(height, colour, index)
    elif subject.kind == "vehicle":
        boxes, balls = [((0, height / 2, 0), (1.8, height, 4.5), colour)], []
    else:
        side = min(height, max(0.3 * height, 1.2))  # a crate is cubic, a tower 0.3 as wide
        boxes, balls = [((0, height / 2, 0), (side, height, side), colour)], []
    rotation = yaw_matrix(yaw)
    placed_boxes = tuple(
        Box(base + rotation @ np.array(centre, float), np.array(size, float), yaw, tint, index)
        for centre, size, tint in boxes
    )
    placed_balls = tuple(Ball(base + rotation @ np.array(centre, float), radius, tint, index)
                         for centre, radius, tint in balls)
    return Figure(subject, index, placed_boxes, placed_balls,
                  base + np.array([0.0, height + 0.12 * height / 1.75, 0.0]))


def _person(height: float, colour: Colour, index: int) -> tuple[list, list]:
    h = height
    legs = tuple(int(c * 0.7) for c in colour)
    boxes = [
        ((-0.055 * h, 0.25 * h, 0), (0.085 * h, 0.5 * h, 0.1 * h), legs),
        ((0.055 * h, 0.25 * h, 0), (0.085 * h, 0.5 * h, 0.1 * h), legs),
        ((0, 0.66 * h, 0), (0.26 * h, 0.32 * h, 0.14 * h), colour),
        ((-0.16 * h, 0.64 * h, 0), (0.06 * h, 0.36 * h, 0.07 * h), colour),
        ((0.16 * h, 0.64 * h, 0), (0.06 * h, 0.36 * h, 0.07 * h), colour),
        ((0, 0.845 * h, 0), (0.06 * h, 0.05 * h, 0.06 * h), SKIN),
        ((0, 0.915 * h, -0.064 * h), (0.018 * h, 0.03 * h, 0.02 * h), SKIN),
        ((-0.022 * h, 0.935 * h, -0.058 * h), (0.016 * h, 0.008 * h, 0.012 * h), FEATURES),
        ((0.022 * h, 0.935 * h, -0.058 * h), (0.016 * h, 0.008 * h, 0.012 * h), FEATURES),
    ]
    balls = [((0, h - 0.0665 * h, 0), 0.0665 * h, SKIN)]
    return boxes, balls
