"""Continuity across cuts within a scene: the 180° line, jump cuts, and screen direction.

Checked from the cut and the blocking alone (no render): each Shot on a Scene is framed as it
would render, at its scene-time in point, and each pair of consecutive shots of one scene is
compared. Warnings name both shots; they never stop a render.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from previz.core.cast import Character
from previz.core.project import PortRef, Project
from previz.core.scene import SceneValue, scene_from_params
from previz.core.shot_camera import ShotSetup, shot_path

JUMP_DEGREES = 30.0  # closer than this, with a similar size, is a jump cut
SIMILAR_SIZE = 1.5  # visible heights within this ratio are a similar size
ON_THE_LINE = 0.05  # metres: a camera this near the line is on it, on neither side
WALKING = 0.2  # metres a second: slower than this is standing
# Frame height of each size for a 1.75 m figure, from DESIGN §6's composition table: eye-line
# sizes 1.5·(0.935·H − bottom), headroom sizes (H − bottom)/(1 − headroom), full H/0.87, and
# the wide sizes' 5 m and 15 m. Only their ratios matter here (is a cut a similar size?).
_H = 1.75
FRAME_HEIGHTS = {
    "extreme_close_up": 1.5 * (0.935 - 0.875) * _H, "close_up": 1.5 * (0.935 - 0.78) * _H,
    "medium_close_up": 1.5 * (0.935 - 0.72) * _H, "medium": (1 - 0.60) * _H / (1 - 0.12),
    "medium_wide": (1 - 0.38) * _H / (1 - 0.08), "full": _H / 0.87,
    "wide": 5.0, "extreme_wide": 15.0,
}


@dataclass(frozen=True)
class CutShot:
    """A Shot on a Scene, as the cut holds it: resolved params and the scene it looks into."""

    node_id: str
    label: str
    scene_id: str
    scene: SceneValue
    params: Mapping[str, Any]

    @property
    def time(self) -> float:
        """The scene time of the shot's in point."""
        return float(self.params["scene_in"])

    def framed(self) -> Character | None:
        """The character the shot frames."""
        name = self.params.get("subject") or ""
        return self.scene.character(name) if name else (self.scene.cast[0] if self.scene.cast
                                                          else None)

    def camera(self) -> np.ndarray | None:
        """Where the camera stands (world metres) at the in point; ``None`` if it cannot."""
        try:  # framed (with its side) or placed by hand
            return shot_path(self.scene, ShotSetup(self.node_id, self.params), 2).position[0]
        except (ValueError, KeyError):
            return None


@dataclass(frozen=True)
class ContinuityWarning:
    """A cut a script supervisor would flag: ``kind`` is ``line``, ``jump`` or ``direction``."""

    kind: str
    first: str
    second: str
    message: str

    def __str__(self) -> str:
        return self.message


def scene_cut(project: Project, resolved: Mapping[str, Mapping[str, Any]],
              labels: Mapping[str, str]) -> list[CutShot | None]:
    """The cut's entries in order, from each node's resolved params (as compiled): a Shot on
    a Scene as a ``CutShot``, anything else (a title, a bridge) as ``None``, which no cut
    is judged across."""
    return [_cut_shot(project, entry.node, resolved, labels) for entry in project.timeline]


def _cut_shot(project: Project, node_id: str, resolved: Mapping[str, Mapping[str, Any]],
              labels: Mapping[str, str]) -> CutShot | None:
    node = project.nodes.get(node_id)
    link = project.link_into(PortRef(node_id, "scene"))
    if node is None or node.type != "previz.shot" or link is None:
        return None
    scene_params, params = resolved.get(link.source.node), resolved.get(node_id)
    if scene_params is None or params is None:
        return None
    return CutShot(node_id, labels.get(node_id, node_id), link.source.node,
                   scene_from_params(scene_params), params)


def framing_problems(project: Project, resolved: Mapping[str, Mapping[str, Any]],
                     labels: Mapping[str, str]) -> list[str]:
    """A message for every Shot on a Scene that frames someone the scene does not have."""
    problems = []
    for node_id in sorted(project.nodes):
        shot = _cut_shot(project, node_id, resolved, labels)
        subject = str(shot.params.get("subject") or "") if shot else ""
        if shot and subject and not shot.scene.names(subject):
            problems.append(f"{shot.label}, subject: scene {shot.scene.number} has no"
                            f" character or set piece {subject!r} to frame")
    return problems


def continuity_warnings(cut: Sequence[CutShot | None]) -> list[ContinuityWarning]:
    """Every warning for consecutive shots of one scene, in cut order."""
    found: list[ContinuityWarning] = []
    for first, second in itertools.pairwise(cut):
        if first is None or second is None:
            continue
        if first.scene_id != second.scene_id or first.node_id == second.node_id:
            continue
        for check in (_line, _jump, _direction):
            warning = check(first, second)
            if warning is not None:
                found.append(warning)
    return found


def warnings_by_node(warnings: Sequence[ContinuityWarning]) -> dict[str, list[str]]:
    """Each shot's warnings, for its badge: a warning shows on both shots it names."""
    badges: dict[str, list[str]] = {}
    for warning in warnings:
        for node_id in (warning.first, warning.second):
            badges.setdefault(node_id, []).append(warning.message)
    return badges


def _pair(first: CutShot, second: CutShot) -> tuple[Character, Character] | None:
    """The two characters the cut is between: the two framed, or the framed one and the
    character nearest them."""
    a, b = first.framed(), second.framed()
    if a is None or b is None:
        return None
    if a.id != b.id:
        return (a, b)
    here = first.scene.state(a, first.time)
    others = [c for c in first.scene.cast if c.id != a.id]
    if not others:
        return None
    nearest = min(others, key=lambda c: _distance(first.scene.state(c, first.time), here))
    return (a, nearest)


def _line(first: CutShot, second: CutShot) -> ContinuityWarning | None:
    pair = _pair(first, second)
    cameras = (first.camera(), second.camera())
    if pair is None or cameras[0] is None or cameras[1] is None:
        return None
    sides = [_side(shot, pair, camera) for shot, camera in zip((first, second), cameras,
                                                               strict=True)]
    if 0 in sides or sides[0] == sides[1]:
        return None
    return ContinuityWarning(
        "line", first.node_id, second.node_id,
        f"{first.label} → {second.label}: the camera crosses the 180° line between"
        f" {pair[0].name} and {pair[1].name}")


def _side(shot: CutShot, pair: tuple[Character, Character], camera: np.ndarray) -> int:
    a, b = (shot.scene.state(character, shot.time) for character in pair)
    line = (b.x - a.x, b.z - a.z)
    length = math.hypot(*line)
    if length < 1e-6:
        return 0
    cross = (line[0] * (camera[2] - a.z) - line[1] * (camera[0] - a.x)) / length
    return 0 if abs(cross) < ON_THE_LINE else (1 if cross > 0 else -1)


def _jump(first: CutShot, second: CutShot) -> ContinuityWarning | None:
    a, b = first.framed(), second.framed()
    cameras = (first.camera(), second.camera())
    if a is None or b is None or a.id != b.id or cameras[0] is None or cameras[1] is None:
        return None
    where = (first.scene.state(a, first.time), second.scene.state(b, second.time))
    bearings = [math.atan2(camera[0] - state.x, camera[2] - state.z)
                for camera, state in zip(cameras, where, strict=True)]
    apart = abs(math.degrees(math.remainder(bearings[0] - bearings[1], math.tau)))
    sizes = sorted(FRAME_HEIGHTS[shot.params["shot_size"]] for shot in (first, second))
    if apart >= JUMP_DEGREES or sizes[1] / sizes[0] >= SIMILAR_SIZE:
        return None
    return ContinuityWarning(
        "jump", first.node_id, second.node_id,
        f"{first.label} → {second.label}: a jump cut on {a.name} (cameras {apart:.0f}° apart,"
        f" a similar size); move the camera at least {JUMP_DEGREES:.0f}° or change the size")


def _direction(first: CutShot, second: CutShot) -> ContinuityWarning | None:
    for character in first.scene.cast:
        end = float(first.params["scene_in"]) + float(first.params["duration"])
        left_right = (_screen_direction(first, character, end - 0.05),
                      _screen_direction(second, character, second.time))
        if 0 in left_right or left_right[0] == left_right[1]:
            continue
        words = {1: "left to right", -1: "right to left"}
        return ContinuityWarning(
            "direction", first.node_id, second.node_id,
            f"{first.label} → {second.label}: {character.name} walks {words[left_right[0]]},"
            f" then {words[left_right[1]]}: the screen direction flips")
    return None


def _screen_direction(shot: CutShot, character: Character, time: float) -> int:
    """+1 if the character moves to the right of the frame, -1 to the left, 0 standing."""
    state = shot.scene.state(character, time)
    if state.speed < WALKING:
        return 0
    camera = shot.camera()
    if camera is None:
        return 0
    later = shot.scene.state(character, time + 0.05)
    motion = np.array([later.x - state.x, 0.0, later.z - state.z])
    towards = np.array([state.x, 0.0, state.z]) - np.array([camera[0], 0.0, camera[2]])
    right = np.array([towards[2], 0.0, -towards[0]])  # the camera's right on the ground
    along = float(motion @ right)
    return 0 if abs(along) < 1e-9 else (1 if along > 0 else -1)


def _distance(a: Any, b: Any) -> float:
    return math.hypot(a.x - b.x, a.z - b.z)
