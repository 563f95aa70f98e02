"""Navigation for a graph canvas: zoom about the pointer, pan with middle or space drag."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QCursor, QKeyEvent, QMouseEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QGraphicsView, QWidget

ZOOM_RANGE = (0.1, 3.0)
_SETTLE_MS = 250


class QtGraphView(QGraphicsView):
    """A ``QGraphicsView`` that zooms to the cursor and pans; subclasses add the editing.

    ``zooming`` is True at the first step of a zoom and False once it has settled: items
    cached per device pixel re-render at every step, so they may drop their caches meanwhile.
    """

    zooming = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pan_from: QPoint | None = None
        self._space = False
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(_SETTLE_MS)
        self._settle.timeout.connect(lambda: self.zooming.emit(False))
        self.setRenderHints(QPainter.RenderHint.Antialiasing
                            | QPainter.RenderHint.TextAntialiasing
                            | QPainter.RenderHint.SmoothPixmapTransform)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setMinimumSize(200, 150)

    @property
    def zoom(self) -> float:
        """The current scale: 1 is 100 %."""
        return self.transform().m11()

    def zoom_by(self, factor: float) -> None:
        """Scale by ``factor`` about the pointer, within the zoom range."""
        factor = max(ZOOM_RANGE[0] / self.zoom, min(ZOOM_RANGE[1] / self.zoom, factor))
        if not self._settle.isActive():
            self.zooming.emit(True)
        self._settle.start()
        self.scale(factor, factor)

    def pan_by(self, dx: int, dy: int) -> None:
        """Move the view by ``dx``, ``dy`` viewport pixels (content follows the hand)."""
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - dx)
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() - dy)

    def fit_rect(self, rect: QRectF, max_zoom: float = 1.0) -> None:
        """Show all of ``rect``, zooming in no further than ``max_zoom``."""
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom > max_zoom:
            self.resetTransform()
            self.scale(max_zoom, max_zoom)
            self.centerOn(rect.center())

    def pointer(self) -> QPoint:
        """The pointer in viewport coordinates, or the viewport's centre when outside it."""
        pos = self.viewport().mapFromGlobal(QCursor.pos())
        return pos if self.viewport().rect().contains(pos) else self.viewport().rect().center()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        """Zoom about the pointer."""
        self.zoom_by(1.0015 ** event.angleDelta().y())
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Holding space turns a left drag into a pan."""
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Releasing space ends it."""
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self.viewport().unsetCursor()
            return
        super().keyReleaseEvent(event)

    def start_pan(self, event: QMouseEvent) -> bool:
        """Begin a pan on a middle press or a left press with space held; say if it did."""
        button = event.button()
        if button == Qt.MouseButton.MiddleButton or (
                button == Qt.MouseButton.LeftButton and self._space):
            self._pan_from = event.position().toPoint()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            return True
        return False

    def continue_pan(self, event: QMouseEvent) -> bool:
        """Follow the hand while panning; say if a pan is going on."""
        if self._pan_from is None:
            return False
        delta = event.position().toPoint() - self._pan_from
        self._pan_from = event.position().toPoint()
        self.pan_by(delta.x(), delta.y())
        return True

    def end_pan(self) -> bool:
        """Stop panning; say if a pan was going on."""
        if self._pan_from is None:
            return False
        self._pan_from = None
        if self._space:
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            self.viewport().unsetCursor()
        return True
