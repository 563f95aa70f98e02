"""The floor plan's canvas: a metre grid under the plan's items, zoom and pan as in the node
editor, and presses on items turned into drags in metres."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsView, QWidget

from previz._qt.floor_plan.qt_plan_items import (
    SCALE,
    PlanTarget,
    QtTargetItem,
    camera_items,
    figure_item,
    mark_item,
    path_item,
    piece_item,
    to_plan,
    to_scene,
)
from previz._qt.node_editor.qt_graph_view import QtGraphView
from previz.core.cast import Character
from previz.core.floor_plan import FloorPlan, PlanPoint

CANVAS = QColor("#1c1e22")
GRID = QColor("#2a2d33")
GRID_FIVE = QColor("#3a3f48")
AXES = QColor("#4d5563")
NO_SNAP = Qt.KeyboardModifier.ShiftModifier  # held while dragging: no grid snapping


class QtPlanView(QtGraphView):
    """Draws a ``FloorPlan`` and reports drags: ``drag_started(target, point)``,
    ``dragged(target, point, snap)`` and ``drag_ended(target)``, points in metres on the
    ground; ``snap`` is False while Shift is held."""

    drag_started = Signal(object, object)
    dragged = Signal(object, object, bool)
    drag_ended = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("floorPlanView")
        self.setScene(QGraphicsScene(self))
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setBackgroundBrush(CANVAS)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)
        self.scene().setSceneRect(QRectF(-1000 * SCALE, -1000 * SCALE, 2000 * SCALE,
                                         2000 * SCALE))
        self.dragging: PlanTarget | None = None
        self.plan: FloorPlan | None = None
        self.resetTransform()

    def show_plan(self, plan: FloorPlan | None, cast: dict[str, Character],
                  highlighted: str = "") -> None:
        """Draw ``plan`` (nothing for None); ``cast`` gives the characters' colours."""
        self.plan = plan
        scene = self.scene()
        for item in scene.items():
            if item.parentItem() is None:
                scene.removeItem(item)
        if plan is None:
            return
        colours = {figure.character_id: figure.colour for figure in plan.figures}
        for piece in plan.footprints:
            scene.addItem(piece_item(piece))
        for walk in plan.paths:
            scene.addItem(path_item(walk, colours.get(walk.character_id, "#a0a0a0")))
        for mark in plan.marks:
            scene.addItem(mark_item(mark, colours.get(mark.character_id, "#a0a0a0")))
        for figure in plan.figures:
            hair = cast[figure.character_id].hair if figure.character_id in cast else "#303030"
            scene.addItem(figure_item(figure, hair, figure.character_id == highlighted))
        for camera in plan.cameras:
            for item in camera_items(camera):
                scene.addItem(item)

    def frame_plan(self, action: bool = True) -> None:
        """Show the people, their marks and the cameras (``action``), or the whole plan."""
        if self.plan is None:
            return
        low, high = self.plan.bounds(margin=1.5, action=action)
        rect = QRectF(to_scene(PlanPoint(low.x, high.z)), to_scene(PlanPoint(high.x, low.z)))
        self.fit_rect(rect, max_zoom=2.0)

    def target_at(self, position: QPointF) -> PlanTarget | None:
        """The draggable thing under a viewport point (handles first, then the topmost)."""
        found = [self._target_of(item) for item in self.items(position.toPoint())]
        found = [target for target in found if target is not None]
        turns = [target for target in found if target.kind.endswith("_turn")]
        return (turns or found or [None])[0]

    def ground_at(self, position: QPointF) -> PlanPoint:
        """The ground point under a viewport point, in metres."""
        return to_plan(self.mapToScene(position.toPoint()))

    def item_point(self, target: PlanTarget) -> QPointF | None:
        """Where an item of ``target`` is, in viewport coordinates (for tests and tools)."""
        for item in self.scene().items():
            if isinstance(item, QtTargetItem) and item.target == target:
                centre = item.path().boundingRect().center()
                return QPointF(self.mapFromScene(item.mapToScene(centre)))
        return None

    # --- events --------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Pan, or start dragging the item pressed."""
        if self.start_pan(event):
            return
        if event.button() == Qt.MouseButton.LeftButton:
            target = self.target_at(event.position())
            if target is not None:
                self.dragging = target
                self.drag_started.emit(target, self.ground_at(event.position()))
                event.accept()
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Follow the hand: pan, or drag."""
        if self.continue_pan(event):
            return
        if self.dragging is not None:
            snap = not bool(event.modifiers() & NO_SNAP)
            self.dragged.emit(self.dragging, self.ground_at(event.position()), snap)
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """End the pan or the drag."""
        if self.end_pan():
            return
        if self.dragging is not None and event.button() == Qt.MouseButton.LeftButton:
            target, self.dragging = self.dragging, None
            self.drag_ended.emit(target)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802
        """The metre grid (every fifth line stronger) and the axes through the origin."""
        painter.fillRect(rect, CANVAS)
        step = 1.0 if self.zoom * SCALE >= 8 else 5.0
        for colour, every in ((GRID, step), (GRID_FIVE, 5.0)):
            pen = QPen(colour, 1.0)
            pen.setCosmetic(True)
            painter.setPen(pen)
            self._lines(painter, rect, every)
        pen = QPen(AXES, 1.5)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.drawLine(QPointF(rect.left(), 0.0), QPointF(rect.right(), 0.0))
        painter.drawLine(QPointF(0.0, rect.top()), QPointF(0.0, rect.bottom()))

    @staticmethod
    def _lines(painter: QPainter, rect: QRectF, metres: float) -> None:
        spacing = metres * SCALE
        x = math.floor(rect.left() / spacing) * spacing
        while x <= rect.right():
            painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
            x += spacing
        y = math.floor(rect.top() / spacing) * spacing
        while y <= rect.bottom():
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            y += spacing

    @staticmethod
    def _target_of(item: QGraphicsItem | None) -> PlanTarget | None:
        while item is not None:
            if isinstance(item, QtTargetItem):
                return item.target
            item = item.parentItem()
        return None
