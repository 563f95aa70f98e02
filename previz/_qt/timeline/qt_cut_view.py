"""The cut drawn as a track: shot boxes with thumbnails, names and durations, a ruler and the
playhead; press to select, drag a box to reorder, drag its edges to trim, drag the ruler to
scrub. Edits go out as signals; the timeline turns them into commands."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from fractions import Fraction

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QWidget

from previz._qt.viewer.qt_thumbnails import QtThumbnails
from previz.app.clock import timecode
from previz.app.cut import Cut, CutShot

RULER, TRACK_TOP, TRACK_HEIGHT, MARGIN, EDGE = 20, 26, 84, 8, 6
_SHOT, _SLATE, _SELECTED = QColor("#2f4a5e"), QColor("#4a3a2a"), QColor("#f2a541")
_TEXT, _DIM, _PLAYHEAD = QColor("#e9e4d8"), QColor("#a7adb8"), QColor("#e8544e")
NODES_MIME = "application/x-previz-node-ids"  # nodes dragged from the node editor
MAX_ZOOM = 200.0


@dataclass
class _Drag:
    """A press under way: what it started on and the values it started from."""

    mode: str  # "scrub", "body", "in", "out"
    shot: CutShot | None
    x: float
    gesture: str = ""
    moved: bool = False
    target: int = -1


class QtCutView(QWidget):
    """Draws a ``Cut``; ``selected_nodes`` and ``playhead`` come from the timeline."""

    scrubbed = Signal(int)
    entry_pressed = Signal(str)
    move_requested = Signal(str, int)
    trim_requested = Signal(str, int, object, str)  # entry id, in, out, gesture
    nodes_dropped = Signal(list, int)  # node ids dragged from the editor, index on the cut

    def __init__(self, thumbnails: QtThumbnails, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cutView")
        self.setMouseTracking(True)
        self.setMinimumHeight(TRACK_TOP + TRACK_HEIGHT + 8)
        self.thumbnails = thumbnails
        self.cut = Cut((), Fraction(24))
        self.playhead = 0
        self.selected_nodes: tuple[str, ...] = ()
        self.current_entry: str | None = None
        self._drag: _Drag | None = None
        self.zoom = 1.0  # 1: the whole cut fits the width
        self.offset = 0.0  # the editorial frame at the left edge, when zoomed in
        self._drop_at: int | None = None
        self.setAcceptDrops(True)
        thumbnails.ready.connect(lambda _key: self.update())

    def sizeHint(self) -> QSize:  # noqa: N802
        """A track's height."""
        return QSize(800, TRACK_TOP + TRACK_HEIGHT + 8)

    @property
    def scale(self) -> float:
        """Pixels per editorial frame: the cut fits the width, times the zoom."""
        return max(self.width() - 2 * MARGIN, 1) / max(self.cut.length, 1) * self.zoom

    def x_of(self, frame: float) -> float:
        """The x of an editorial frame's left edge."""
        return MARGIN + (frame - self.offset) * self.scale

    def frame_at(self, x: float) -> int:
        """The editorial frame under ``x``."""
        frame = int((x - MARGIN) / self.scale + self.offset)
        return max(0, min(frame, max(self.cut.length - 1, 0)))

    def zoom_by(self, factor: float, anchor_x: float | None = None) -> None:
        """Zoom in (factor > 1) or out about ``anchor_x`` (default: the playhead)."""
        anchor = self.x_of(self.playhead) if anchor_x is None else anchor_x
        frame = (anchor - MARGIN) / self.scale + self.offset
        self.zoom = min(max(self.zoom * factor, 1.0), MAX_ZOOM)
        self.offset = frame - (anchor - MARGIN) / self.scale
        self._clamp()

    def scroll_by(self, pixels: float) -> None:
        """Scroll the track sideways (positive: later in the cut)."""
        self.offset += pixels / self.scale
        self._clamp()

    def _clamp(self) -> None:
        visible = max(self.width() - 2 * MARGIN, 1) / self.scale
        self.offset = min(max(self.offset, 0.0), max(self.cut.length - visible, 0.0))
        self.update()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        """Ctrl+wheel zooms about the pointer; the wheel scrolls the track sideways."""
        delta = event.angleDelta().y() or event.angleDelta().x()
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_by(1.0015 ** delta, event.position().x())
        else:
            self.scroll_by(-delta / 2)
        event.accept()

    # --- nodes dropped from the editor --------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        """Accept nodes dragged from the node editor."""
        if event.mimeData().hasFormat(NODES_MIME):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        """Show where the nodes would go."""
        if event.mimeData().hasFormat(NODES_MIME):
            self._drop_at = self._index_at(event.position().x())
            event.acceptProposedAction()
            self.update()

    def dragLeaveEvent(self, event: object) -> None:  # noqa: N802
        """Forget the drop marker."""
        self._drop_at = None
        self.update()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        """Put the dragged nodes on the cut where they were dropped."""
        self._drop_at = None
        if not event.mimeData().hasFormat(NODES_MIME):
            return
        ids = bytes(event.mimeData().data(NODES_MIME).data()).decode().split()
        event.acceptProposedAction()
        self.nodes_dropped.emit(ids, self._index_at(event.position().x()))
        self.update()

    def _index_at(self, x: float) -> int:
        return sum(1 for shot in self.cut.shots if self.shot_rect(shot).center().x() < x)

    def shot_rect(self, shot: CutShot) -> QRectF:
        """Where a shot's box is."""
        return QRectF(self.x_of(shot.start), TRACK_TOP, shot.length * self.scale, TRACK_HEIGHT)

    def shot_at(self, point: QPointF) -> CutShot | None:
        """The shot whose box holds ``point``."""
        return next((shot for shot in self.cut.shots
                     if self.shot_rect(shot).contains(point)), None)

    # --- painting -----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Ruler, boxes, the drop marker of a reorder, then the playhead."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#16181c"))
        self._paint_ruler(painter)
        for shot in self.cut.shots:
            self._paint_shot(painter, shot)
        if self._drag is not None and self._drag.mode == "body" and self._drag.moved:
            x = self._drop_x(self._drag.target)
            painter.fillRect(QRectF(x - 2, TRACK_TOP - 4, 4, TRACK_HEIGHT + 8), _SELECTED)
        if self._drop_at is not None:
            x = self.x_of(sum(shot.length for shot in self.cut.shots[:self._drop_at]))
            painter.fillRect(QRectF(x - 2, TRACK_TOP - 4, 4, TRACK_HEIGHT + 8), _SELECTED)
        x = self.x_of(self.playhead)
        painter.setPen(QPen(_PLAYHEAD, 2))
        painter.drawLine(QPointF(x, 0), QPointF(x, TRACK_TOP + TRACK_HEIGHT + 4))
        painter.end()

    def _paint_ruler(self, painter: QPainter) -> None:
        painter.fillRect(QRectF(0, 0, self.width(), RULER), QColor("#1f232a"))
        rate = max(round(self.cut.rate), 1)
        step = rate * max(1, round(60 / (self.scale * rate)))  # a label every ~60 px or more
        if self.scale * rate > 240:  # zoomed in: a label every few frames
            step = max(1, round(60 / self.scale))
        painter.setPen(_DIM)
        for frame in range(0, self.cut.length + 1, max(step, 1)):
            x = self.x_of(frame)
            painter.drawLine(QPointF(x, RULER - 6), QPointF(x, RULER))
            painter.drawText(QPointF(x + 3, RULER - 6), timecode(frame, self.cut.rate)[3:8])

    def _paint_shot(self, painter: QPainter, shot: CutShot) -> None:
        box = self.shot_rect(shot).adjusted(1, 0, -1, 0)
        selected = shot.entry.node in self.selected_nodes
        painter.setPen(QPen(_SELECTED if selected else QColor("#0b0c0e"), 2 if selected else 1))
        painter.setBrush(_SHOT if shot.rendered else _SLATE)
        painter.drawRoundedRect(box, 4, 4)
        painter.save()
        painter.setClipRect(box.adjusted(2, 2, -2, -2))
        image = self.thumbnails.get(shot.clip, shot.source.start) if shot.clip else None
        if image is not None:
            height = TRACK_HEIGHT - 30
            width = height * image.width() / max(image.height(), 1)
            painter.drawImage(QRectF(box.left() + 4, box.top() + 4, width, height), image)
        painter.setPen(_TEXT)
        name = shot.label.split("'")[1] if shot.label.count("'") == 2 else shot.label
        painter.drawText(QPointF(box.left() + 6, box.bottom() - 16), name)
        painter.setPen(_DIM)
        seconds = shot.length / float(self.cut.rate)
        state = "" if shot.rendered else " · not rendered"
        painter.drawText(QPointF(box.left() + 6, box.bottom() - 4),
                         f"{seconds:.1f} s · {shot.length} f{state}")
        painter.restore()

    def _drop_x(self, index: int) -> float:
        others = [shot for shot in self.cut.shots
                  if self._drag is None or shot is not self._drag.shot]
        if not others:
            return self.x_of(0)
        lengths = sum(shot.length for shot in others[:index])
        return self.x_of(lengths)

    # --- mouse --------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Scrub on the ruler; on a box, select it and start a trim or a move."""
        point = event.position()
        shot = self.shot_at(point)
        if point.y() < TRACK_TOP or shot is None:
            self._drag = _Drag("scrub", None, point.x())
            self.scrubbed.emit(self.frame_at(point.x()))
            return
        box = self.shot_rect(shot)
        mode = ("in" if point.x() - box.left() < EDGE
                else "out" if box.right() - point.x() < EDGE else "body")
        self._drag = _Drag(mode, shot, point.x(), gesture=uuid.uuid4().hex)
        self.current_entry = shot.entry.id
        self.entry_pressed.emit(shot.entry.id)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Follow the drag under way; otherwise show a trim cursor over edges."""
        drag, x = self._drag, event.position().x()
        if drag is None:
            self._hover_cursor(event.position())
        elif drag.mode == "scrub":
            self.scrubbed.emit(self.frame_at(x))
        elif drag.mode == "body" and (drag.moved or abs(x - drag.x) > 4):
            drag.moved, drag.target = True, self._drop_index(drag, x)
            self.update()
        elif drag.mode in ("in", "out") and drag.shot is not None:
            self._trim(drag, x)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """End the drag; a moved box goes where it was dropped."""
        drag, self._drag = self._drag, None
        if drag is not None and drag.mode == "body" and drag.moved and drag.shot is not None:
            index = self._drop_index(drag, event.position().x())
            if index != self.cut.shots.index(drag.shot):
                self.move_requested.emit(drag.shot.entry.id, index)
        self.update()

    def _drop_index(self, drag: _Drag, x: float) -> int:
        others = [shot for shot in self.cut.shots if shot is not drag.shot]
        return sum(1 for shot in others if self.shot_rect(shot).center().x() < x)

    def _trim(self, drag: _Drag, x: float) -> None:
        shot = drag.shot
        assert shot is not None
        frames = round((x - drag.x) / self.scale)
        delta = round(frames / self.cut.rate * shot.fps)
        first, stop = shot.source.start, shot.source.stop
        if drag.mode == "in":
            first = min(max(first + delta, 0), stop - 1)
        else:
            limit = shot.clip.frame_count if shot.clip is not None else stop + 10**6
            stop = min(max(stop + delta, first + 1), limit)
        self.trim_requested.emit(shot.entry.id, first, stop, drag.gesture)

    def _hover_cursor(self, point: QPointF) -> None:
        shot = self.shot_at(point)
        box = self.shot_rect(shot) if shot is not None else None
        near = box is not None and min(point.x() - box.left(), box.right() - point.x()) < EDGE
        self.setCursor(Qt.CursorShape.SizeHorCursor if near else Qt.CursorShape.ArrowCursor)
