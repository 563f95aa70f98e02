"""Base framing: where the camera stands for a shot size, an angle, a lens and its subjects."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from previz.core.camera.composition import (
    FRAMINGS,
    PERSON,
    TABLE,
    FigureProportions,
    Landmark,
    Placement,
    distance_from_height,
    eye_offset,
    feet_toward_camera,
    frame_rule,
    framed,
    gaze_side,
    height_at,
    lying,
    lying_span,
    place,
    proportions_of,
)
from previz.core.camera.lens import (
    DEFAULT_SENSOR,
    Gate,
    Sensor,
    sensor_named,
    turned,
    used_gate,
)
from previz.core.camera.pose import CameraPose, yaw_pitch_rotation
from previz.core.subjects import Subject

__all__ = ["PERSON", "FigureProportions"]

# Camera pitch in degrees per angle; positive looks up.
ANGLES = {"eye": 0.0, "high": -15.0, "low": 20.0, "birds_eye": -60.0, "worms_eye": 45.0}
ANGLE_NAMES = {"eye": "eye-level", "birds_eye": "bird's-eye", "worms_eye": "worm's-eye"}
SHOULDER_ROOM = 0.9  # of the half-width: how far out a close-up's shoulder points may reach
# How low a camera may go, in metres above the ground.
GROUND_CLEARANCE = 0.1
OVER_BODY = "birds_eye"  # the angle from which a camera sees a face over the body lying before it


def world_point(x: float, height: float, z: float) -> np.ndarray:
    """The world point ``height`` metres above the ground at (x, z)."""
    return np.array([x, height, z], dtype=float)


def facing_direction(facing_deg: float) -> np.ndarray:
    """Where a subject with this facing looks: 0° toward the camera (-z), positive turning to
    the subject's left (counter-clockwise seen from above, so 90° looks along +x)."""
    angle = math.radians(facing_deg)
    return np.array([math.sin(angle), 0.0, -math.cos(angle)])


@dataclass(frozen=True)
class ShotCamera:
    """What a shot asks of the camera: size, angle, lens, sensor, image size, main subject,
    and for a two-shot or an over-the-shoulder the other subjects (the partner is the one
    named ``over``, else the nearest person); ``turned`` puts the camera on its side, swapping
    the sensor's axes. ``side`` (degrees around the subject, to its right) picks an
    over-the-shoulder's side of the line by its sign (0: the side facing the audience).
    """

    subject: Subject
    shot_size: str = "medium"
    angle: str = "eye"
    focal_mm: float = 35.0
    sensor: str = DEFAULT_SENSOR
    width: int = 1280
    height: int = 720
    framing: str = "single"
    others: tuple[Subject, ...] = ()
    turned: bool = False
    side: float = 0.0
    over: str = ""

    def __post_init__(self) -> None:
        sensor_named(self.sensor)
        if self.shot_size not in TABLE:
            raise ValueError(f"unknown shot size {self.shot_size!r}")
        if self.angle not in ANGLES:
            raise ValueError(f"unknown angle {self.angle!r}")
        if self.framing not in FRAMINGS:
            raise ValueError(f"unknown framing {self.framing!r}: one of {', '.join(FRAMINGS)}")
        if self.focal_mm <= 0 or self.width <= 0 or self.height <= 0:
            raise ValueError("the lens and the image size must be above zero")
        if self.over and not any(s.name == self.over for s in self._others):
            raise ValueError(f"no other subject named {self.over!r} to look over the shoulder"
                             f" of (there are: {', '.join(s.name for s in self._others)})")
        if self.framing != "single" and self.partner is None:
            raise ValueError(f"a {self.framing.replace('_', '-')} needs a second subject")

    @property
    def sensor_spec(self) -> Sensor:
        """The sensor this shot uses: the preset, its axes swapped when the camera is turned."""
        sensor = sensor_named(self.sensor)
        return turned(sensor) if self.turned else sensor

    @property
    def gate(self) -> Gate:
        """The part of the sensor the image's aspect uses."""
        return used_gate(self.sensor_spec, self.width, self.height)

    @property
    def half_height(self) -> float:
        """Tangent of half the vertical angle of view."""
        return self.gate.height_mm / (2 * self.focal_mm)

    @property
    def half_width(self) -> float:
        """Tangent of half the horizontal angle of view."""
        return self.gate.width_mm / (2 * self.focal_mm)

    @property
    def _others(self) -> list[Subject]:
        return [s for s in self.others if s is not self.subject and s != self.subject]

    @property
    def partner(self) -> Subject | None:
        """The other subject named ``over``; else the other person nearest the main subject
        (any other subject if no person)."""
        others = self._others
        if not others:
            return None
        if self.over:
            return next((s for s in others if s.name == self.over), None)
        people = [s for s in others if s.kind == "person"] or others
        return min(people, key=lambda s: math.hypot(s.x - self.subject.x, s.z - self.subject.z))

    @classmethod
    def from_params(cls, params: Mapping[str, Any], subjects: Sequence[Subject]) -> ShotCamera:
        """The camera of a Shot node's resolved params, framing its main subject."""
        main = next((subject for subject in subjects if subject.main), None)
        if main is None:
            raise ValueError("a shot needs a main subject to frame")
        return cls(main, params["shot_size"], params["angle"], float(params["lens"]),
                   params["sensor"], int(params["width"]), int(params["height"]),
                   params.get("framing") or "single",
                   tuple(s for s in subjects if s is not main),
                   bool(params.get("turn_camera", False)), float(params.get("side", 0.0)),
                   str(params.get("over", "")))


@dataclass(frozen=True, eq=False)
class Framing:
    """The base camera of a shot: centre, aim point (on the optical axis, where it crosses the
    framed subject's vertical axis), heading and tilt, distance in front of the subject's eye
    plane and height above the ground. ``note`` says why the picture is not what was asked
    (``clamped``): an angle no camera above the ground can hold, a pair too close for an
    over-the-shoulder."""

    position: np.ndarray
    look_at: np.ndarray
    yaw_deg: float
    pitch_deg: float
    distance: float
    camera_height: float
    focal_mm: float
    note: str = ""

    @property
    def clamped(self) -> bool:
        """Whether the framing gave way somewhere (the note says where)."""
        return bool(self.note)

    def pose(self) -> CameraPose:
        """This framing as a camera pose."""
        rotation = yaw_pitch_rotation(self.yaw_deg, self.pitch_deg).T
        return CameraPose(rotation, self.position, self.focal_mm, self.look_at)


@dataclass(frozen=True)
class Vertical:
    """How a rule was met: the camera's placement, its pitch and what gave way."""

    placement: Placement
    pitch_deg: float
    note: str = ""


def single(shot: ShotCamera) -> Framing:
    """One subject framed by its size's row, pitched by the angle about it, with looking room:
    a subject looking across the screen sits on the third opposite its gaze."""
    subject = framed(shot.subject)
    upper, lower = frame_rule(shot.shot_size, subject, shot.half_height)
    if not lying(subject):
        vertical = solve_vertical(upper, lower, ANGLES[shot.angle], shot.angle)
        if shot.shot_size == "close_up":
            vertical = _with_shoulders(shot, subject, upper, vertical)
        return frame_subject(shot, subject, vertical, -gaze_side(subject) * shot.half_width / 3)
    # Lying: centred on the body from the eyes to where the size cuts it.
    framing = frame_subject(shot, subject, _over_the_ground(shot, upper, lower), 0.0)
    shift = np.array([lying_span(shot.shot_size, shot.subject), 0.0, 0.0])
    return replace(framing, position=framing.position + shift, look_at=framing.look_at + shift)


def _with_shoulders(shot: ShotCamera, subject: Subject, upper: Landmark,
                    vertical: Vertical) -> Vertical:
    """A close-up holds both shoulders: a frame too narrow for them (9:16) steps back, the
    eye line kept on the upper third."""
    fig = proportions_of(subject)
    pitch = math.radians(vertical.pitch_deg)
    reach = fig.shoulder_width / 2 * subject.height / (SHOULDER_ROOM * shot.half_width)
    chest = fig.chest_forward * subject.height  # the shoulders' front, nearer than the axis
    needed = reach / max(math.cos(pitch), 1e-6) - eye_offset(subject) + chest
    if vertical.placement.distance >= needed:
        return vertical
    return replace(vertical, placement=Placement(
        needed, height_at(upper, vertical.pitch_deg, needed)))


def _over_the_ground(shot: ShotCamera, upper: Landmark, lower: Landmark) -> Vertical:
    """The rule for a figure lying on the ground: its eyes or head a hand above it. Where its
    feet point at the camera, the camera looks down at the face over the body from the
    bird's-eye angle (level, it would look into the chest; from a high angle the chest still
    hid the lower half of the face). Where the rule needs the camera under
    the ground, it stands ``GROUND_CLEARANCE`` up at the same distance and pitch, so the size
    holds and the head sits lower in the frame (holding the head's place instead would turn a
    medium shot into a close-up)."""
    pitch = ANGLES[shot.angle]
    note = ""
    if feet_toward_camera(shot.subject) and pitch > ANGLES[OVER_BODY]:
        pitch = ANGLES[OVER_BODY]
        note = (f"{shot.subject.name} lies with the feet toward the camera: it looks down"
                f" {-pitch:g}° at the face over the body")
    placement = place(upper, lower, pitch)
    if placement is None:
        return solve_vertical(upper, lower, pitch, shot.angle)
    if placement.height < GROUND_CLEARANCE:
        placement = Placement(placement.distance, GROUND_CLEARANCE)
        note = note or (f"{shot.subject.name} lies lower than a camera can stand for this"
                        f" size: it stands {GROUND_CLEARANCE} m up and the head sits lower in"
                        " the frame")
    return Vertical(placement, pitch, note)


def solve_vertical(upper: Landmark, lower: Landmark, pitch_deg: float, angle: str) -> Vertical:
    """Both landmarks held at the pitch asked for; where that sinks the camera, the camera on
    GROUND_CLEARANCE at the same pitch holding the upper one; where no camera can hold them at
    that pitch, the nearest pitch toward level that can (the note says which)."""
    placement = place(upper, lower, pitch_deg)
    if placement is not None and placement.height >= GROUND_CLEARANCE:
        return Vertical(placement, pitch_deg)
    if placement is not None:
        distance = distance_from_height(upper, pitch_deg, GROUND_CLEARANCE)
        if distance is not None:
            return Vertical(Placement(distance, GROUND_CLEARANCE), pitch_deg,
                            f"a {_angle_name(angle)} angle needs the camera under the ground"
                            f" to hold this size: it stands {GROUND_CLEARANCE} m up and the"
                            " frame cuts the body higher")
    step = 1.0 if pitch_deg < 0 else -1.0
    pitch = pitch_deg
    while abs(pitch) > 0:
        pitch += step
        placement = place(upper, lower, pitch)
        if placement is not None and placement.height >= GROUND_CLEARANCE:
            break
    else:
        placement = place(upper, lower, 0.0)
    return Vertical(placement, pitch, f"no camera holds this size at a {_angle_name(angle)}"
                    f" angle of {pitch_deg:+g}°: it tilts {pitch:+g}°")


def frame_subject(shot: ShotCamera, subject: Subject, vertical: Vertical,
                  tangent: float) -> Framing:
    """A camera looking along +z at ``vertical``'s placement in front of ``subject``'s eye
    plane, trucked so the subject's head lands at horizontal ``tangent``."""
    distance, height = vertical.placement.distance, vertical.placement.height
    pitch = math.radians(vertical.pitch_deg)
    eye_z = subject.z - eye_offset(subject)
    head_height = PERSON.head_centre * subject.height
    head_depth = (distance + eye_offset(subject)) * math.cos(pitch) + (
        head_height - height) * math.sin(pitch)
    x = subject.x - tangent * head_depth
    position = world_point(x, height, eye_z - distance)
    # Orbits, cranes and dolly-zooms keep the point where the view crosses the body's axis.
    look_at = world_point(x, height + (distance + eye_offset(subject)) * math.tan(pitch),
                          subject.z)
    return Framing(position, look_at, 0.0, vertical.pitch_deg, distance, height, shot.focal_mm,
                   vertical.note)


def _angle_name(angle: str) -> str:
    return ANGLE_NAMES.get(angle, angle)
