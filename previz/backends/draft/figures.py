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
from functools import cached_property

import numpy as np

from previz.backends.draft.pieces import Part, colour_of, parts_of
from previz.backends.draft.skeleton import FOOT, HEEL, INDEX, JOINTS, Skeleton, body_axes, skeletons
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
_SQUARE = np.array([[sx, 0.0, sz] for sx in (-1, 1) for sz in (-1, 1)], float)


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
        return self.centres[:, None, :] + (CORNERS * self.sizes[:, None, :]) @ self.axes

    def faces(self) -> tuple[np.ndarray, np.ndarray]:
        """The faces' corners (B·6, 4, 3) and outward normals (B·6, 3)."""
        corners = self.corners()[:, np.array(FACES)]
        normals = NORMALS @ self.axes
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

    @cached_property
    def heads(self) -> tuple[Ball, ...]:
        """The balls that are heads (a label sits beside them); found once (a frame asks
        often)."""
        return tuple(ball for ball in self.balls if ball.head)

    def corners(self) -> np.ndarray:
        """Every corner of the solids, balls as their bounding squares, (M, 3); found once
        (read-only: the footprint and the label's room read it every frame)."""
        found = self.__dict__.get("_corners")
        if found is None:
            points = [self.boxes.corners().reshape(-1, 3)]
            points += [ball.centre + ball.radius * _SQUARE for ball in self.balls]
            found = np.concatenate(points)
            found.flags.writeable = False
            object.__setattr__(self, "_corners", found)
        return found


def yaw_matrix(yaw: float) -> np.ndarray:
    """Rotation about the world's vertical axis by ``yaw`` radians."""
    c, s = math.cos(yaw), math.sin(yaw)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def figure(subject: Subject, index: int) -> Figure:
    """The solids of one subject."""
    if subject.kind == "person":
        return _people([(subject, index)])[0]
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


def figures(subjects: Sequence[tuple[Subject, int]]) -> list[Figure]:
    """The solids of several subjects (each with its index), the people's limbs built in one
    pass (a frame rebuilds everyone who moved)."""
    people = [(subject, index) for subject, index in subjects if subject.kind == "person"]
    built = iter(_people(people))
    return [next(built) if subject.kind == "person" else figure(subject, index)
            for subject, index in subjects]


def _boxes(parts: list[Part]) -> Boxes:
    return Boxes(np.array([p.centre for p in parts], float).reshape(-1, 3),
                 np.array([p.axes for p in parts], float).reshape(-1, 3, 3),
                 np.array([p.size for p in parts], float).reshape(-1, 3),
                 np.array([p.colour for p in parts], float).reshape(-1, 3),
                 np.array([p.glow for p in parts], bool),
                 np.array([p.lead for p in parts], float))


def _people(people: Sequence[tuple[Subject, int]]) -> list[Figure]:
    """People (each with its index) on their skeletons, their limbs built together."""
    if not people:
        return []
    bones = skeletons([subject for subject, _ in people])
    tints = []
    for subject, index in people:
        colours = subject.colours
        skin = colour_of(colours[0], SKIN) if colours else SKIN
        top = colour_of(colours[2], PALETTE[index % len(PALETTE)]) if len(colours) > 2 else \
            PALETTE[index % len(PALETTE)]
        legs = colour_of(colours[3], _darker(top)) if len(colours) > 3 else _darker(top)
        tints.append({"top": top, "legs": legs, "skin": skin, "shoes": SHOES})
    forwards = np.array([body_axes(subject.facing)[0] for subject, _ in people])
    gazes = _gazes(np.stack([body.joints for body in bones]))
    solids = _bodies(bones, forwards, gazes, tints)
    return [_person(subject, index, body, skin=tint["skin"], gaze=gaze, boxes=boxes)
            for (subject, index), body, tint, gaze, boxes
            in zip(people, bones, tints, gazes, solids, strict=True)]


def _person(subject: Subject, index: int, bones: Skeleton, *, skin: Colour, gaze: np.ndarray,
            boxes: Boxes) -> Figure:
    h, fig = subject.height, bones.proportions
    colours = subject.colours
    hair = colour_of(colours[1], FEATURES) if len(colours) > 1 else None
    radius = fig.head_radius * h
    head = Ball(bones["head"], radius, skin, index, head=True)
    balls = (head,)
    if hair is not None:  # hair: a ball a little behind and above the head's
        back = bones["head"] - gaze * 0.24 * radius + np.array([0.0, 0.1 * radius, 0])
        balls = (Ball(back, radius, hair, index, face=gaze), head)
    return Figure(subject, index, boxes, balls,
                  np.array([subject.x, fig.top * h + 0.12 * h / 1.75, subject.z]), bones)


# A person's limbs in drawing order (the trunk, then each side's, left first): from a joint
# and its rise to a joint and its rise, width, depth, colour and the overlap past each end (so
# that bent joints show no gap). Rises, widths, depths and overlaps are fractions of the
# height; the torso's and pelvis's widths are the shoulders' and the hips' and their depths
# scale with ``girth``. The neck rises into the head's underside (three quarters of a head
# radius below its centre), not into its face, and sorts behind the head from any side (lead:
# minus a radius). Arms start beside their shoulder (``_arm_roots``); shoes run from the heel
# to the toe (``_shoes``), their soles level whichever way the foot points.
_TRUNK = (
    ("pelvis", -0.02, "neck", -0.01, "shoulders", 0.14, "top", 0.0),
    ("pelvis", -0.06, "pelvis", 0.05, "hips", 0.13, "legs", 0.0),
    ("neck", -0.02, "head", "under", 0.06, 0.06, "skin", 0.0),
)
_SIDE = (
    ("hip", 0.0, "knee", 0.0, 0.09, 0.1, "legs", 0.02),
    ("knee", 0.0, "ankle", 0.0, 0.065, 0.07, "legs", 0.02),
    ("heel", 0.0, "toe", 0.0, 0.05, FOOT, "shoes", 0.0),
    ("root", 0.0, "elbow", 0.0, 0.06, 0.065, "top", 0.02),
    ("elbow", 0.0, "wrist", 0.0, 0.05, 0.055, "top", 0.02),
    ("wrist", 0.0, "hand", 0.0, 0.04, 0.025, "skin", 0.0),
)
_UP = np.array([0.0, 1.0, 0.0])
_TINTS = ("top", "legs", "skin", "shoes")


def _limb_table() -> dict[str, np.ndarray]:
    """The limbs above as index and number arrays over a skeleton's joints followed by the
    arm roots and heels (left, right)."""
    extra = {"l_root": len(JOINTS), "r_root": len(JOINTS) + 1,
             "l_heel": len(JOINTS) + 2, "r_heel": len(JOINTS) + 3}
    rows = list(_TRUNK) + [(f"{side}_{start}", rise, f"{side}_{end}", *rest)
                           for side in ("l", "r") for start, rise, end, *rest in _SIDE]
    where = {**INDEX, **extra}
    return {
        "start": np.array([where[row[0]] for row in rows]),
        "end": np.array([where[row[2]] for row in rows]),
        "rise": np.array([row[1] for row in rows], float),
        "end_rise": np.array([0.0 if row[3] == "under" else row[3] for row in rows], float),
        "under": np.array([row[3] == "under" for row in rows]),
        "width": np.array([0.0 if isinstance(row[4], str) else row[4] for row in rows]),
        "depth": np.array([row[5] for row in rows], float),
        "tint": np.array([_TINTS.index(row[6]) for row in rows]),
        "overlap": np.array([row[7] for row in rows], float),
        "shoes": np.array([row[0].endswith("heel") for row in rows]),
    }


_LIMBS = _limb_table()


def _bodies(bones: Sequence[Skeleton], forwards: np.ndarray, gazes: np.ndarray,
            colours: Sequence[dict[str, Colour]]) -> list[Boxes]:
    """Each person's boxes: the limbs of its posed skeleton (facing its ``forwards`` row) in
    the table's order, then its face (``_faces``), all people at once."""
    table = _LIMBS
    count = len(table["start"])
    heights = np.array([body.height for body in bones])[:, None]  # (P, 1)
    shapes = [body.proportions for body in bones]
    radii = np.array([fig.head_radius for fig in shapes])[:, None] * heights
    joints = np.stack([body.joints for body in bones])
    joints = np.concatenate([joints, _arm_roots(joints, heights), _shoes(joints, heights)],
                            axis=1)
    starts, ends = joints[:, table["start"]], joints[:, table["end"]]  # (P, L, 3)
    starts[:, :, 1] += table["rise"] * heights
    ends[:, :, 1] += np.where(table["under"], -0.75 * radii, table["end_rise"] * heights)
    widths = table["width"] * heights
    widths[:, 0] = [fig.shoulder_width for fig in shapes]
    widths[:, 1] = [fig.hip_width + 0.09 for fig in shapes]
    widths[:, :2] *= heights
    depths = table["depth"] * heights
    depths[:, :2] *= np.array([fig.girth for fig in shapes])[:, None]
    references = np.where(table["shoes"][None, :, None], _UP, forwards[:, None, :])
    leads = np.where(table["under"], -radii, 0.0)
    tints = np.stack([np.array([tint[name] for name in _TINTS], float)[table["tint"]]
                      for tint in colours])
    every = _limb_boxes(starts.reshape(-1, 3), ends.reshape(-1, 3), references.reshape(-1, 3),
                        np.stack([widths, depths], axis=2).reshape(-1, 2),
                        tints.reshape(-1, 3), (table["overlap"] * heights).reshape(-1),
                        leads.reshape(-1))
    faces = _faces(joints, heights, radii, gazes,
                   np.array([tint["skin"] for tint in colours], float))
    people = len(bones)
    joined = [np.concatenate([getattr(every, name).reshape(people, count, *shape),
                              getattr(faces, name).reshape(people, FACE_BOXES, *shape)],
                             axis=1)
              for name, shape in _BOX_SHAPES]
    return [Boxes(*(column[person] for column in joined)) for person in range(people)]


_BOX_SHAPES = (("centres", (3,)), ("axes", (3, 3)), ("sizes", (3,)), ("colours", (3,)),
               ("glow", ()), ("lead", ()))
FACE_BOXES = 3  # the nose and the eyes


_SHOULDERS = np.array([INDEX["l_shoulder"], INDEX["r_shoulder"]])
_ANKLES = np.array([INDEX["l_ankle"], INDEX["r_ankle"]])
_TOES = np.array([INDEX["l_toe"], INDEX["r_toe"]])


def _arm_roots(joints: np.ndarray, heights: np.ndarray) -> np.ndarray:
    """Where each upper arm's box starts (P, 2, 3) for skeletons' joints (P, J, 3) and
    heights (P, 1): beside the shoulder keypoint, so that the arms' outer edges reach
    ``half_width``."""
    shoulders = joints[:, _SHOULDERS]
    outward = shoulders - joints[:, INDEX["neck"]][:, None]
    lengths = np.sqrt(np.einsum("pij,pij->pi", outward, outward))[:, :, None]
    steps = np.divide(outward, lengths, out=np.zeros_like(outward), where=lengths >= 1e-9)
    return shoulders + steps * (0.03 * heights)[:, :, None]


def _shoes(joints: np.ndarray, heights: np.ndarray) -> np.ndarray:
    """Each shoe's heel (P, 2, 3), left and right: behind the ankle, its sole level with the
    toe's."""
    ankles, toes = joints[:, _ANKLES], joints[:, _TOES]
    ahead = toes - ankles
    ahead[:, :, 1] = 0.0
    lengths = np.sqrt(np.einsum("pij,pij->pi", ahead, ahead))[:, :, None]
    ahead = np.where(lengths > 1e-9, ahead / np.maximum(lengths, 1e-9),
                     np.array([0.0, 0.0, -1.0]))
    heels = ankles.copy()
    heels[:, :, 1] = toes[:, :, 1]
    return heels - ahead * (HEEL * heights)[:, :, None]


def _gazes(joints: np.ndarray) -> np.ndarray:
    """The horizontal direction each face looks (P, 3), for skeletons' joints (P, J, 3)."""
    ahead = joints[:, INDEX["nose"]] - joints[:, INDEX["head"]]
    ahead[:, 1] = 0.0
    lengths = np.sqrt(np.einsum("pi,pi->p", ahead, ahead))[:, None]
    return np.where(lengths > 1e-9, ahead / np.maximum(lengths, 1e-9),
                    np.array([0.0, 0.0, -1.0]))


_EYES = np.array([INDEX["l_eye"], INDEX["r_eye"]])


def _faces(joints: np.ndarray, heights: np.ndarray, radii: np.ndarray, gazes: np.ndarray,
           skins: np.ndarray) -> Boxes:
    """Nose and eyes (P·3 boxes, each person's nose then its eyes, left first): which way the
    head looks, seen from any side; turned to the gaze, sorted half a head radius nearer than
    they are (the head ball sorts at its centre's depth less half its radius)."""
    people = len(joints)
    turn = np.arctan2(gazes[:, 0], -gazes[:, 2])
    cos, sin = np.cos(turn), np.sin(turn)
    axes = np.zeros((people, 3, 3))  # rows: the yaw's x, y, z (yaw_matrix(-turn).T)
    axes[:, 0, 0], axes[:, 0, 2] = cos, sin
    axes[:, 1, 1] = 1.0
    axes[:, 2, 0], axes[:, 2, 2] = -sin, cos
    eyes = joints[:, _EYES] + (gazes * 0.002 * heights)[:, None]
    centres = np.concatenate([joints[:, INDEX["nose"]][:, None], eyes], axis=1)
    sizes = np.array([(0.018, 0.03, 0.02), (0.016, 0.008, 0.012), (0.016, 0.008, 0.012)])
    colours = np.empty((people, FACE_BOXES, 3))
    colours[:, 0], colours[:, 1:] = skins, FEATURES
    return Boxes(centres.reshape(-1, 3), np.repeat(axes, FACE_BOXES, axis=0),
                 (sizes[None] * heights[:, :, None]).reshape(-1, 3), colours.reshape(-1, 3),
                 np.zeros(people * FACE_BOXES, bool),
                 np.repeat(0.5 * radii[:, 0], FACE_BOXES))


def _limb_boxes(starts: np.ndarray, ends: np.ndarray,  # noqa: PLR0917
                references: np.ndarray, sizes: np.ndarray, colours: np.ndarray,
                overlaps: np.ndarray, leads: np.ndarray) -> Boxes:
    """Boxes from ``starts`` to ``ends`` (L, 3), ``sizes`` (L, 2): width across the body
    (square to ``references``) and depth square to both, reaching ``overlaps`` past each end;
    ``leads`` as ``pieces.Part`` has them."""
    along = ends - starts
    lengths = np.sqrt(np.einsum("ij,ij->i", along, along))
    axis = np.where(lengths[:, None] > 1e-9, along / np.maximum(lengths, 1e-9)[:, None], _UP)
    side = _cross(axis, references)
    for fallback in ((0.0, 0.0, 1.0), (1.0, 0.0, 0.0)):
        flat = np.sqrt(np.einsum("ij,ij->i", side, side)) < 1e-6
        if flat.any():
            side[flat] = _cross(axis[flat], np.broadcast_to(fallback, axis[flat].shape))
    side /= np.sqrt(np.einsum("ij,ij->i", side, side))[:, None]
    front = _cross(side, axis)
    box_sizes = np.stack([sizes[:, 0], lengths + 2 * overlaps, sizes[:, 1]], axis=1)
    return Boxes((starts + ends) / 2, np.stack([side, axis, front], axis=1), box_sizes,
                 colours, np.zeros(len(starts), bool), leads)


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise cross products of (N, 3) arrays (numpy's ``cross`` costs more than the
    arithmetic on a few rows)."""
    return np.stack([a[:, 1] * b[:, 2] - a[:, 2] * b[:, 1],
                     a[:, 2] * b[:, 0] - a[:, 0] * b[:, 2],
                     a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]], axis=1)


def join_boxes(parts: Sequence[Boxes]) -> Boxes:
    """Boxes one after another, as one."""
    return Boxes(*(np.concatenate([getattr(boxes, name) for boxes in parts])
                   for name in ("centres", "axes", "sizes", "colours", "glow", "lead")))


def _darker(colour: Colour) -> Colour:
    red, green, blue = (int(c * 0.7) for c in colour)
    return red, green, blue
