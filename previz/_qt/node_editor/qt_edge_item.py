"""A link drawn as a curve from an output to an input, in its port type's colour."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QStyleOptionGraphicsItem, QWidget

_HIT_WIDTH = 10.0


class QtEdgeItem(QGraphicsPathItem):
    """A link between two ports; ``link_id`` is empty for the one a drag is drawing."""

    def __init__(self, link_id: str, colour: QColor, source_node: str = "",
                 target_node: str = "") -> None:
        super().__init__()
        self.link_id = link_id
        self.source_node = source_node
        self.target_node = target_node
        self.colour = colour
        self.setZValue(-1)
        if link_id:
            self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)

    def set_ends(self, start: QPointF, end: QPointF) -> None:
        """Run the curve from ``start`` (an output) to ``end`` (an input)."""
        pull = max(40.0, abs(end.x() - start.x()) / 2)
        path = QPainterPath(start)
        path.cubicTo(start + QPointF(pull, 0), end - QPointF(pull, 0), end)
        self.setPath(path)

    def shape(self) -> QPainterPath:
        """A band around the curve, wide enough to click."""
        stroker = QPainterPathStroker()
        stroker.setWidth(_HIT_WIDTH)
        return stroker.createStroke(self.path())

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        """The curve: thicker and lighter when selected, dashed while being drawn."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        selected = self.isSelected()
        pen = QPen(self.colour.lighter(140) if selected else self.colour, 3.5 if selected else 2.2)
        if not self.link_id:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path())
