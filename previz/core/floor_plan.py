"""The floor plan: a scene seen from above, in metres, at one scene time (DESIGN §6a, §10).

Everything here is ground coordinates (x right, z away from the default camera), so the app's
dock and the storyboard's overhead diagram draw the same thing. Angles follow the scene's
conventions: a facing of 0° looks toward -z, positive turns counter-clockwise seen from above
(90° looks along +x); a set piece's rotation turns it the same way. A camera's heading is its
pose's yaw: 0° looks along +z, positive toward +x.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from previz.core.blocking import Mark, heading_of
from previz.core.cast import Character
from previz.core.locations import SetPiece
from previz.core.scene import SceneValue
from previz.core.shot_camera import ShotSetup, camera_at

BUILD_WIDTH = {"slight": 0.9, "average": 1.0, "broad": 1.15}
SHOULDER_WIDTH = 0.26  # of the height, as DESIGN §6's figure
BODY_DEPTH = 0.12  # of the height: chest to back, seen from above
OUTLINE_POINTS = 16
WEDGE_MIN_REACH = 2.0  # metres: a wedge is drawn at least this long
WEDGE_BEYOND = 1.5  # metres past the aim point


@dataclass(frozen=True)
class PlanPoint:
    """A point on the ground, in metres."""

    x: float
    z: float

    def distance(self, other: PlanPoint) -> float:
        """Metres between two points."""
        return math.hypot(self.x - other.x, self.z - other.z)


@dataclass(frozen=True)
class Footprint:
    """A set piece from above: its outline (four corners, counter-clockwise), centre and turn."""

    piece_id: str
    kind: str
    name: str
    colour: str
    centre: PlanPoint
    rotation: float
    width: float
    depth: float
    height: float
    corners: tuple[PlanPoint, ...]
    moved: bool = False  # placed elsewhere for this scene


@dataclass(frozen=True)
class FigureOutline:
    """A character from above at one scene time: body outline (shoulders and chest), head,
    and the facing arrow from the body's centre to ``arrow_tip``."""

    character_id: str
    name: str
    colour: str
    position: PlanPoint
    facing: float
    pose: str
    outline: tuple[PlanPoint, ...]
    head_radius: float
    arrow_tip: PlanPoint


@dataclass(frozen=True)
class MarkPin:
    """A mark of the blocking: its number among the character's marks (from 1), its cue time,
    where it is, and ``order``, its index among the blocking's marks (records order)."""

    character_id: str
    number: int
    time: float
    position: PlanPoint
    facing: float | None
    order: int

    @property
    def label(self) -> str:
        """What the plan writes beside it: ``2 @ 4.5s``."""
        return f"{self.number} @ {self.time:g}s"


@dataclass(frozen=True)
class WalkPath:
    """A character's path through their marks, in order."""

    character_id: str
    points: tuple[PlanPoint, ...]


@dataclass(frozen=True)
class CameraWedge:
    """A shot's camera at one scene time and its horizontal field of view as a wedge.

    ``heading`` is the camera's yaw, ``fov`` the horizontal angle of view in degrees;
    ``left`` and ``right`` end the wedge's edges ``reach`` metres from the ``apex``. A framed
    camera swings about ``pivot`` (its aim point on the ground) by its shot's ``side``.
    """

    node_id: str
    number: str
    name: str
    apex: PlanPoint
    height: float
    heading: float
    fov: float
    reach: float
    left: PlanPoint
    right: PlanPoint
    pivot: PlanPoint
    placed: bool
    side: float
    selected: bool = False
    live: bool = False  # the scene time lies in the shot's window

    @property
    def label(self) -> str:
        """The shot number the plan writes beside the camera."""
        return self.number


@dataclass(frozen=True)
class FloorPlan:
    """Everything the plan draws at ``time``."""

    time: float
    footprints: tuple[Footprint, ...]
    figures: tuple[FigureOutline, ...]
    marks: tuple[MarkPin, ...]
    paths: tuple[WalkPath, ...]
    cameras: tuple[CameraWedge, ...]
    problems: tuple[str, ...] = ()  # shots whose camera could not be placed, and why

    def bounds(self, margin: float = 1.0, action: bool = False) -> tuple[PlanPoint, PlanPoint]:
        """The smallest and largest corner of everything drawn, ``margin`` metres out; with
        ``action``, of the people, their marks and the cameras only (where the work is)."""
        points = [*(f.position for f in self.figures), *(m.position for m in self.marks),
                  *(p for c in self.cameras for p in (c.apex, c.pivot))]
        if not action or not points:
            points += [*(c for f in self.footprints for c in f.corners),
                       *(p for c in self.cameras for p in (c.left, c.right))]
        if not points:
            points = [PlanPoint(0.0, 0.0)]
        low = PlanPoint(min(p.x for p in points) - margin, min(p.z for p in points) - margin)
        high = PlanPoint(max(p.x for p in points) + margin, max(p.z for p in points) + margin)
        return low, high


def turned(x: float, z: float, degrees: float) -> PlanPoint:
    """(x, z) turned ``degrees`` counter-clockwise seen from above (0, -1 turned 90° is 1, 0)."""
    angle = math.radians(degrees)
    cos, sin = math.cos(angle), math.sin(angle)
    return PlanPoint(x * cos - z * sin, x * sin + z * cos)


def footprint(piece: SetPiece, moved: bool = False) -> Footprint:
    """A set piece's outline on the ground."""
    half_w, half_d = piece.width / 2, piece.depth / 2
    corners = tuple(_offset(piece.x, piece.z, turned(dx, dz, piece.rotation))
                    for dx, dz in ((-half_w, -half_d), (half_w, -half_d), (half_w, half_d),
                                   (-half_w, half_d)))
    return Footprint(piece.id, piece.kind, piece.name or piece.kind, piece.colour,
                     PlanPoint(piece.x, piece.z), piece.rotation, piece.width, piece.depth,
                     piece.height, corners, moved)


def figure_outline(character: Character, x: float, z: float, facing: float,
                   pose: str) -> FigureOutline:
    """A character's body from above: an ellipse as wide as the shoulders and as deep as the
    chest, turned to ``facing``, with the facing arrow reaching one body width ahead."""
    scale = character.height * (0.75 if character.figure == "child" else 1.0)
    half_w = SHOULDER_WIDTH * scale * BUILD_WIDTH.get(character.build, 1.0) / 2
    half_d = BODY_DEPTH * scale * BUILD_WIDTH.get(character.build, 1.0) / 2
    outline = tuple(
        _offset(x, z, turned(half_w * math.cos(a), half_d * math.sin(a), facing))
        for a in (math.tau * i / OUTLINE_POINTS for i in range(OUTLINE_POINTS)))
    tip = _offset(x, z, turned(0.0, -(half_d + 2 * half_w), facing))
    colour = character.wardrobe[0] if character.wardrobe else "#506070"
    return FigureOutline(character.id, character.name, colour, PlanPoint(x, z), facing, pose,
                         outline, 0.133 * scale / 2, tip)


def mark_pins(scene: SceneValue) -> tuple[MarkPin, ...]:
    """Every mark, numbered per character in time order."""
    order = {id(mark): index for index, mark in enumerate(scene.blocking.marks)}
    pins = []
    for character in scene.cast:
        for number, mark in enumerate(scene.blocking.marks_of(character.id), start=1):
            pins.append(MarkPin(character.id, number, mark.time, PlanPoint(mark.x, mark.z),
                                mark.facing, order[id(mark)]))
    return tuple(pins)


def walk_paths(scene: SceneValue) -> tuple[WalkPath, ...]:
    """Each character's path from mark to mark (characters with two marks or more)."""
    paths = []
    for character in scene.cast:
        marks: list[Mark] = scene.blocking.marks_of(character.id)
        if len(marks) > 1:
            paths.append(WalkPath(character.id, tuple(PlanPoint(m.x, m.z) for m in marks)))
    return tuple(paths)


def camera_wedge(scene: SceneValue, setup: ShotSetup, time: float,
                 selected: bool = False) -> CameraWedge:
    """A shot's camera at scene ``time`` (held at its first or last frame outside its window)
    with its horizontal field of view; ValueError when the shot cannot be framed."""
    camera = camera_at(scene, setup, time)
    pose = camera.pose
    apex = PlanPoint(float(pose.position[0]), float(pose.position[2]))
    pivot = PlanPoint(float(pose.look_at[0]), float(pose.look_at[2]))
    fov = camera.fov
    reach = max(apex.distance(pivot) + WEDGE_BEYOND, WEDGE_MIN_REACH)
    heading = pose.yaw_deg
    return CameraWedge(
        setup.node_id, setup.number, setup.name, apex, float(pose.position[1]), heading, fov,
        reach, _ahead(apex, heading - fov / 2, reach), _ahead(apex, heading + fov / 2, reach),
        pivot, setup.placed, setup.side, selected, camera.live)


def floor_plan(scene: SceneValue, shots: Sequence[ShotSetup], time: float,
               selected: str = "") -> FloorPlan:
    """The plan of ``scene`` at scene ``time`` with the camera of each of ``shots``;
    ``selected`` is the node id of the shot to highlight."""
    moved = {move.piece for move in scene.blocking.piece_moves}
    footprints = tuple(footprint(piece, piece.id in moved) for piece in scene.set_pieces())
    figures = []
    for character in scene.cast:
        state = scene.state(character, time)
        figures.append(figure_outline(character, state.x, state.z, state.facing, state.pose))
    cameras, problems = [], []
    for setup in shots:
        try:
            cameras.append(camera_wedge(scene, setup, time, setup.node_id == selected))
        except ValueError as error:
            problems.append(f"shot {setup.number}: {error}")
    return FloorPlan(time, footprints, tuple(figures), mark_pins(scene), walk_paths(scene),
                     tuple(cameras), tuple(problems))


def swing_side(wedge: CameraWedge, to: PlanPoint) -> float:
    """The shot's new ``side`` when its framed camera is dragged to ``to``: the old side plus
    the angle swept around the pivot (counter-clockwise seen from above is positive, as an
    orbit carries the camera to its right)."""
    before = math.atan2(wedge.apex.z - wedge.pivot.z, wedge.apex.x - wedge.pivot.x)
    after = math.atan2(to.z - wedge.pivot.z, to.x - wedge.pivot.x)
    swept = math.degrees(math.remainder(after - before, math.tau))
    return math.remainder(wedge.side + swept, 360.0)


def facing_towards(origin: PlanPoint, to: PlanPoint) -> float:
    """The facing (degrees) of someone at ``origin`` looking at ``to``: a rotate handle."""
    return heading_of(to.x - origin.x, to.z - origin.z)


def heading_towards(origin: PlanPoint, to: PlanPoint) -> float:
    """The camera heading (yaw) from ``origin`` toward ``to``."""
    return math.degrees(math.atan2(to.x - origin.x, to.z - origin.z))


def snapped(point: PlanPoint, step: float) -> PlanPoint:
    """``point`` on the nearest grid crossing ``step`` metres apart."""
    return PlanPoint(round(point.x / step) * step, round(point.z / step) * step)


def _offset(x: float, z: float, by: PlanPoint) -> PlanPoint:
    return PlanPoint(x + by.x, z + by.z)


def _ahead(origin: PlanPoint, heading: float, reach: float) -> PlanPoint:
    angle = math.radians(heading)
    return PlanPoint(origin.x + reach * math.sin(angle), origin.z + reach * math.cos(angle))
