"""Subjects as solids: articulated people on their skeletons, set pieces by kind, vehicles.

A person is built on its posed skeleton (``skeleton``: DESIGN §6's proportions, the pose, the
walk, the head turned to its look): head, hair, neck, torso, pelvis, upper arms, forearms,
hands, thighs, shins and feet, in the character's skin, hair and wardrobe colours. A set piece
of the §6a library is drawn as what it is (``pieces``). A subject's facing turns it about the
vertical: 0° faces the camera's base position (toward −z); positive angles turn it to its own
left, so 90° faces +x, as ``previz.core.camera.facing_direction`` has it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from previz.backends.draft.pieces import Part, colour_of, parts_of
from previz.backends.draft.skeleton import FOOT, HEEL, Skeleton, body_axes, skeleton
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
SHOES: Colour = (52, 46, 42)
# Box corner signs (halved) and the faces (corner indices, outward normal) of a unit box.
CORNERS = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)],
                   float) / 2
FACES = ((0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6), (0, 2, 6, 4), (1, 5, 7, 3))
NORMALS = np.array([(-1, 0, 0), (1, 0, 0), (0, -1, 0), (0, 1, 0), (0, 0, -1), (0, 0, 1)], float)


@dataclass(frozen=True)
class Boxes:
    """Boxes as arrays: centres (B, 3), axes (B, 3, 3) (rows: the box's own x, y, z in the
    world), sizes (B, 3), colours (B, 3), ``glow`` (B,) for lamps that light themselves."""

    centres: np.ndarray
    axes: np.ndarray
    sizes: np.ndarray
    colours: np.ndarray
    glow: np.ndarray
    lead: np.ndarray

    def corners(self) -> np.ndarray:
        """Every box's eight corners, (B, 8, 3)."""
        return self.centres[:, None, :] + np.einsum("kj,bj,bjd->bkd", CORNERS, self.sizes,
                                                    self.axes)

    def faces(self) -> tuple[np.ndarray, np.ndarray]:
        """The faces' corners (B·6, 4, 3) and outward normals (B·6, 3)."""
        corners = self.corners()[:, np.array(FACES)]
        normals = np.einsum("fj,bjd->bfd", NORMALS, self.axes)
        return corners.reshape(-1, 4, 3), normals.reshape(-1, 3)


@dataclass(frozen=True)
class Ball:
    """A sphere: a head, its hair, a tree's crown."""

    centre: np.ndarray
    radius: float
    colour: Colour
    subject: int
    head: bool = False
    face: np.ndarray | None = None  # hair: the way its face looks (hidden behind it)


@dataclass(frozen=True)
class Figure:
    """A subject's solids, its skeleton (people) and where its label goes."""

    subject: Subject
    index: int
    boxes: Boxes
    balls: tuple[Ball, ...]
    label_anchor: np.ndarray
    skeleton: Skeleton | None = None

    @property
    def heads(self) -> tuple[Ball, ...]:
        """The balls that are heads (a label sits beside them)."""
        return tuple(ball for ball in self.balls if ball.head)

    def corners(self) -> np.ndarray:
        """Every corner of the solids, balls as their bounding squares, (M, 3)."""
        points = [self.boxes.corners().reshape(-1, 3)]
        points += [ball.centre + ball.radius * np.array([[sx, 0.0, sz] for sx in (-1, 1)
                                                         for sz in (-1, 1)])
                   for ball in self.balls]
        return np.concatenate(points)


def yaw_matrix(yaw: float) -> np.ndarray:
    """Rotation about the world's vertical axis by ``yaw`` radians."""
    c, s = math.cos(yaw), math.sin(yaw)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def figure(subject: Subject, index: int) -> Figure:
    """The solids of one subject."""
    if subject.kind == "person":
        return _person(subject, index)
    parts, balls = parts_of(subject, PALETTE[index % len(PALETTE)])
    yaw = -math.radians(subject.facing)
    rotation = yaw_matrix(yaw)
    base = np.array([subject.x, 0.0, subject.z])
    boxes = _boxes([Part(base + rotation @ np.array(p.centre, float),
                         np.asarray(p.axes, float) @ rotation.T, p.size, p.colour, p.glow,
                         p.lead)
                    for p in parts])
    placed = tuple(Ball(base + rotation @ np.array(centre), radius, colour, index)
                   for centre, radius, colour in balls)
    height = subject.height
    return Figure(subject, index, boxes, placed,
                  base + np.array([0.0, height + 0.12 * height / 1.75, 0.0]))


def _boxes(parts: list[Part]) -> Boxes:
    return Boxes(np.array([p.centre for p in parts], float).reshape(-1, 3),
                 np.array([p.axes for p in parts], float).reshape(-1, 3, 3),
                 np.array([p.size for p in parts], float).reshape(-1, 3),
                 np.array([p.colour for p in parts], float).reshape(-1, 3),
                 np.array([p.glow for p in parts], bool),
                 np.array([p.lead for p in parts], float))


def _person(subject: Subject, index: int) -> Figure:
    bones = skeleton(subject)
    h, fig = subject.height, bones.proportions
    colours = subject.colours
    skin = colour_of(colours[0], SKIN) if colours else SKIN
    hair = colour_of(colours[1], FEATURES) if len(colours) > 1 else None
    top = colour_of(colours[2], PALETTE[index % len(PALETTE)]) if len(colours) > 2 else \
        PALETTE[index % len(PALETTE)]
    legs = colour_of(colours[3], _darker(top)) if len(colours) > 3 else _darker(top)
    forward, _ = body_axes(subject.facing)
    girth = fig.girth
    parts = [
        _limb(bones["pelvis"] + [0, -0.02 * h, 0], bones["neck"] + [0, -0.01 * h, 0], forward,
              fig.shoulder_width * h, 0.14 * h * girth, top),
        _limb(bones["pelvis"] + [0, -0.06 * h, 0], bones["pelvis"] + [0, 0.05 * h, 0],
              forward, (fig.hip_width + 0.09) * h, 0.13 * h * girth, legs),
        _limb(bones["neck"] + [0, -0.02 * h, 0],  # up into the head's underside, not its face
              bones["head"] - [0, 0.75 * fig.head_radius * h, 0], forward, 0.06 * h, 0.06 * h,
              skin, lead=-fig.head_radius * h),  # behind the head from any side
    ]
    for side in ("l", "r"):
        hip, knee, ankle = bones[f"{side}_hip"], bones[f"{side}_knee"], bones[f"{side}_ankle"]
        shoulder, elbow = _arm_root(bones, side, fig, h), bones[f"{side}_elbow"]
        wrist, hand = bones[f"{side}_wrist"], bones[f"{side}_hand"]
        parts += [
            _limb(hip, knee, forward, 0.09 * h, 0.1 * h, legs, overlap=0.02 * h),
            _limb(knee, ankle, forward, 0.065 * h, 0.07 * h, legs, overlap=0.02 * h),
            _foot(ankle, bones[f"{side}_toe"], h),
            _limb(shoulder, elbow, forward, 0.06 * h, 0.065 * h, top, overlap=0.02 * h),
            _limb(elbow, wrist, forward, 0.05 * h, 0.055 * h, top, overlap=0.02 * h),
            _limb(wrist, hand, forward, 0.04 * h, 0.025 * h, skin),
        ]
    parts += _face(bones, h, fig.head_radius * h, skin)
    head = Ball(bones["head"], fig.head_radius * h, skin, index, head=True)
    balls = (head,)
    if hair is not None:
        radius = fig.head_radius * h  # hair: a ball a little behind and above the head's
        back = bones["head"] - _gaze(bones) * 0.24 * radius + np.array([0.0, 0.1 * radius, 0])
        balls = (Ball(back, radius, hair, index, face=_gaze(bones)), head)
    limbs = [part for part in parts if isinstance(part, Limb)]
    boxes = _join(_limb_boxes(limbs), _boxes([part for part in parts if isinstance(part, Part)]))
    return Figure(subject, index, boxes, balls,
                  np.array([subject.x, fig.top * h + 0.12 * h / 1.75, subject.z]), bones)


def _arm_root(bones: Skeleton, side: str, fig, h: float) -> np.ndarray:
    """Where the upper arm's box starts: beside the shoulder keypoint, so that the arms'
    outer edges reach ``half_width``."""
    shoulder = bones[f"{side}_shoulder"]
    outward = shoulder - bones["neck"]
    length = float(np.linalg.norm(outward))
    if length < 1e-9:
        return shoulder
    return shoulder + outward / length * 0.03 * h


def _gaze(bones: Skeleton) -> np.ndarray:
    """The horizontal direction the face looks."""
    ahead = bones["nose"] - bones["head"]
    ahead[1] = 0.0
    length = float(np.linalg.norm(ahead))
    return ahead / length if length > 1e-9 else np.array([0.0, 0.0, -1.0])


def _face(bones: Skeleton, h: float, radius: float, skin: Colour) -> list[Part]:
    """Nose and eyes: which way the head looks, seen from any side."""
    gaze = _gaze(bones)
    turn = math.atan2(gaze[0], -gaze[2])
    rotation = yaw_matrix(-turn)
    lead = 0.5 * radius  # the head ball sorts at its centre's depth less half its radius
    parts = [Part(bones["nose"], rotation.T, (0.018 * h, 0.03 * h, 0.02 * h), skin, lead=lead)]
    for side in ("l", "r"):
        parts.append(Part(bones[f"{side}_eye"] + gaze * 0.002 * h, rotation.T,
                          (0.016 * h, 0.008 * h, 0.012 * h), FEATURES, lead=lead))
    return parts


@dataclass(frozen=True)
class Limb:
    """A box from ``start`` to ``end``, ``width`` across the body (square to ``reference``)
    and ``depth`` square to both, reaching ``overlap`` past each end so that bent joints show
    no gap."""

    start: np.ndarray
    end: np.ndarray
    reference: np.ndarray
    width: float
    depth: float
    colour: Colour
    overlap: float = 0.0
    lead: float = 0.0  # see ``pieces.Part``


def _limb(start: np.ndarray, end: np.ndarray, forward: np.ndarray,  # noqa: PLR0917
          width: float, depth: float, colour: Colour, overlap: float = 0.0,
          lead: float = 0.0) -> Limb:
    return Limb(np.asarray(start, float), np.asarray(end, float), forward, width, depth,
                colour, overlap, lead)


def _limb_boxes(limbs: Sequence[Limb]) -> Boxes:
    """All limbs' boxes at once."""
    starts = np.array([limb.start for limb in limbs]).reshape(-1, 3)
    ends = np.array([limb.end for limb in limbs]).reshape(-1, 3)
    references = np.array([limb.reference for limb in limbs], float).reshape(-1, 3)
    overlaps = np.array([limb.overlap for limb in limbs])
    along = ends - starts
    lengths = np.linalg.norm(along, axis=1)
    axis = np.where(lengths[:, None] > 1e-9, along / np.maximum(lengths, 1e-9)[:, None],
                    np.array([0.0, 1.0, 0.0]))
    side = np.cross(axis, references)
    for fallback in ((0.0, 0.0, 1.0), (1.0, 0.0, 0.0)):
        flat = np.linalg.norm(side, axis=1) < 1e-6
        side[flat] = np.cross(axis[flat], np.array(fallback))
    side /= np.linalg.norm(side, axis=1)[:, None]
    front = np.cross(side, axis)
    sizes = np.stack([[limb.width for limb in limbs], lengths + 2 * overlaps,
                      [limb.depth for limb in limbs]], axis=1)
    return Boxes((starts + ends) / 2, np.stack([side, axis, front], axis=1), sizes,
                 np.array([limb.colour for limb in limbs], float).reshape(-1, 3),
                 np.zeros(len(limbs), bool), np.array([limb.lead for limb in limbs], float))


def _join(first: Boxes, second: Boxes) -> Boxes:
    return Boxes(*(np.concatenate([a, b]) for a, b in
                   ((first.centres, second.centres), (first.axes, second.axes),
                    (first.sizes, second.sizes), (first.colours, second.colours),
                    (first.glow, second.glow), (first.lead, second.lead))))


def _foot(ankle: np.ndarray, toe: np.ndarray, h: float) -> Limb:
    """A shoe from the heel, behind the ankle, to the toe, sole level with the toe's."""
    ahead = toe - ankle
    ahead[1] = 0.0
    length = float(np.linalg.norm(ahead))
    ahead = ahead / length if length > 1e-9 else np.array([0.0, 0.0, -1.0])
    heel = np.array([ankle[0], toe[1], ankle[2]]) - ahead * HEEL * h
    return _limb(heel, toe, np.array([0.0, 1.0, 0.0]), 0.05 * h, FOOT * h, SHOES)


def _darker(colour: Colour) -> Colour:
    red, green, blue = (int(c * 0.7) for c in colour)
    return red, green, blue
