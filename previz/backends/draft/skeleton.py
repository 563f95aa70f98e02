"""A person's posed skeleton in the world: the joints the draft's figure and pose render share.

The body's lengths are ``proportions_of(subject)`` (DESIGN §6: the same numbers framing uses),
posed as the blocking says (stand, sit, walk, run, lie, point, phone) and turned to its facing,
the head turned toward ``look``. A walk plants each foot: over one step the stance foot moves
back under the body at exactly the path speed, so it stays still on the ground, and the swing
foot comes through to land one step ahead; the stride's phase is the distance walked, so
stride length x cadence is the path speed by construction.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from previz.core.blocking import NECK_TURN, eased
from previz.core.camera.composition import (
    LYING_BACK,
    LYING_POSES,
    SEATED_POSES,
    FigureProportions,
    proportions_of,
    step_length,
    walking,
)
from previz.core.subjects import Subject

OPENPOSE = ("nose", "neck", "r_shoulder", "r_elbow", "r_wrist", "l_shoulder", "l_elbow",
            "l_wrist", "r_hip", "r_knee", "r_ankle", "l_hip", "l_knee", "l_ankle", "r_eye",
            "l_eye", "r_ear", "l_ear")
EXTRA = ("pelvis", "head", "r_toe", "l_toe", "r_hand", "l_hand", "chest")
JOINTS = OPENPOSE + EXTRA
INDEX = {name: index for index, name in enumerate(JOINTS)}
HEAD_TURN = NECK_TURN  # degrees the head turns at most from the body's facing
LIFT = 0.07  # the swing foot's lift, of the height
FOOT = 0.035  # a shoe's height, of the height; the toe is ``foot_forward`` ahead of the ankle
HEEL = 0.045  # how far the heel is behind the ankle, of the height


@dataclass(frozen=True)
class Skeleton:
    """World positions (len(JOINTS), 3) of one person's joints, and its proportions."""

    joints: np.ndarray
    proportions: FigureProportions
    height: float

    def __getitem__(self, name: str) -> np.ndarray:
        return self.joints[INDEX[name]]

    def keypoints(self) -> np.ndarray:
        """The 18 OpenPose keypoints, in OpenPose's order, world coordinates (18, 3)."""
        return self.joints[: len(OPENPOSE)]


def body_axes(facing: float) -> tuple[np.ndarray, np.ndarray]:
    """The ground directions a subject faces and has on its left, for ``facing`` degrees."""
    forward, left = _axes(facing)
    return np.array(forward), np.array(left)


def _axes(facing: float) -> tuple[list[float], list[float]]:
    """``body_axes`` as plain floats."""
    angle = math.radians(facing)
    return [math.sin(angle), 0.0, -math.cos(angle)], [math.cos(angle), 0.0, math.sin(angle)]


def skeleton(subject: Subject) -> Skeleton:
    """The posed skeleton of a person ``subject``."""
    return skeletons([subject])[0]


def skeletons(subjects: Sequence[Subject]) -> list[Skeleton]:
    """The posed skeletons of several people, found together: a render poses everyone who
    moved, every frame, so the walkers' feet and arms are set and everyone is turned into
    the world in a few array calls for them all, not a few a joint each."""
    if not subjects:
        return []
    figs = [proportions_of(subject) for subject in subjects]
    walkers = [number for number, subject in enumerate(subjects) if walking(subject)]
    if len(walkers) == len(subjects):
        local = _walks(subjects, figs)
    else:
        local = np.empty((len(subjects), len(JOINTS), 3))
        if walkers:
            local[walkers] = _walks([subjects[n] for n in walkers], [figs[n] for n in walkers])
        for number, (subject, fig) in enumerate(zip(subjects, figs, strict=True)):
            if not walking(subject):
                local[number] = _posed(subject, fig)
    for number, subject in enumerate(subjects):
        if subject.pose_from and subject.pose_share < 1.0:
            local[number] = _changing(subject, local[number])
    for number, (subject, fig) in enumerate(zip(subjects, figs, strict=True)):
        joints = local[number]
        turned = _turn_head(joints, subject, fig)
        if turned is not joints:
            local[number] = turned
    axes = [_axes(subject.facing) for subject in subjects]
    forward = np.array([front for front, _ in axes])[:, None, :]
    left = np.array([side for _, side in axes])[:, None, :]
    up = np.array([0.0, 1.0, 0.0])
    base = np.array([[subject.x, 0.0, subject.z] for subject in subjects])[:, None, :]
    heights = np.array([subject.height for subject in subjects])[:, None, None]
    world = base + heights * (local[:, :, :1] * forward + local[:, :, 1:2] * up
                              + local[:, :, 2:3] * left)
    return [Skeleton(joints, fig, subject.height)
            for joints, fig, subject in zip(world, figs, subjects, strict=True)]


def _changing(subject: Subject, joints: np.ndarray) -> np.ndarray:
    """``joints`` (the new pose's) on their way from the pose the subject is leaving: each
    joint eased from where that pose put it, ``pose_share`` of the way, but the knees and
    elbows, which bend between hip and ankle, shoulder and wrist as the limbs' lengths allow
    (eased on their own they would cut the corner: a thigh would shrink by a third halfway
    onto a seat, a forearm by a fifth as a walker stops)."""
    leaving = replace(subject, pose=subject.pose_from, speed=subject.from_speed, pose_from="",
                      pose_share=1.0)
    was = _posed(leaving, proportions_of(leaving))
    between = was + (joints - was) * eased(min(max(subject.pose_share, 0.0), 1.0))
    if subject.pose in LYING_POSES or subject.pose_from in LYING_POSES:
        return between  # the body tips over: the legs' plane is not the body's
    for side in ("l", "r"):
        hip, knee, ankle = (INDEX[f"{side}_{joint}"] for joint in ("hip", "knee", "ankle"))
        thigh = float(np.linalg.norm(joints[knee] - joints[hip]))
        shin = float(np.linalg.norm(joints[ankle] - joints[knee]))
        between[knee] = _knee(between[hip].tolist(), between[ankle].tolist(), thigh, shin)
        shoulder, elbow, wrist = (INDEX[f"{side}_{joint}"]
                                  for joint in ("shoulder", "elbow", "wrist"))
        between[elbow] = _elbow(between[shoulder], between[wrist], between[elbow],
                                float(np.linalg.norm(joints[elbow] - joints[shoulder])),
                                float(np.linalg.norm(joints[wrist] - joints[elbow])))
    return between


def _elbow(shoulder: np.ndarray, wrist: np.ndarray, near: np.ndarray, upper: float,
           fore: float) -> np.ndarray:
    """The elbow between a shoulder and a wrist, ``upper`` and ``fore`` from them, bent the
    way the point ``near`` is (an arm bends back hanging, forward to a phone)."""
    reach = wrist - shoulder
    distance = float(np.linalg.norm(reach))
    if distance < 1e-9:
        return near
    along_unit = reach / distance
    if distance >= upper + fore - 1e-9:
        return shoulder + along_unit * upper
    along = (upper**2 - fore**2 + distance**2) / (2 * distance)
    across = math.sqrt(max(upper**2 - along**2, 0.0))
    side = (near - shoulder) - along_unit * float(np.dot(near - shoulder, along_unit))
    size = float(np.linalg.norm(side))
    if size < 1e-9:
        return near
    return shoulder + along_unit * along + side / size * across


def _standing(fig: FigureProportions) -> np.ndarray:
    """The standing skeleton, (forward, up, left) as fractions of the height: a fresh copy
    to pose."""
    return _stood(fig).copy()


@lru_cache(maxsize=64)
def _stood(fig: FigureProportions) -> np.ndarray:
    joints = np.zeros((len(JOINTS), 3))
    sw, hw = fig.shoulder_width / 2, fig.hip_width / 2
    head = fig.head_centre
    r = fig.head_radius
    put = {
        "nose": (r * 1.02, fig.eyes - 0.28 * r, 0.0),
        "neck": (0.0, fig.shoulders, 0.0),
        "pelvis": (0.0, fig.hips, 0.0),
        "chest": (0.0, (fig.shoulders + fig.hips) / 2 + 0.06, 0.0),
        "head": (0.0, head, 0.0),
    }
    for side, sign in (("l", 1.0), ("r", -1.0)):
        put[f"{side}_shoulder"] = (0.0, fig.shoulders, sign * sw)
        put[f"{side}_elbow"] = (-0.01, fig.shoulders - fig.upper_arm, sign * (sw + 0.012))
        put[f"{side}_wrist"] = (0.01, fig.shoulders - fig.upper_arm - fig.forearm,
                                sign * (sw + 0.018))
        put[f"{side}_hand"] = (0.015, fig.shoulders - fig.upper_arm - fig.forearm - 0.07,
                               sign * (sw + 0.018))
        put[f"{side}_hip"] = (0.0, fig.hips, sign * hw)
        put[f"{side}_knee"] = (0.0, fig.knees, sign * hw)
        put[f"{side}_ankle"] = (0.0, fig.ankles, sign * hw)
        put[f"{side}_toe"] = (fig.foot_forward, FOOT / 2, sign * hw)
        put[f"{side}_eye"] = (math.sqrt(max(r * r - (0.45 * r) ** 2, 0)) * 0.98,
                              fig.eyes, sign * 0.45 * r)
        put[f"{side}_ear"] = (0.0, fig.eyes - 0.1 * r, sign * r)
    for name, value in put.items():
        joints[INDEX[name]] = value
    joints.flags.writeable = False
    return joints


def _posed(subject: Subject, fig: FigureProportions) -> np.ndarray:
    if walking(subject):  # as proportions_of has it: ``fig`` is then the walking figure
        return _walks([subject], [fig])[0]
    joints = _standing(fig)
    pose = subject.pose
    if pose in SEATED_POSES:
        _sit(joints, fig)
    elif pose == "point":
        _reach(joints, "r", (1.0, 0.08, -0.25), fig)
    elif pose == "phone":
        _phone(joints, fig)
    elif pose in LYING_POSES:
        joints = _lie(joints, fig)
    return joints


_FEET = (("l", "r"), ("r", "l"))  # each foot, and the arm that swings with it
_SET = tuple(f"{side}_{joint}" for side, arm in _FEET
             for joint in ("ankle", "toe", "knee")) + tuple(
    f"{arm}_{joint}" for _, arm in _FEET for joint in ("elbow", "wrist", "hand"))


def _walks(subjects: Sequence[Subject], figs: Sequence[FigureProportions]) -> np.ndarray:
    """Walkers' local skeletons (P, joints, 3): feet planted in turn, one step apart; arms
    swing against the legs. The pelvis is already as low as the legs need (``figs`` are the
    walking figures: ``walk_drop``). Each walker's joints are worked out in plain floats and
    set for all of them at once."""
    rows: list[list[tuple[float, float, float]]] = [[] for _ in _SET]
    for subject, fig in zip(subjects, figs, strict=True):
        stood = _stood_rows(fig)
        step = step_length(subject) / subject.height
        phase = (subject.walked / (2 * step * subject.height)) % 1.0
        run = subject.pose == "run"
        found = []
        arms = []
        for (side, arm), shift in zip(_FEET, (0.0, 0.5), strict=True):
            p = (phase + shift) % 1.0
            if p < 0.5:  # stance: from a step ahead to a step behind, planted on the ground
                offset, lift = step / 2 - step * (p / 0.5), 0.0
            else:  # swing: forward through the air
                q = (p - 0.5) / 0.5
                offset = -step / 2 + step * (1 - math.cos(math.pi * q)) / 2
                lift = LIFT * math.sin(math.pi * q)
            hip = stood[INDEX[f"{side}_hip"]]
            ankle = (offset, fig.ankles + lift, hip[2])
            found += [ankle, (offset + fig.foot_forward, ankle[1] + (FOOT / 2 - fig.ankles),
                              hip[2]),
                      _knee(hip, ankle, fig.hips + fig.drop - fig.knees, fig.knees - fig.ankles)]
            swing = -offset / (step / 2) * (0.6 if run else 0.35)  # radians, against the leg
            arms += _arm(stood[INDEX[f"{arm}_shoulder"]], -swing, fig,
                         bend=1.3 if run else 0.25)
        for column, row in zip(rows, found + arms, strict=True):
            column.append(row)
    joints = np.stack([_stood(fig) for fig in figs])
    for name, column in zip(_SET, rows, strict=True):
        joints[:, INDEX[name]] = column
    return joints


@lru_cache(maxsize=64)
def _stood_rows(fig: FigureProportions) -> tuple[tuple[float, ...], ...]:
    """``_stood`` as plain floats (a walk reads its hips and shoulders every frame)."""
    return tuple(map(tuple, _stood(fig).tolist()))


def _knee(hip: Sequence[float], ankle: Sequence[float], thigh: float,
          shin: float) -> tuple[float, float, float]:
    """The knee between a hip and an ankle, bent forward (two-bone reach in the leg's plane).
    (Plain floats: a walk finds four knees a frame for each walker.)"""
    dx, dy, dz = ankle[0] - hip[0], ankle[1] - hip[1], ankle[2] - hip[2]
    distance = math.sqrt(dx * dx + dy * dy)
    if distance >= thigh + shin - 1e-9:
        total = thigh + shin
        return (hip[0] + dx * thigh / total, hip[1] + dy * thigh / total,
                hip[2] + dz * thigh / total)
    along = (thigh**2 - shin**2 + distance**2) / (2 * distance)
    across = math.sqrt(max(thigh**2 - along**2, 0.0))
    ux, uy = dx / distance, dy / distance
    nx, ny = -uy, ux
    if nx < 0:  # the knee points forward
        nx, ny = -nx, -ny
    return (hip[0] + ux * along + nx * across, hip[1] + uy * along + ny * across,
            (hip[2] + ankle[2]) / 2)


def _swing_arm(joints: np.ndarray, side: str, angle: float, fig: FigureProportions,
               bend: float) -> None:
    """An arm hanging from its shoulder turned ``angle`` radians forward, the elbow bent."""
    elbow, wrist, hand = _arm(joints[INDEX[f"{side}_shoulder"]].tolist(), angle, fig, bend)
    joints[INDEX[f"{side}_elbow"]] = elbow
    joints[INDEX[f"{side}_wrist"]] = wrist
    joints[INDEX[f"{side}_hand"]] = hand


def _arm(shoulder: Sequence[float], angle: float, fig: FigureProportions,
         bend: float) -> list[tuple[float, float, float]]:
    """The elbow, wrist and hand of an arm hanging from ``shoulder`` turned ``angle``
    radians forward, the elbow bent ``bend`` more (plain floats)."""
    x, y, z = shoulder
    elbow_x = x + math.sin(angle) * fig.upper_arm
    elbow_y = y - math.cos(angle) * fig.upper_arm
    fore = angle + bend
    down_x, down_y = math.sin(fore), -math.cos(fore)
    wrist_x, wrist_y = elbow_x + down_x * fig.forearm, elbow_y + down_y * fig.forearm
    outward = math.copysign(1.0, z) if z else 0.0
    lateral = z + outward * 0.012
    return [(elbow_x, elbow_y, lateral), (wrist_x, wrist_y, lateral + outward * 0.006),
            (wrist_x + down_x * 0.07, wrist_y + down_y * 0.07, lateral + outward * 0.006)]


def _sit(joints: np.ndarray, fig: FigureProportions) -> None:
    """On a seat at knee height: thighs forward, shins down, hands on the thighs. ``fig`` is
    already seated: its hips are at the seat, its upper body lowered by ``drop``."""
    thigh = fig.hips + fig.drop - fig.knees  # the standing thigh's length
    for side in ("l", "r"):
        hip = joints[INDEX[f"{side}_hip"]]
        knee = np.array([thigh, fig.hips, hip[2]])
        joints[INDEX[f"{side}_knee"]] = knee
        joints[INDEX[f"{side}_ankle"]] = (thigh, fig.ankles, hip[2])
        joints[INDEX[f"{side}_toe"]] = (thigh + fig.foot_forward, FOOT / 2, hip[2])
        _swing_arm(joints, side, 0.15, fig, bend=1.25)


def _reach(joints: np.ndarray, side: str, direction: tuple[float, float, float],
           fig: FigureProportions) -> None:
    """An arm held straight out along ``direction`` (forward, up, left) from its shoulder."""
    shoulder = joints[INDEX[f"{side}_shoulder"]]
    unit = np.array(direction) / np.linalg.norm(direction)
    joints[INDEX[f"{side}_elbow"]] = shoulder + unit * fig.upper_arm
    joints[INDEX[f"{side}_wrist"]] = shoulder + unit * (fig.upper_arm + fig.forearm)
    joints[INDEX[f"{side}_hand"]] = shoulder + unit * (fig.upper_arm + fig.forearm + 0.07)


def _phone(joints: np.ndarray, fig: FigureProportions) -> None:
    """The right hand at the right ear."""
    shoulder = joints[INDEX["r_shoulder"]]
    ear = joints[INDEX["r_ear"]]
    joints[INDEX["r_elbow"]] = shoulder + np.array([0.07, -0.13, -0.03])
    joints[INDEX["r_wrist"]] = ear + np.array([0.02, -0.03, -0.02])
    joints[INDEX["r_hand"]] = ear + np.array([0.03, 0.02, -0.015])


def _lie(joints: np.ndarray, fig: FigureProportions) -> np.ndarray:
    """On the back along the ground, head toward the back: up becomes backward, forward up
    (framing finds the eyes there: ``composition.toward_feet``)."""
    lying = joints.copy()
    lying[:, 0] = -(joints[:, 1] - fig.hips)
    lying[:, 1] = LYING_BACK + joints[:, 0]
    return lying


def _turn_head(local: np.ndarray, subject: Subject, fig: FigureProportions) -> np.ndarray:
    """The head's points turned about the neck toward ``look``, at most ``HEAD_TURN``."""
    if subject.look is None or subject.pose in LYING_POSES:
        return local
    turn = math.remainder(subject.look - subject.facing, 360.0)
    turn = math.radians(max(-HEAD_TURN, min(HEAD_TURN, turn)))
    if abs(turn) < 1e-9:
        return local
    c, s = math.cos(turn), math.sin(turn)
    centre = local[INDEX["neck"]]
    turned = local.copy()
    for name in ("nose", "r_eye", "l_eye", "r_ear", "l_ear", "head"):
        f, u, l_ = local[INDEX[name]] - centre
        turned[INDEX[name]] = centre + np.array([f * c - l_ * s, u, f * s + l_ * c])
    return turned
