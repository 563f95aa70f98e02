"""Coverage of two people: the two-shot and the over-the-shoulder (DESIGN §6), and the one
entry that frames any shot."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from previz.core.camera.composition import (
    PERSON,
    SIDE_ROOM,
    TABLE,
    Landmark,
    Placement,
    eye_height,
    eye_offset,
    eye_third,
    frame_rule,
    framed,
    height_at,
    lying,
    pitch_holding,
    proportions_of,
)
from previz.core.camera.framing import (
    ANGLES,
    GROUND_CLEARANCE,
    Framing,
    ShotCamera,
    Vertical,
    frame_subject,
    single,
    solve_vertical,
    world_point,
)
from previz.core.subjects import Subject

MAX_DOUBLINGS = 40  # how far a two-shot may step back for its pair: 2⁴⁰ times the size's
BEHIND_SHOULDER = 0.5  # metres behind A an over-the-shoulder keeps when the pair is too close
OVER_SHOULDER = 0.08  # metres over A's shoulder line an over-the-shoulder camera looks from


def base_framing(shot: ShotCamera) -> Framing:
    """The base camera of a shot: its framing's rule, pitched by its angle."""
    if shot.framing == "two_shot":
        return two_shot(shot)
    if shot.framing == "over_the_shoulder":
        return over_the_shoulder(shot)
    return single(shot)


def two_shot(shot: ShotCamera) -> Framing:
    """The higher eye line on the upper third, the frame's bottom where the size cuts that
    figure, the pair's midpoint centred, and the camera far enough back that both fit with
    SIDE_ROOM of the frame width either side."""
    pair = (framed(shot.subject), framed(shot.partner))
    higher = max(pair, key=eye_height)
    upper, lower = frame_rule(shot.shot_size, higher, shot.half_height)
    if TABLE[shot.shot_size].visible is None:
        upper = eye_third(higher, shot.half_height)
    vertical = solve_vertical(upper, lower, ANGLES[shot.angle], shot.angle)
    distance = vertical.placement.distance
    if not _pair_fits(shot, pair, higher, vertical, distance):
        distance = _step_back(lambda d: _pair_fits(shot, pair, higher, vertical, d), distance)
        vertical = replace(vertical, placement=Placement(
            distance, height_at(upper, vertical.pitch_deg, distance)))
    framing = frame_subject(shot, higher, vertical, 0.0)
    centre = _centring_x(pair, higher, vertical)
    shift = np.array([centre - framing.position[0], 0.0, 0.0])
    return replace(framing, position=framing.position + shift, look_at=framing.look_at + shift)


def _step_back(fits: Callable[[float], bool], distance: float) -> float:
    """The least distance beyond ``distance`` that ``fits`` (doubling, then halving the gap)."""
    low, high = distance, 2 * distance
    for _ in range(MAX_DOUBLINGS):
        if fits(high):
            break
        low, high = high, 2 * high
    else:
        raise ValueError("no camera distance fits both subjects in the frame")
    for _ in range(40):
        middle = (low + high) / 2
        low, high = (low, middle) if fits(middle) else (middle, high)
    return high


def _depths(pair: tuple[Subject, ...], higher: Subject, vertical: Vertical,
            distance: float, height: float) -> list[float]:
    """Each figure's head depth along the view of a camera ``distance`` in front of the higher
    figure's eye plane."""
    pitch = math.radians(vertical.pitch_deg)
    camera_z = higher.z - eye_offset(higher) - distance
    return [(s.z - camera_z) * math.cos(pitch)
            + (PERSON.head_centre * s.height - height) * math.sin(pitch) for s in pair]


def _centring_x(pair: tuple[Subject, ...], higher: Subject, vertical: Vertical) -> float:
    """The camera's x that puts the mean of the pair's heads on the frame's centre."""
    placement = vertical.placement
    depths = _depths(pair, higher, vertical, placement.distance, placement.height)
    weights = [1 / depth for depth in depths]
    return sum(s.x * w for s, w in zip(pair, weights, strict=True)) / sum(weights)


def _pair_fits(shot: ShotCamera, pair: tuple[Subject, ...], higher: Subject,
               vertical: Vertical, distance: float) -> bool:
    """Whether both figures fit inside the frame, less the side room, from ``distance``."""
    upper = eye_third(higher, shot.half_height)
    height = height_at(upper, vertical.pitch_deg, distance)
    depths = _depths(pair, higher, vertical, distance, height)
    if min(depth - proportions_of(s).chest_forward * s.height
           for s, depth in zip(pair, depths, strict=True)) <= 0:
        return False
    weights = [1 / depth for depth in depths]
    centre = sum(s.x * w for s, w in zip(pair, weights, strict=True)) / sum(weights)
    limit = (1 - 2 * SIDE_ROOM) * shot.half_width
    # Each figure's outer edge at its front (its arms' and chest's), the nearest part of it.
    return all((abs(s.x - centre) + proportions_of(s).half_width * s.height)
               / (depth - proportions_of(s).chest_forward * s.height) <= limit
               for s, depth in zip(pair, depths, strict=True))


def over_the_shoulder(shot: ShotCamera) -> Framing:
    """A onto B: B (the main subject) framed at the shot's size on the far third, the camera
    behind A's shoulder on the side of the line the shot's ``side`` picks (positive: B's right,
    over A's left shoulder; negative: B's left, over A's right; 0: the side facing the
    audience, -z), A's head in the middle of the near third where the geometry allows."""
    b, a = framed(shot.subject), framed(shot.partner)
    yaw = math.degrees(math.atan2(b.x - a.x, b.z - a.z))
    for _ in range(4):  # B's eye plane depends on how B faces the camera, and so its heading
        spot = _ots_spot(shot, a, b, yaw)
        yaw = _heading_onto(shot, spot.centre, a, b)
    return _ots_camera(shot, _ots_spot(shot, a, b, yaw), yaw)


@dataclass(frozen=True)
class _Spot:
    """Where an over-the-shoulder camera stands on the floor, and B's rule from there."""

    centre: np.ndarray
    upper: Landmark
    vertical: Vertical
    distance: float
    note: str


def _turned_subject(subject: Subject, yaw_deg: float) -> Subject:
    """The subject in the axes of a camera heading ``yaw_deg`` (that camera looks along +z)."""
    yaw = math.radians(yaw_deg)
    x = subject.x * math.cos(yaw) - subject.z * math.sin(yaw)
    z = subject.x * math.sin(yaw) + subject.z * math.cos(yaw)
    return replace(subject, x=x, z=z, facing=subject.facing + yaw_deg)


def _ots_spot(shot: ShotCamera, a: Subject, b: Subject, yaw: float) -> _Spot:
    """The camera's floor position from the triangle camera-A-B: B at the shot's distance,
    A and B as far apart in the picture as the middle of one third from the other third."""
    local_b = _turned_subject(b, yaw)
    upper, lower = frame_rule(shot.shot_size, local_b, shot.half_height)
    vertical = solve_vertical(upper, lower, ANGLES[shot.angle], shot.angle)
    far, near = shot.half_width / 3, 2 * shot.half_width / 3
    b_axis, a_axis = np.array([b.x, b.z]), np.array([a.x, a.z])
    length = float(np.linalg.norm(a_axis - b_axis))
    distance = vertical.placement.distance
    reach = (distance + eye_offset(local_b)) * math.hypot(1.0, far)
    note = vertical.note
    if reach < length + BEHIND_SHOULDER:
        reach = length + BEHIND_SHOULDER
        distance = reach / math.hypot(1.0, far) - eye_offset(local_b)
        note = (f"{a.name} and {b.name} stand too close for this size over {a.name}'s"
                f" shoulder: the camera keeps {BEHIND_SHOULDER} m behind {a.name}")
        vertical = replace(vertical, placement=Placement(
            distance, height_at(upper, vertical.pitch_deg, distance)))
    if vertical.placement.height < GROUND_CLEARANCE:  # B low (lying) and the camera held back
        vertical = replace(vertical, placement=Placement(distance, GROUND_CLEARANCE))
        note = note or (f"{b.name} is lower than a camera can stand for this size: it stands"
                        f" {GROUND_CLEARANCE} m up")
    shoulder = proportions_of(a).shoulders * a.height + OVER_SHOULDER
    if not lying(a) and vertical.pitch_deg <= 0 and vertical.placement.height < shoulder:
        # Level with A's shoulder the camera would look along its top into A's back: it
        # rises over it and tilts down to hold B's eyes where the size puts them.
        pitch = pitch_holding(upper, distance, shoulder)
        vertical = Vertical(Placement(distance, shoulder), pitch, vertical.note)
        note = "; ".join(filter(None, (
            note, f"{a.name}'s shoulder stands higher than the camera {b.name}'s eye line asks"
                  f" for: it rises over it and looks down {-pitch:.1f}°")))
    spread = math.atan(far) + math.atan(near)
    sine = reach * math.sin(spread) / length
    at_b = math.pi - spread - (math.pi - math.asin(sine)) if sine <= 1 else (
        math.pi / 2 - math.asin(length / reach))
    turn = _line_side(shot.side, a_axis, b_axis) * at_b
    d = (a_axis - b_axis) / length
    rotated = np.array([d[0] * math.cos(turn) - d[1] * math.sin(turn),
                        d[0] * math.sin(turn) + d[1] * math.cos(turn)])
    return _Spot(b_axis + reach * rotated, upper, vertical, distance, note)


def _line_side(side: float, a: np.ndarray, b: np.ndarray) -> float:
    """+1 or -1: which way to turn the line B->A about B (positive: to B's left, facing A) to
    reach the side of the line ``side`` asks for: its sign, after wrapping into ±180°."""
    wrapped = math.remainder(side, 360.0)
    if wrapped == 0.0:
        return _audience_side(a, b)
    return -1.0 if wrapped > 0 else 1.0


def _audience_side(a: np.ndarray, b: np.ndarray) -> float:
    """+1 or -1: which way to turn the line B->A about B to reach its -z side."""
    line = a - b
    turned_plus = np.array([-line[1], line[0]])  # the line turned +90°
    if abs(turned_plus[1]) < 1e-9:
        return 1.0
    return 1.0 if turned_plus[1] < 0 else -1.0


def _heading_onto(shot: ShotCamera, centre: np.ndarray, a: Subject, b: Subject) -> float:
    """The heading that puts B at a third, on the other side of the picture from A."""
    to_b = np.array([b.x, b.z]) - centre
    to_a = np.array([a.x, a.z]) - centre
    bearing_b = math.atan2(to_b[0], to_b[1])
    bearing_a = math.atan2(to_a[0], to_a[1])
    gap = (bearing_b - bearing_a + math.pi) % (2 * math.pi) - math.pi
    side = 1.0 if gap >= 0 else -1.0
    return math.degrees(bearing_b - side * math.atan(shot.half_width / 3))


def _ots_camera(shot: ShotCamera, spot: _Spot, yaw: float) -> Framing:
    vertical = spot.vertical
    heading, pitch = math.radians(yaw), math.radians(vertical.pitch_deg)
    forward = np.array([math.sin(heading), math.cos(heading)])
    height = vertical.placement.height
    position = world_point(spot.centre[0], height, spot.centre[1])
    ahead = spot.distance
    look_at = position + np.array([forward[0] * ahead, ahead * math.tan(pitch),
                                   forward[1] * ahead])
    return Framing(position, look_at, yaw, vertical.pitch_deg, spot.distance, height,
                   shot.focal_mm, spot.note)
