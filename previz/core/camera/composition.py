"""Composition: DESIGN §6's table of where each shot size cuts the body and places the frame.

Every rule is two picture constraints, each a landmark of the figure (a height on it, and how
far behind the plane through its eyes it lies) held at a tangent of the frame (positive up from
the optical axis, the frame's top edge at ``+half``). A camera pitched by θ and standing ``d``
in front of the eye plane at height ``h`` sees a landmark at height y, ``e`` behind that plane,
at tangent t when y - h = (d + e)·tan(θ + atan t): two such lines fix d and h.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

from previz.core.blocking import WALK_SPEED
from previz.core.subjects import Subject

SHOT_SIZES = ("extreme_close_up", "close_up", "medium_close_up", "medium", "medium_wide",
              "full", "wide", "extreme_wide")
FRAMINGS = ("single", "two_shot", "over_the_shoulder")
SIDE_ROOM = 0.10  # of the frame width, either side of a two-shot's pair
FOOT_ROOM = 0.05  # of the frame height, under the feet of a full shot


@dataclass(frozen=True)
class FigureProportions:
    """A person 7.5 heads tall, as fractions of the height H (standing, the head's top is at
    H), posed: each landmark's height above the ground in the pose (a seated or walking
    figure's eyes, shoulders and hips are ``drop`` lower, its head's top at ``top``).

    ``eye_forward``, ``chest_forward`` and ``foot_forward`` are how far the eyes, the chest
    and the toes sit in front of the body's vertical axis, ``half_width`` how far the arms
    reach either side of it. The limbs' lengths (``upper_arm``, ``forearm``, ``hip_width``
    between the hip joints, ``ankles`` above the ground) are what the draft's articulated
    figure and its pose keypoints are built from, so framing and drawing share one body."""

    head: float = 0.133
    eyes: float = 0.935
    shoulders: float = 0.82
    hips: float = 0.5
    knees: float = 0.28
    shoulder_width: float = 0.26
    eye_forward: float = 0.058
    half_width: float = 0.19
    chest_forward: float = 0.07
    foot_forward: float = 0.05
    upper_arm: float = 0.186
    forearm: float = 0.146
    hip_width: float = 0.18
    ankles: float = 0.04
    girth: float = 1.0  # the build: how much wider and deeper the torso is than average
    drop: float = 0.0  # how much lower than standing the upper body is (seated, walking)

    @property
    def top(self) -> float:
        """Height of the head's top."""
        return 1.0 - self.drop

    @property
    def head_radius(self) -> float:
        """The head as a ball: its radius."""
        return self.head / 2

    @property
    def head_centre(self) -> float:
        """Height of the head ball's centre."""
        return self.top - self.head / 2

    def level(self, standing: float) -> float:
        """Where a height on the standing body (a fraction of H, as the composition table
        gives them) is in this pose: above the standing hips ``drop`` lower, between the
        knees and the hips squeezed (onto the lap, or into the legs' stride)."""
        if self.drop <= 0.0 or standing <= self.knees:
            return standing
        hips = self.hips + self.drop
        share = min((standing - self.knees) / max(hips - self.knees, 1e-9), 1.0)
        return standing - self.drop * share


PERSON = FigureProportions()
CHILD = FigureProportions(head=0.2, eyes=0.9, shoulders=0.77, hips=0.48, knees=0.26,
                          shoulder_width=0.25, eye_forward=0.085, half_width=0.18,
                          chest_forward=0.075, foot_forward=0.055, upper_arm=0.17,
                          forearm=0.13, hip_width=0.17, ankles=0.04)
BUILDS = {"slight": 0.88, "average": 1.0, "broad": 1.18}
SEATED_POSES = ("sit",)
WALKING_POSES = ("walk", "run")
LYING_POSES = ("lie",)
LYING_BACK = 0.07  # of the height: how high a figure lying on its back has its spine
STEP = 0.41  # a walk's step, of the height, at an unhurried walk (``WALK_SPEED``)


@dataclass(frozen=True)
class SizeRule:
    """One row of the table: where the frame's bottom edge cuts the body (a fraction of H),
    and the vertical rule: the eye line on the upper third, or this much headroom."""

    bottom: float | None
    headroom: float | None = None
    visible: float | None = None  # wide sizes: metres of frame height at the subject


TABLE: dict[str, SizeRule] = {
    "extreme_close_up": SizeRule(0.875),
    "close_up": SizeRule(0.78),
    "medium_close_up": SizeRule(0.72),
    "medium": SizeRule(0.60, headroom=0.12),
    "medium_wide": SizeRule(0.38, headroom=0.08),
    "full": SizeRule(None, headroom=0.08),
    "wide": SizeRule(None, visible=5.0),
    "extreme_wide": SizeRule(None, visible=15.0),
}


@dataclass(frozen=True)
class Landmark:
    """A point of a figure held at a place in the picture: its height in metres, how far
    behind the eye plane it lies, the ball radius whose outline it is (0 for a point), and the
    tangent of the frame it must land on."""

    height: float
    behind: float
    radius: float
    tangent: float


@dataclass(frozen=True)
class Placement:
    """A camera for a rule: ``distance`` in front of the eye plane, ``height`` above ground."""

    distance: float
    height: float


def proportions_of(subject: Subject) -> FigureProportions:
    """The landmarks' fractions for a subject in its figure (adult, child), build and pose
    (seated: the upper body lowered onto a seat at knee height). Props and vehicles use a
    standing adult's, of their own height: their top is the top."""
    if subject.kind != "person":
        return PERSON
    step = step_length(subject) / subject.height if walking(subject) else 0.0
    return _proportions(subject.figure, subject.build, subject.pose, step)


@lru_cache(maxsize=256)
def _proportions(figure: str, build: str, pose: str, step: float) -> FigureProportions:
    """``proportions_of`` a person, found once for each figure, build, pose and step (a
    fraction of the height; 0 for anyone not walking): every frame of a walk asks again."""
    base = CHILD if figure == "child" else PERSON
    girth = BUILDS.get(build, 1.0)
    if girth != 1.0:
        base = replace(base, shoulder_width=base.shoulder_width * girth,
                       half_width=base.half_width * girth,
                       chest_forward=base.chest_forward * girth,
                       hip_width=base.hip_width * girth, girth=girth)
    if pose in SEATED_POSES:
        drop = base.hips - base.knees  # the hips come down onto a seat at knee height
    elif step > 0:
        drop = walk_drop(base, step)
    else:
        return base
    return replace(base, eyes=base.eyes - drop, shoulders=base.shoulders - drop,
                   hips=base.hips - drop, drop=drop)


def walking(subject: Subject) -> bool:
    """Whether a subject walks or runs (a pose of either with no speed stands)."""
    return subject.pose in WALKING_POSES and subject.speed > 0


def step_length(subject: Subject) -> float:
    """One step of a walk or run (heel to heel of the two feet) in metres at the subject's
    speed: longer strides when faster."""
    scale = math.sqrt(max(subject.speed, 0.2) / WALK_SPEED)
    return min(max(STEP * scale, 0.15), 0.75) * subject.height


def walk_drop(base: FigureProportions, step: float) -> float:
    """How much lower (a fraction of H) a walk carries the upper body than standing: the
    pelvis comes down until straight legs a step apart reach the ground (a little more, so
    the knees never lock). Framing holds the eyes where the walking figure has them.
    ``step``: one step of the walk, a fraction of the height (``step_length``)."""
    leg = base.hips - base.ankles
    pelvis = base.ankles + math.sqrt(max(leg**2 - (step / 2) ** 2, 0.0)) * 0.995
    return base.hips - pelvis


def frame_rule(size: str, subject: Subject, half: float) -> tuple[Landmark, Landmark]:
    """The two landmarks of ``subject`` that a ``size`` frame holds, upper then lower, for a
    frame whose top edge is at tangent ``half`` (its bottom at ``-half``)."""
    rule, fig, height = TABLE[size], proportions_of(subject), subject.height
    axis = eye_offset(subject)  # the body's axis lies this far behind the eye plane
    if rule.visible is not None:  # feet on the lower third, the frame ``visible`` metres tall
        return (Landmark(2 * rule.visible / 3, axis, 0.0, half),
                Landmark(0.0, axis, 0.0, -half / 3))
    if lying(subject):
        return _lying_rule(size, subject, half)
    if rule.headroom is None:
        return (Landmark(fig.eyes * height, 0.0, 0.0, half / 3),
                Landmark(fig.level(rule.bottom) * height, 0.0, 0.0, -half))
    top = Landmark(fig.head_centre * height, axis, fig.head_radius * height,
                   half * (1 - 2 * rule.headroom))
    if rule.bottom is None:  # the toes, the nearest and so the lowest part of the feet
        toes = axis - fig.foot_forward * height * math.cos(math.radians(subject.facing))
        return top, Landmark(0.0, toes, 0.0, -half * (1 - 2 * FOOT_ROOM))
    return top, Landmark(fig.level(rule.bottom) * height, 0.0, 0.0, -half)


def lying(subject: Subject) -> bool:
    """Whether a subject is a person lying on the ground."""
    return subject.kind == "person" and subject.pose in LYING_POSES


def toward_feet(subject: Subject, standing: float) -> tuple[float, float]:
    """Where a figure lying on its back has what stood at ``standing`` (a fraction of H, as
    the composition table gives heights): how far (x, z) from its eyes, along the way it
    faces. Lying turns up into backward, so that part lies (eyes - standing)·H toward the feet."""
    reach = (proportions_of(subject).eyes - standing) * subject.height
    angle = math.radians(subject.facing)
    return reach * math.sin(angle), -reach * math.cos(angle)


def feet_toward_camera(subject: Subject) -> bool:
    """Whether a lying figure's body lies between a camera looking along +z and its face
    (turned less than 60° from facing the camera): at eye level the camera would look into
    its chest, so it has to look down at the face over it."""
    return lying(subject) and math.cos(math.radians(subject.facing)) > 0.5


def eye_height(subject: Subject) -> float:
    """How high the subject's eyes are above the ground in its pose, in metres."""
    fig = proportions_of(subject)
    if lying(subject):  # what faced forward standing faces up, the spine LYING_BACK up
        return (LYING_BACK + fig.eye_forward) * subject.height
    return fig.eyes * subject.height


def framed(subject: Subject) -> Subject:
    """The subject as framing places it: where its eyes are over the ground. A standing,
    seated or walking figure's eyes are over its mark; a lying figure's head is most of a
    metre from it, so it is framed there (its face, looking up, faces no side)."""
    if not lying(subject):
        return subject
    hips_x, hips_z = toward_feet(subject, proportions_of(subject).hips)  # the mark
    return replace(subject, x=subject.x - hips_x, z=subject.z - hips_z)


def lying_span(size: str, subject: Subject) -> float:
    """How far across the picture (metres along x, for a camera looking along +z) the middle
    of a lying figure's body from its eyes to where ``size`` cuts it (the feet, for a full
    shot) is from its eyes: the frame centres that stretch, as it would centre the standing
    figure's. Nothing for the wide sizes, framed on the ground around the subject."""
    rule = TABLE[size]
    if rule.visible is not None:
        return 0.0
    return toward_feet(subject, rule.bottom if rule.bottom is not None else 0.0)[0] / 2


def _lying_rule(size: str, subject: Subject, half: float) -> tuple[Landmark, Landmark]:
    """A figure lying on its back framed at ``size``: as near as the size frames it standing
    (a close-up shows as much of the face either way), the frame placed by the size's
    vertical rule on the lying figure's own eyes or head, which are a hand above the ground.
    ``subject`` is placed where its eyes are (``framed``)."""
    rule, fig, height = TABLE[size], proportions_of(subject), subject.height
    upright = frame_rule(size, replace(subject, pose="stand"), half)
    if rule.headroom is None:
        upper = Landmark(eye_height(subject), 0.0, 0.0, upright[0].tangent)
    else:  # the head ball lies toward the feet from the eyes, by the eyes' height over it
        upper = Landmark(LYING_BACK * height, toward_feet(subject, fig.head_centre)[1],
                         fig.head_radius * height, upright[0].tangent)
    lower = upright[1]
    if feet_toward_camera(subject) and rule.bottom is not None:
        # Seen from above over the body: the frame's bottom on the body where the size cuts it,
        # that far from the eyes toward the feet, at the chest's height.
        return upper, Landmark((LYING_BACK + fig.chest_forward) * height,
                               toward_feet(subject, rule.bottom)[1], 0.0, lower.tangent)
    drop = upper.height - upright[0].height
    return upper, Landmark(lower.height + drop, 0.0, 0.0, lower.tangent)


def eye_offset(subject: Subject) -> float:
    """How far the body's axis lies behind the plane through the eyes, for a camera looking
    along +z (negative when the subject turns its back); none for a lying figure, framed at
    its eyes."""
    if lying(subject):
        return 0.0
    fig = proportions_of(subject)
    return fig.eye_forward * subject.height * math.cos(math.radians(subject.facing))


def eye_third(subject: Subject, half: float) -> Landmark:
    """The subject's eye line on the upper third."""
    return Landmark(eye_height(subject), 0.0, 0.0, half / 3)


def place(upper: Landmark, lower: Landmark, pitch_deg: float) -> Placement | None:
    """The camera that holds both landmarks at a pitch, or ``None`` when no camera can (a
    ray would point past the vertical)."""
    a_up, a_low = (math.radians(pitch_deg) + math.atan(mark.tangent) for mark in (upper, lower))
    if not (-math.pi / 2 < a_low < a_up < math.pi / 2):
        return None
    t_up, t_low = math.tan(a_up), math.tan(a_low)
    y_up = _apparent(upper, a_up)
    y_low = _apparent(lower, a_low)
    distance = (y_up - y_low - upper.behind * t_up + lower.behind * t_low) / (t_up - t_low)
    if distance <= 0:
        return None
    return Placement(distance, y_up - (distance + upper.behind) * t_up)


def distance_from_height(mark: Landmark, pitch_deg: float, camera_height: float) -> float | None:
    """How far in front of the eye plane a camera at ``camera_height`` must stand to hold one
    landmark at a pitch (``None`` when its ray never reaches it)."""
    angle = math.radians(pitch_deg) + math.atan(mark.tangent)
    if not -math.pi / 2 < angle < math.pi / 2 or abs(math.tan(angle)) < 1e-9:
        return None
    distance = (_apparent(mark, angle) - camera_height) / math.tan(angle) - mark.behind
    return distance if distance > 0 else None


def height_at(mark: Landmark, pitch_deg: float, distance: float) -> float:
    """The camera height that holds one landmark from ``distance`` in front of the eye plane."""
    angle = math.radians(pitch_deg) + math.atan(mark.tangent)
    return _apparent(mark, angle) - (distance + mark.behind) * math.tan(angle)


def pitch_holding(mark: Landmark, distance: float, camera_height: float) -> float:
    """The pitch (degrees) at which a camera at ``camera_height``, ``distance`` in front of
    the eye plane, holds one landmark where it must be."""
    angle = 0.0
    for _ in range(8):  # a ball's grazing height depends a little on the ray's angle
        angle = math.atan2(_apparent(mark, angle) - camera_height, distance + mark.behind)
    return math.degrees(angle - math.atan(mark.tangent))


def _apparent(mark: Landmark, angle: float) -> float:
    """The height at which a ray of this angle grazes the landmark: a ball's top is met by the
    ray r/cos(angle) above its centre."""
    return mark.height + mark.radius / math.cos(angle)


def gaze_side(subject: Subject) -> int:
    """Which way the subject looks across the screen: +1 right, -1 left, 0 toward or away
    from the camera (within 30°), which a frame centres."""
    facing = (subject.facing + 180.0) % 360.0 - 180.0
    if abs(facing) <= 30.0 or abs(facing) >= 150.0:
        return 0
    return 1 if facing > 0 else -1
