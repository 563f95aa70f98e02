"""A Shot's camera on a scene at any scene time, framed or placed by hand, without rendering.

The same path the Shot node renders with (its framing at the in point, the side orbit, the
moves), so the floor plan, the live view and continuity see the camera the render will use.
A camera placed by hand stands at (``camera_x``, ``camera_height``, ``camera_z``) turned by
``pan`` (0 looks along +z, positive right), ``tilt`` (positive up) and ``roll`` (clockwise as
the operator sees it); its moves apply on top, and ``side`` does not swing it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from previz.core.camera import CameraPath, CameraPose, Gate, ShotCamera, camera_path, used_gate
from previz.core.camera.pose import axis_rotation, yaw_pitch_rotation
from previz.core.project import PortRef, Project
from previz.core.scene import SceneValue, side_moves
from previz.core.spec import parse_fraction
from previz.core.timing import frames_in
from previz.core.values import MoveValue

AIM_DISTANCE = 3.0  # metres ahead of a placed camera that orbits and cranes pivot on
PLACED_FIELDS = ("camera_x", "camera_z", "camera_height", "pan", "tilt", "roll")
FOOT = 0.3048  # a Camera Move's distances may be in feet
SHOT_TYPE, MOVE_TYPE = "previz.shot", "previz.camera_move"


@dataclass(frozen=True)
class ShotSetup:
    """A Shot on a scene as the plan needs it: its node, resolved params and camera moves."""

    node_id: str
    params: Mapping[str, Any]
    moves: tuple[MoveValue, ...] = field(default=())

    @property
    def number(self) -> str:
        """The shot number on the slate."""
        return str(self.params.get("shot", ""))

    @property
    def name(self) -> str:
        """The shot's name."""
        return str(self.params.get("name", ""))

    @property
    def placed(self) -> bool:
        """Whether the camera is placed by hand rather than framed."""
        return bool(self.params.get("placed", False))

    @property
    def side(self) -> float:
        """Degrees the framed camera stands around its subject."""
        return float(self.params.get("side", 0.0) or 0.0)

    @property
    def scene_in(self) -> float:
        """The scene time of the first frame."""
        return float(self.params.get("scene_in", 0.0) or 0.0)

    @property
    def frame_count(self) -> int:
        """Frames in the shot at its rate."""
        return frames_in(float(self.params["duration"]), parse_fraction(self.params["fps"]))

    def frame_at(self, time: float) -> int:
        """The frame showing scene ``time`` (the first or last outside the window)."""
        fps = parse_fraction(self.params["fps"])
        index = math.floor((time - self.scene_in) * float(fps) + 0.5)
        return min(max(index, 0), self.frame_count - 1)


@dataclass(frozen=True, eq=False)
class CameraAt:
    """A shot's camera at one scene time: its pose, the gate its image uses, and whether the
    time lies inside the shot's window."""

    pose: CameraPose
    gate: Gate
    live: bool

    @property
    def fov(self) -> float:
        """The horizontal angle of view in degrees: 2·atan(w_used / 2f)."""
        return math.degrees(2 * math.atan(self.gate.width_mm / (2 * self.pose.focal_mm)))


def shot_camera(scene: SceneValue, setup: ShotSetup) -> ShotCamera:
    """The shot's framing on the scene's blocking at its in point (ValueError if it cannot)."""
    subject = str(setup.params.get("subject") or "")
    if subject and not scene.names(subject):
        raise ValueError(f"scene {scene.number} has no character {subject!r} to frame")
    subjects = scene.subjects_at(setup.scene_in, subject)
    if not subjects:
        raise ValueError("a shot needs at least one subject to frame")
    return ShotCamera.from_params(setup.params, subjects)


def placed_pose(params: Mapping[str, Any]) -> CameraPose:
    """The base pose of a camera placed by hand, from the shot's params."""
    position = np.array([float(params.get("camera_x", 0.0)),
                         float(params.get("camera_height", 1.6)),
                         float(params.get("camera_z", 0.0))])
    to_world = yaw_pitch_rotation(float(params.get("pan", 0.0)), float(params.get("tilt", 0.0)))
    to_world = to_world @ axis_rotation(2, math.radians(float(params.get("roll", 0.0))))
    look_at = position + to_world[:, 2] * AIM_DISTANCE
    return CameraPose(to_world.T, position, float(params["lens"]), look_at)


def shot_path(scene: SceneValue, setup: ShotSetup, frame_count: int | None = None) -> CameraPath:
    """The camera of every frame of the shot: framed (with its side) or placed, then moved."""
    shot = shot_camera(scene, setup)
    frames = frame_count or setup.frame_count
    if setup.placed:
        return camera_path(shot, setup.moves, frames, start=placed_pose(setup.params))
    return camera_path(shot, (*side_moves(setup.side), *setup.moves), frames)


def camera_at(scene: SceneValue, setup: ShotSetup, time: float) -> CameraAt:
    """The shot's camera at scene ``time`` (ValueError when the shot cannot be framed)."""
    path = shot_path(scene, setup)
    index = setup.frame_at(time)
    live = setup.scene_in <= time <= setup.scene_in + float(setup.params["duration"])
    return CameraAt(path.pose(index), used_gate(path.sensor, path.width, path.height), live)


def scene_shots(project: Project, resolved: Mapping[str, Mapping[str, Any]],
                scene_id: str) -> list[ShotSetup]:
    """Every Shot linked to the Scene node ``scene_id``, from the nodes' resolved params (as
    compiled), in shot-number order; a shot without resolved params is left out."""
    setups = []
    for link in project.links.values():
        node = project.nodes.get(link.target.node)
        if (link.source.node != scene_id or link.target.port != "scene" or node is None
                or node.type != SHOT_TYPE or node.id not in resolved):
            continue
        setups.append(ShotSetup(node.id, resolved[node.id],
                                chain_moves(project, resolved, node.id)))
    return sorted(setups, key=lambda setup: (setup.number, setup.node_id))


def chain_moves(project: Project, resolved: Mapping[str, Mapping[str, Any]],
                shot_id: str) -> tuple[MoveValue, ...]:
    """The moves of the Camera Move chain linked into a shot, first move first."""
    moves: list[MoveValue] = []
    link = project.link_into(PortRef(shot_id, "camera"))
    seen: set[str] = set()
    while link is not None and link.source.node not in seen:
        node_id = link.source.node
        seen.add(node_id)
        node = project.nodes.get(node_id)
        params = resolved.get(node_id)
        if node is None or node.type != MOVE_TYPE or params is None:
            break
        amount = float(params["amount"]) * (FOOT if params.get("unit") == "ft" else 1.0)
        moves.append(MoveValue(params["move"], amount, float(params["start"]),
                               float(params["end"]), params["easing"]))
        link = project.link_into(PortRef(node_id, "previous"))
    return tuple(reversed(moves))
