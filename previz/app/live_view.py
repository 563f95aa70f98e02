"""The scene as it is being edited: its floor plan and a shot's draft frame at a scene time.

Read straight from the project's current params (resolved as the compiler resolves them), with
no compile, no engine run and no store: a live frame is drawn by the draft backend in memory
and thrown away, so dragging on the floor plan never writes anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np

from previz.backends.draft.backend import scene_for
from previz.backends.draft.geometry import View
from previz.backends.draft.renderer import DraftRenderer, DraftScene
from previz.core.camera import CameraPath
from previz.core.floor_plan import CameraWedge, FloorPlan, camera_wedge, floor_plan
from previz.core.project import PortRef, Project
from previz.core.registry import NodeRegistry
from previz.core.scene import SceneValue, scene_from_params
from previz.core.shot_camera import SHOT_TYPE, ShotSetup, scene_shots, shot_path
from previz.core.spec import parse_fraction
from previz.engine.backend import RenderRequest
from previz.engine.plan import resolve_params

SCENE_TYPE = "previz.scene"
LIVE_WIDTH, LIVE_HEIGHT = 1280, 720  # the most a live frame is drawn at


@dataclass(frozen=True)
class SceneShots:
    """A Scene node's scene as the project has it now, and the shots on it."""

    scene_id: str
    scene: SceneValue
    shots: tuple[ShotSetup, ...]

    def shot(self, node_id: str) -> ShotSetup | None:
        """The shot of this scene with node id ``node_id``."""
        return next((setup for setup in self.shots if setup.node_id == node_id), None)

    def plan(self, time: float, selected: str = "", wedges: Wedges | None = None) -> FloorPlan:
        """The floor plan at scene ``time``; ``wedges`` keeps the cameras between redraws."""
        if wedges is None:
            return floor_plan(self.scene, self.shots, time, selected)
        cameras, problems = [], []
        for setup in self.shots:  # as floor_plan draws them, each kept while it stays put
            try:
                cameras.append(wedges.wedge(self.scene, setup, time, setup.node_id == selected))
            except ValueError as error:
                problems.append(f"shot {setup.number}: {error}")
        drawn = floor_plan(self.scene, (), time, selected)
        return replace(drawn, cameras=tuple(cameras), problems=(*drawn.problems, *problems))

    @property
    def end(self) -> float:
        """The scene time at which the last shot or the last mark ends."""
        ends = [setup.scene_in + float(setup.params["duration"]) for setup in self.shots]
        ends += [mark.time for mark in self.scene.blocking.marks]
        return max([*ends, 1.0])


@dataclass
class Wedges:
    """Shots' cameras on the floor plan kept between redraws (a drag redraws the plan on every
    mouse move): a camera is found again only when what places it changed: the shot's params
    and moves, the subjects at its in point (whom it frames) or the time."""

    kept: dict[str, tuple[tuple[Any, ...], CameraWedge]] = field(default_factory=dict)

    def wedge(self, scene: SceneValue, setup: ShotSetup, time: float,
              selected: bool) -> CameraWedge:
        """``camera_wedge(scene, setup, time, selected)``, kept or found afresh."""
        subject = str(setup.params.get("subject") or "")
        framed = tuple(replace(item, look=None, walked=0.0, speed=0.0, colours=())
                       for item in scene.subjects_at(setup.scene_in, subject))  # what framing reads
        key = (dict(setup.params), setup.moves, not subject or scene.names(subject), framed,
               time, selected)
        kept = self.kept.get(setup.node_id)
        if kept is not None and kept[0] == key:
            return kept[1]
        found = camera_wedge(scene, setup, time, selected)
        self.kept[setup.node_id] = (key, found)
        return found


def scene_of(project: Project, node_id: str | None) -> str | None:
    """The Scene node a node belongs to: itself, or the Scene linked into a Shot."""
    node = project.nodes.get(node_id or "")
    if node is None:
        return None
    if node.type == SCENE_TYPE:
        return node.id
    if node.type == SHOT_TYPE:
        link = project.link_into(PortRef(node.id, "scene"))
        return link.source.node if link is not None else None
    return None


def resolved_now(project: Project, registry: NodeRegistry,
                 node_ids: set[str]) -> dict[str, Mapping[str, Any]]:
    """The resolved params of ``node_ids`` (and the nodes upstream of them)."""
    wanted = set(node_ids)
    for node_id in node_ids:
        wanted |= project.upstream(node_id)
    resolved: dict[str, Mapping[str, Any]] = {}
    for node_id in wanted:
        node = project.nodes.get(node_id)
        node_type = registry.get(node.type) if node is not None else None
        if node is not None and node_type is not None:
            resolved[node_id] = resolve_params(project, node, node_type.spec)
    return resolved


def scene_now(project: Project, registry: NodeRegistry, scene_id: str) -> SceneShots:
    """The scene of Scene node ``scene_id`` and every shot on it, from the params as they are."""
    shots = {link.target.node for link in project.links.values()
             if link.source.node == scene_id and link.target.port == "scene"}
    resolved = resolved_now(project, registry, {scene_id, *shots})
    scene = scene_from_params(resolved[scene_id])
    return SceneShots(scene_id, scene, tuple(scene_shots(project, resolved, scene_id)))


def live_request(scene: SceneValue, setup: ShotSetup, time: float) -> RenderRequest:
    """A one-frame draft request: the shot's camera at scene ``time`` (held inside the shot's
    window: the shot never shows another moment) looking at everyone where they are then, at
    the shot's size (at most LIVE_WIDTH x LIVE_HEIGHT)."""
    params = setup.params
    time = setup.within(time)
    width, height = _live_size(int(params["width"]), int(params["height"]))
    sized = ShotSetup(setup.node_id, {**params, "width": width, "height": height}, setup.moves)
    path = shot_path(scene, sized)
    index = sized.frame_at(time)
    one = CameraPath(width, height, path.sensor, path.focal_mm[index:index + 1],
                     path.rotation[index:index + 1], path.position[index:index + 1],
                     path.look_at)
    subject = str(params.get("subject") or "")
    fps: Fraction = parse_fraction(params["fps"])
    return RenderRequest(prompt=scene.prompt(), width=width, height=height, frame_count=1,
                         fps=fps, seed=int(params.get("seed") or 0), camera=one,
                         subjects=scene.subjects_at(time, subject), scene=scene,
                         scene_time=time)


class LiveFrames:
    """Draws live frames with a draft renderer of its own (one per viewer), kept while the
    scene's light, plates and references stay the same: a camera swung or moved, a scrub, or
    someone dragged (the renderer rebuilds only the subjects that changed)."""

    def __init__(self) -> None:
        self._renderer: DraftRenderer | None = None
        self._scene: DraftScene | None = None

    def frame(self, request: RenderRequest) -> np.ndarray:
        """The request's one frame, RGB (height, width, 3), as the draft backend draws it."""
        path = request.camera
        view = View(path.K[0], path.world_to_camera[0], request.width, request.height)
        scene = scene_for(request, view)
        renderer = self._renderer
        if renderer is None or (renderer.width, renderer.height) != (
                request.width, request.height) or not self._same_light(scene):
            renderer = DraftRenderer(scene, request.width, request.height)
        else:
            renderer.recast(scene)
        self._renderer, self._scene = renderer, scene
        return renderer.render(view, 0.0, 0.0)

    def _same_light(self, scene: DraftScene) -> bool:
        """Whether ``scene`` differs from the last one in its subjects (and the scene they
        move in) at most: the same palette, mode and light, no plates or references."""
        last = self._scene
        if last is None or scene.plates or last.plates or scene.references or last.references:
            return False
        return (scene.palette == last.palette and scene.mode == last.mode
                and (scene.track is None) == (last.track is None)
                and _same_value(scene.lighting, last.lighting))


def _same_value(a: object, b: object) -> bool:
    """``a == b`` for values holding arrays (a scene's lighting): field by field."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and np.array_equal(a, b)
    if is_dataclass(a) and not isinstance(a, type):
        return type(a) is type(b) and all(
            _same_value(getattr(a, item.name), getattr(b, item.name)) for item in fields(a))
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(map(_same_value, a, b))
    return bool(a == b)


def _live_size(width: int, height: int) -> tuple[int, int]:
    scale = min(1.0, LIVE_WIDTH / width, LIVE_HEIGHT / height)
    return max(int(width * scale) // 2 * 2, 2), max(int(height * scale) // 2 * 2, 2)

