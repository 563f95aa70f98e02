"""A port on a node: a coloured circle, typed, that a drag starts or ends on."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneHoverEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from previz._qt.node_editor import qt_node_style as style
from previz.core.project import PortRef
from previz.core.spec import Input, Output

_HIT = 9.0  # a port is small to look at and generous to hit


class QtPortItem(QGraphicsItem):
    """An input (left edge) or output (right edge) of a node item; optional inputs are rings.

    The node draws its ports into its own cache; a port item is there to be hit, and draws
    itself only while hovered.
    """

    def __init__(self, parent: QGraphicsItem, node_id: str, port: Input | Output,
                 is_output: bool) -> None:
        super().__init__(parent)
        self.node_id = node_id
        self.name = port.name
        self.port_type = port.type
        self.is_output = is_output
        self.optional = isinstance(port, Input) and port.optional
        self.label = port.label or port.name
        self.setAcceptHoverEvents(True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)
        self.setZValue(1)
        kind = "output" if is_output else ("optional input" if self.optional else "input")
        self.setToolTip(f"{self.label}: {self.port_type} {kind}")

    @property
    def ref(self) -> PortRef:
        """The port as the project names it."""
        return PortRef(self.node_id, self.name)

    def anchor(self) -> QPointF:
        """Where links attach, in scene coordinates."""
        return self.scenePos()

    def boundingRect(self) -> QRectF:  # noqa: N802
        """The hit area, larger than the drawn circle."""
        return QRectF(-_HIT, -_HIT, 2 * _HIT, 2 * _HIT)

    def shape(self) -> QPainterPath:
        """A circle around the port, generous for dragging."""
        path = QPainterPath()
        path.addEllipse(QPointF(0, 0), _HIT, _HIT)
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        """Only the hovered port draws itself, larger; the node draws the rest in its cache."""
        paint_port(painter, QPointF(0, 0), self, grown=True)

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:  # noqa: N802
        """Grow a little under the pointer."""
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, False)
        self.update()

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:  # noqa: N802
        """Back to normal size."""
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
        self.update()


def paint_port(painter: QPainter, centre: QPointF, port: QtPortItem, grown: bool = False) -> None:
    """A filled circle in the port type's colour; a ring for an optional input."""
    colour = style.port_colour(port.port_type)
    radius = style.PORT_RADIUS + (1.5 if grown else 0.0)
    if port.optional:
        painter.setPen(QPen(colour, 2.0))
        painter.setBrush(style.BODY)
    else:
        painter.setPen(QPen(style.BORDER, 1.0))
        painter.setBrush(colour)
    painter.drawEllipse(centre, radius, radius)
