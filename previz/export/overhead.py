"""Each shot's overhead diagram for the storyboard: the floor plan seen from above, in a box.

The geometry is the floor plan's own (``previz.core.floor_plan``, the same the app's dock
draws): set pieces' footprints, the cast where they stand at the shot's in point with their
facing, their marks and walks, and the shot's camera with its field of view. A camera that
moves is drawn at its in point, with an arrow to where it stands at the out point. The page
shows the plan as a set designer's plan reads: the ground's +z (away from the default camera)
up, +x right, a one-metre scale bar. Only shots on a Scene have a plan.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.pdfgen.canvas import Canvas

from previz.core.floor_plan import CameraWedge, FloorPlan, PlanPoint, camera_wedge, floor_plan
from previz.core.project import PortRef, Project
from previz.core.scene import scene_from_params
from previz.core.shot_camera import SHOT_TYPE, ShotSetup, chain_moves
from previz.engine.plan import ExecutionPlan
from previz.export.cut import Cut
from previz.export.pdftext import draw_text
from previz.export.shots import slate_node

_GROUND, _PIECE, _INK = (0.97, 0.97, 0.95), (0.72, 0.70, 0.66), (0.15, 0.15, 0.15)
_PATH, _CAMERA = (0.45, 0.45, 0.45), (0.85, 0.2, 0.1)
_MOVE_EPSILON = 0.05  # metres: a camera that travels less is drawn standing
MARGIN = 0.8  # metres around what the diagram must show
NEAR = 8.0  # metres from the camera within which set pieces are shown whole


@dataclass(frozen=True)
class Overhead:
    """A shot's floor plan at its in point, and its camera at the out point."""

    plan: FloorPlan
    camera: CameraWedge
    end: CameraWedge

    def bounds(self) -> tuple[PlanPoint, PlanPoint]:
        """The corners of what the diagram shows: the camera, its wedge and where it goes,
        the cast, and the set pieces near enough to matter, with a margin; what lies beyond
        is cut off at the box."""
        wedge = self.camera
        near = max(2 * wedge.reach, NEAR)
        points = [wedge.apex, wedge.left, wedge.right, self.end.apex,
                  *(figure.position for figure in self.plan.figures),
                  *(piece.centre for piece in self.plan.footprints
                    if piece.centre.distance(wedge.apex) <= near)]
        return (PlanPoint(min(p.x for p in points) - MARGIN, min(p.z for p in points) - MARGIN),
                PlanPoint(max(p.x for p in points) + MARGIN, max(p.z for p in points) + MARGIN))

    @property
    def moves(self) -> bool:
        """Whether the camera travels during the shot."""
        return self.camera.apex.distance(self.end.apex) > _MOVE_EPSILON


def overheads(project: Project, plan: ExecutionPlan, cut: Cut) -> dict[str, Overhead]:
    """The overhead of every entry whose shot stands on a Scene, by entry id."""
    resolved: dict[str, Mapping[str, Any]] = {node_id: planned.params
                                              for node_id, planned in plan.nodes.items()}
    found = {}
    for entry in cut.entries:
        overhead = shot_overhead(project, resolved, slate_node(project, entry.node_id))
        if overhead is not None:
            found[entry.entry_id] = overhead
    return found


def shot_overhead(project: Project, resolved: Mapping[str, Mapping[str, Any]],
                  shot_id: str) -> Overhead | None:
    """The overhead of Shot node ``shot_id``; ``None`` when it is no shot on a scene, or its
    camera cannot be placed."""
    node = project.nodes.get(shot_id)
    link = project.link_into(PortRef(shot_id, "scene")) if node is not None else None
    if node is None or node.type != SHOT_TYPE or link is None:
        return None
    params, scene_params = resolved.get(shot_id), resolved.get(link.source.node)
    if params is None or scene_params is None:
        return None
    setup = ShotSetup(shot_id, params, chain_moves(project, resolved, shot_id))
    scene = scene_from_params(scene_params)
    start = setup.scene_in
    end = start + float(params["duration"])
    drawn = floor_plan(scene, [setup], start, selected=shot_id)
    if not drawn.cameras:
        return None
    try:
        last = camera_wedge(scene, setup, end, selected=True)
    except ValueError:
        return None
    return Overhead(drawn, drawn.cameras[0], last)


@dataclass(frozen=True)
class _Page:
    """Ground metres to page points: ``scale`` points a metre, the plan's ``low`` corner at
    (``x``, ``y``)."""

    x: float
    y: float
    scale: float
    low: PlanPoint

    span: tuple[float, float] = (0.0, 0.0)  # metres across and up the box

    def at(self, point: PlanPoint) -> tuple[float, float]:
        return (self.x + (point.x - self.low.x) * self.scale,
                self.y + (point.z - self.low.z) * self.scale)


def draw_overhead(canvas: Canvas, overhead: Overhead, corner: tuple[float, float],
                  size: tuple[float, float]) -> None:
    """Draw ``overhead`` into the box whose bottom-left ``corner`` is (x, y), ``size``
    (width, height) points."""
    (x, y), (width, height) = corner, size
    low, high = overhead.bounds()
    scale = min(width / (high.x - low.x), (height - 10) / (high.z - low.z))
    left = x + (width - (high.x - low.x) * scale) / 2
    page = _Page(left, y + 10 + (height - 10 - (high.z - low.z) * scale) / 2, scale, low,
                 (width / scale, height / scale))
    canvas.saveState()
    canvas.setFillColorRGB(*_GROUND)
    canvas.setStrokeColorRGB(*_PIECE)
    canvas.setLineWidth(0.5)
    canvas.rect(x, y, width, height, stroke=1, fill=1)
    clip = canvas.beginPath()
    clip.rect(x, y, width, height)
    canvas.clipPath(clip, stroke=0, fill=0)
    for piece in overhead.plan.footprints:
        _polygon(canvas, page, piece.corners, fill=_PIECE, stroke=None)
        px, py = page.at(piece.centre)
        canvas.setFillColorRGB(*_PATH)
        draw_text(canvas, px, py - 2, piece.name, 4.5, align="center")
    _draw_walks(canvas, overhead.plan, page)
    for figure in overhead.plan.figures:
        _polygon(canvas, page, figure.outline, fill=_rgb(figure.colour), stroke=_INK)
        _line(canvas, page, figure.position, figure.arrow_tip, colour=_INK, width=0.8)
        fx, fy = page.at(figure.position)
        canvas.setFillColorRGB(*_INK)
        draw_text(canvas, fx + 4, fy + 4, figure.name, 5.5)
    _draw_camera(canvas, overhead, page)
    _scale_bar(canvas, x + 4, y + 4, scale)
    canvas.restoreState()


def _draw_walks(canvas: Canvas, plan: FloorPlan, page: _Page) -> None:
    canvas.setDash(2, 2)
    for path in plan.paths:
        for start, end in zip(path.points, path.points[1:], strict=False):
            _line(canvas, page, start, end, colour=_PATH, width=0.6)
    canvas.setDash()
    canvas.setFillColorRGB(*_PATH)
    for mark in plan.marks:
        mx, my = page.at(mark.position)
        canvas.circle(mx, my, 1.2, stroke=0, fill=1)


def _draw_camera(canvas: Canvas, overhead: Overhead, page: _Page) -> None:
    wedge = overhead.camera
    # The field of view runs on past the aim point to the edge of the box.
    reach = max(wedge.reach, 2 * math.hypot(*(page.span)))
    edges = [_ahead(wedge.apex, wedge.heading + sign * wedge.fov / 2, reach) for sign in (-1, 1)]
    canvas.setFillAlpha(0.14)
    _polygon(canvas, page, (wedge.apex, *edges), fill=_CAMERA, stroke=_CAMERA)
    canvas.setFillAlpha(1.0)
    if overhead.moves:
        _line(canvas, page, wedge.apex, overhead.end.apex, colour=_CAMERA, width=1.2)
        _head(canvas, page, wedge.apex, overhead.end.apex)
    ax, ay = page.at(wedge.apex)
    canvas.setFillColorRGB(*_CAMERA)
    canvas.circle(ax, ay, 2.2, stroke=0, fill=1)
    draw_text(canvas, ax + 4, ay - 7, wedge.label, 6, bold=True)


def _scale_bar(canvas: Canvas, x: float, y: float, scale: float) -> None:
    canvas.setStrokeColorRGB(*_INK)
    canvas.setLineWidth(0.8)
    canvas.line(x, y, x + scale, y)
    canvas.line(x, y - 1.5, x, y + 1.5)
    canvas.line(x + scale, y - 1.5, x + scale, y + 1.5)
    canvas.setFillColorRGB(*_INK)
    draw_text(canvas, x + scale + 3, y - 2, "1 m", 5)


def _polygon(canvas: Canvas, page: _Page, points: Sequence[PlanPoint], *,
             fill: tuple[float, float, float] | None,
             stroke: tuple[float, float, float] | None) -> None:
    path = canvas.beginPath()
    path.moveTo(*page.at(points[0]))
    for point in points[1:]:
        path.lineTo(*page.at(point))
    path.close()
    if fill is not None:
        canvas.setFillColorRGB(*fill)
    if stroke is not None:
        canvas.setStrokeColorRGB(*stroke)
        canvas.setLineWidth(0.6)
    canvas.drawPath(path, stroke=int(stroke is not None), fill=int(fill is not None))


def _line(canvas: Canvas, page: _Page, start: PlanPoint, end: PlanPoint, *,
          colour: tuple[float, float, float], width: float) -> None:
    canvas.setStrokeColorRGB(*colour)
    canvas.setLineWidth(width)
    canvas.line(*page.at(start), *page.at(end))


def _head(canvas: Canvas, page: _Page, start: PlanPoint, end: PlanPoint) -> None:
    (x0, y0), (x1, y1) = page.at(start), page.at(end)
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    size = 4.0
    path = canvas.beginPath()
    path.moveTo(x1, y1)
    path.lineTo(x1 - ux * size - uy * size * 0.6, y1 - uy * size + ux * size * 0.6)
    path.lineTo(x1 - ux * size + uy * size * 0.6, y1 - uy * size - ux * size * 0.6)
    path.close()
    canvas.setFillColorRGB(*_CAMERA)
    canvas.drawPath(path, stroke=0, fill=1)


def _ahead(origin: PlanPoint, heading: float, reach: float) -> PlanPoint:
    """The point ``reach`` metres from ``origin`` along camera heading ``heading``."""
    angle = math.radians(heading)
    return PlanPoint(origin.x + reach * math.sin(angle), origin.z + reach * math.cos(angle))


def _rgb(colour: str) -> tuple[float, float, float]:
    """``#rrggbb`` as reportlab's 0-1 channels; grey for anything else."""
    text = colour.lstrip("#") if isinstance(colour, str) else ""
    if len(text) != 6:
        return (0.5, 0.5, 0.55)
    try:
        red, green, blue = (int(text[index:index + 2], 16) / 255 for index in (0, 2, 4))
    except ValueError:
        return (0.5, 0.5, 0.55)
    return (red, green, blue)
