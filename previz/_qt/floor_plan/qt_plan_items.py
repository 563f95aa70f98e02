"""The floor plan's pictures: set pieces, figures, marks, paths and cameras from the core's
geometry, in scene units of ``SCALE`` per metre (y down the screen is -z: away is up)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen, QPolygonF, QTransform
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsSimpleTextItem,
)

from previz.core.floor_plan import (
    CameraWedge,
    FigureOutline,
    Footprint,
    MarkPin,
    PlanPoint,
    WalkPath,
    turned,
)

SCALE = 50.0  # scene units per metre
LABEL = QColor("#e6e6e6")
SELECTED = QColor("#f2a541")
WEDGE = QColor("#7fb8e6")
HANDLE = QColor("#f2f2f2")
HANDLE_RADIUS = 0.14  # metres
CAMERA_BODY = (0.5, 0.32)  # metres: width, depth of the camera's body from above
PIECE_HANDLE = 0.5  # metres in front of a set piece


@dataclass(frozen=True)
class PlanTarget:
    """What pressing an item drags: ``kind`` (figure, mark, piece, camera, or a turn of one:
    figure_turn, piece_turn, camera_turn) and the id it edits (a mark's order as text)."""

    kind: str
    key: str


def to_scene(point: PlanPoint) -> QPointF:
    """A ground point in scene units."""
    return QPointF(point.x * SCALE, -point.z * SCALE)


def to_plan(point: QPointF) -> PlanPoint:
    """A scene point on the ground, in metres."""
    return PlanPoint(point.x() / SCALE, -point.y() / SCALE)


def polygon(points: tuple[PlanPoint, ...] | list[PlanPoint]) -> QPolygonF:
    """A closed outline in scene units."""
    return QPolygonF([to_scene(point) for point in points])


def label(text: str, at: PlanPoint, parent: QGraphicsItem, colour: QColor = LABEL, *,
          bold: bool = False, dx: float = 6.0, dy: float = 4.0) -> QGraphicsSimpleTextItem:
    """Text that keeps its size on screen at any zoom, its corner ``dx``, ``dy`` pixels from
    the point."""
    item = QGraphicsSimpleTextItem(text, parent)
    font = QFont()
    font.setPointSizeF(9.0)
    font.setBold(bold)
    item.setFont(font)
    item.setBrush(QBrush(colour))
    item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
    item.setTransform(QTransform.fromTranslate(dx, dy))
    item.setPos(parent.mapFromScene(to_scene(at)))
    item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
    item.setZValue(20)
    return item


def _pen(colour: QColor, width: float = 1.5, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(colour, width, style)
    pen.setCosmetic(True)  # pixels on screen, at any zoom
    return pen


class QtTargetItem(QGraphicsPathItem):
    """A path item that can be dragged on the plan: it carries its ``target``."""

    def __init__(self, target: PlanTarget, parent: QGraphicsItem | None = None) -> None:
        super().__init__(parent)
        self.target = target


def piece_item(piece: Footprint) -> QtTargetItem:
    """A set piece's footprint, filled with its colour, named, with a turn handle in front."""
    item = QtTargetItem(PlanTarget("piece", piece.piece_id))
    path = QPainterPath()
    path.addPolygon(polygon(piece.corners))
    path.closeSubpath()
    item.setPath(path)
    fill = QColor(piece.colour)
    fill.setAlpha(200)
    item.setBrush(QBrush(fill))
    item.setPen(_pen(fill.lighter(150), 1.2, Qt.PenStyle.DashLine if piece.moved
                     else Qt.PenStyle.SolidLine))
    item.setZValue(0)
    label(piece.name, piece.centre, item, QColor("#d8d8d8"), dx=-12.0)
    handle = handle_item(PlanTarget("piece_turn", piece.piece_id), piece_handle(piece))
    handle.setParentItem(item)
    return item


def piece_handle(piece: Footprint) -> PlanPoint:
    """Where a set piece's turn handle sits: in front of its front edge."""
    ahead = turned(0.0, -(piece.depth / 2 + PIECE_HANDLE), piece.rotation)
    return PlanPoint(piece.centre.x + ahead.x, piece.centre.z + ahead.z)


def handle_item(target: PlanTarget, at: PlanPoint) -> QtTargetItem:
    """A small round handle to turn something with."""
    item = QtTargetItem(target)
    path = QPainterPath()
    centre, radius = to_scene(at), HANDLE_RADIUS * SCALE
    path.addEllipse(centre, radius, radius)
    item.setPath(path)
    item.setBrush(QBrush(QColor(40, 40, 44, 220)))
    item.setPen(_pen(HANDLE, 1.5))
    item.setZValue(30)
    item.setToolTip("Drag to turn")
    return item


def figure_item(figure: FigureOutline, hair: str, highlighted: bool) -> QtTargetItem:
    """A character from above: body in wardrobe colour, head, facing arrow, name; the
    arrow's tip is the handle that turns them."""
    item = QtTargetItem(PlanTarget("figure", figure.character_id))
    path = QPainterPath()
    path.addPolygon(polygon(figure.outline))
    path.closeSubpath()
    item.setPath(path)
    item.setBrush(QBrush(QColor(figure.colour)))
    item.setPen(_pen(SELECTED if highlighted else QColor("#f0f0f0"), 2.0 if highlighted else 1.2))
    item.setZValue(40)
    head = QGraphicsEllipseItem(_circle(figure.position, figure.head_radius), item)
    head.setBrush(QBrush(QColor(hair)))
    head.setPen(_pen(QColor("#101010"), 1.0))
    arrow = QGraphicsPathItem(_arrow(figure.position, figure.arrow_tip), item)
    arrow.setPen(_pen(QColor("#ffe08a"), 2.0))
    label(figure.name, figure.position, item, LABEL, bold=True, dx=8.0, dy=-20.0)
    turn = handle_item(PlanTarget("figure_turn", figure.character_id), figure.arrow_tip)
    turn.setParentItem(item)
    return item


def mark_item(mark: MarkPin, colour: str) -> QtTargetItem:
    """A numbered mark with its cue time."""
    item = QtTargetItem(PlanTarget("mark", str(mark.order)))
    path = QPainterPath()
    centre, radius = to_scene(mark.position), 0.2 * SCALE
    path.addEllipse(centre, radius, radius)
    path.moveTo(centre + QPointF(-radius * 0.6, 0))
    path.lineTo(centre + QPointF(radius * 0.6, 0))
    path.moveTo(centre + QPointF(0, -radius * 0.6))
    path.lineTo(centre + QPointF(0, radius * 0.6))
    item.setPath(path)
    item.setBrush(QBrush(QColor(24, 24, 28, 160)))
    item.setPen(_pen(QColor(colour).lighter(140), 1.6))
    item.setZValue(20)
    label(mark.label, mark.position, item, QColor(colour).lighter(170), dx=8.0, dy=6.0)
    item.setToolTip(f"Mark {mark.number} at {mark.time:g} s: drag to move it")
    return item


def path_item(walk: WalkPath, colour: str) -> QGraphicsPathItem:
    """A character's path from mark to mark, dashed in their colour."""
    path = QPainterPath(to_scene(walk.points[0]))
    for point in walk.points[1:]:
        path.lineTo(to_scene(point))
    item = QGraphicsPathItem(path)
    item.setPen(_pen(QColor(colour).lighter(150), 1.8, Qt.PenStyle.DashLine))
    item.setZValue(10)
    return item


def camera_items(camera: CameraWedge) -> list[QGraphicsItem]:
    """A camera's wedge (not draggable), body (drags the camera; a framed one swings round its
    subject) and, for a placed camera, a turn handle; labelled with the shot number."""
    colour = SELECTED if camera.selected else WEDGE
    wedge = QGraphicsPolygonItem(polygon([camera.apex, camera.left, camera.right]))
    fill = QColor(colour)
    fill.setAlpha(70 if camera.selected else 28)
    wedge.setBrush(QBrush(fill))
    wedge.setPen(_pen(colour, 2.0 if camera.selected else 1.0,
                      Qt.PenStyle.SolidLine if camera.live else Qt.PenStyle.DotLine))
    wedge.setZValue(5 if camera.selected else 4)
    body = QtTargetItem(PlanTarget("camera", camera.node_id))
    body.setPath(_camera_body(camera))
    body.setBrush(QBrush(colour.darker(130) if not camera.selected else colour))
    body.setPen(_pen(QColor("#101010"), 1.2))
    body.setZValue(50)
    body.setToolTip(f"Shot {camera.number}: drag to {'move' if camera.placed else 'swing'}"
                    " the camera")
    label(camera.number, camera.apex, body, colour, bold=True, dx=8.0, dy=8.0)
    items: list[QGraphicsItem] = [wedge, body]
    if camera.placed:
        ahead = turned(0.0, CAMERA_BODY[1] + 0.35, -camera.heading)
        items.append(handle_item(PlanTarget("camera_turn", camera.node_id),
                                 PlanPoint(camera.apex.x + ahead.x, camera.apex.z + ahead.z)))
    elif camera.selected:
        pivot = QGraphicsEllipseItem(_circle(camera.pivot, 0.06))
        pivot.setPen(_pen(colour, 1.2))
        pivot.setZValue(6)
        items.append(pivot)
    return items


def _camera_body(camera: CameraWedge) -> QPainterPath:
    """A box behind the apex with a lens toward the view, turned to the heading."""
    width, depth = CAMERA_BODY
    corners = [(-width / 2, -depth), (width / 2, -depth), (width / 2, 0.0), (-width / 2, 0.0)]
    lens = [(-width / 4, 0.0), (width / 4, 0.0), (width / 3, depth / 2), (-width / 3, depth / 2)]
    path = QPainterPath()
    for shape in (corners, lens):
        points = [_camera_point(camera, x, z) for x, z in shape]
        path.addPolygon(polygon(points))
        path.closeSubpath()
    return path


def _camera_point(camera: CameraWedge, x: float, z: float) -> PlanPoint:
    """A point of the camera's own frame (x right, z forward) on the ground: the heading turns
    +z toward +x, clockwise seen from above, the opposite of ``turned``."""
    on_ground = turned(x, z, -camera.heading)
    return PlanPoint(camera.apex.x + on_ground.x, camera.apex.z + on_ground.z)


def _circle(centre: PlanPoint, radius: float) -> QRectF:
    middle, r = to_scene(centre), radius * SCALE
    return QRectF(middle.x() - r, middle.y() - r, 2 * r, 2 * r)


def _arrow(start: PlanPoint, tip: PlanPoint) -> QPainterPath:
    a, b = to_scene(start), to_scene(tip)
    path = QPainterPath(a)
    path.lineTo(b)
    direction = b - a
    length = max((direction.x() ** 2 + direction.y() ** 2) ** 0.5, 1e-6)
    unit = QPointF(direction.x() / length, direction.y() / length)
    side = QPointF(-unit.y(), unit.x())
    barb = 0.12 * SCALE
    path.moveTo(b - unit * barb + side * barb * 0.6)
    path.lineTo(b)
    path.lineTo(b - unit * barb - side * barb * 0.6)
    return path
