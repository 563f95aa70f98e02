"""A picture in an aspect-ratio container, with letterbox guides, thirds and safe areas."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

GUIDES = {"2.39": 2.39, "1.85": 1.85, "16:9": 16 / 9, "9:16": 9 / 16}
OVERLAYS = ("thirds", "safe")
ACTION_SAFE, TITLE_SAFE = 0.93, 0.90
_MATTE = QColor(0, 0, 0, 150)
_GUIDE_COLOURS = {"2.39": "#f2a541", "1.85": "#7fb8e6", "16:9": "#8cc474", "9:16": "#d98bd0"}
_OVERLAY = QColor(255, 255, 255, 110)


def to_qimage(frame: np.ndarray) -> QImage:
    """An RGB frame as a QImage that shares its memory (keep the array while it is shown)."""
    height, width = frame.shape[:2]
    return QImage(frame.data, width, height, frame.strides[0], QImage.Format.Format_RGB888)


def fit(outer: QRectF, aspect: float) -> QRectF:
    """The largest rectangle of ``aspect`` (width / height) centred in ``outer``."""
    width = min(outer.width(), outer.height() * aspect)
    height = width / aspect
    return QRectF(outer.center().x() - width / 2, outer.center().y() - height / 2,
                  width, height)


class QtFrameView(QWidget):
    """Shows one frame at its aspect ratio, or a slate card with a caption when there is none.

    ``guides`` (names of ``GUIDES``) and ``overlays`` (``thirds``, ``safe``) are the toggles the
    user has on: display choices, not part of the document.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("frameView")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(96, 54)
        self.guides: set[str] = set()
        self.overlays: set[str] = set()
        self.aspect = 16 / 9
        self.frame: np.ndarray | None = None
        self.slate: list[str] = []
        self._image: QImage | None = None

    def sizeHint(self) -> QSize:  # noqa: N802
        """Room for a useful picture."""
        return QSize(480, 270)

    def show_frame(self, frame: np.ndarray) -> None:
        """Show ``frame`` (kept while shown)."""
        self.frame, self.slate = frame, []
        self._image = to_qimage(frame)
        self.aspect = frame.shape[1] / frame.shape[0]
        self.update()

    def show_slate(self, lines: list[str], aspect: Fraction | float | None = None) -> None:
        """Show a slate card with ``lines`` (name, duration, state) instead of a picture."""
        self.frame, self._image, self.slate = None, None, list(lines)
        if aspect:
            self.aspect = float(aspect)
        self.update()

    def set_toggle(self, name: str, on: bool) -> None:
        """Turn a guide or overlay on or off."""
        chosen = self.guides if name in GUIDES else self.overlays
        if on:
            chosen.add(name)
        else:
            chosen.discard(name)
        self.update()

    def picture_rect(self) -> QRectF:
        """Where the picture is drawn in the widget."""
        return fit(QRectF(self.rect()).adjusted(4, 4, -4, -4), self.aspect)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Black surround, the picture or slate, then the guides and overlays on top."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#0b0c0e"))
        picture = self.picture_rect()
        if self._image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(picture, self._image)
        else:
            self._paint_slate(painter, picture)
        for name in GUIDES:
            if name in self.guides:
                self._paint_guide(painter, picture, name)
        if "thirds" in self.overlays:
            self._paint_thirds(painter, picture)
        if "safe" in self.overlays:
            self._paint_safe(painter, picture)
        painter.end()

    def _paint_slate(self, painter: QPainter, picture: QRectF) -> None:
        painter.fillRect(picture, QColor("#22262d"))
        painter.setPen(QPen(QColor("#4a505c"), 2))
        painter.drawRect(picture.adjusted(6, 6, -6, -6))
        painter.setPen(QColor("#e9e4d8"))
        font = QFont(self.font())
        font.setPointSizeF(max(9.0, picture.height() / 14))
        painter.setFont(font)
        painter.drawText(picture, Qt.AlignmentFlag.AlignCenter, "\n".join(self.slate))

    def _paint_guide(self, painter: QPainter, picture: QRectF, name: str) -> None:
        inner = fit(picture, GUIDES[name])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(_MATTE)
        if inner.width() < picture.width() - 1:  # pillarbox
            painter.drawRect(QRectF(picture.left(), picture.top(),
                                    inner.left() - picture.left(), picture.height()))
            painter.drawRect(QRectF(inner.right(), picture.top(),
                                    picture.right() - inner.right(), picture.height()))
        else:  # letterbox
            painter.drawRect(QRectF(picture.left(), picture.top(),
                                    picture.width(), inner.top() - picture.top()))
            painter.drawRect(QRectF(picture.left(), inner.bottom(),
                                    picture.width(), picture.bottom() - inner.bottom()))
        colour = QColor(_GUIDE_COLOURS[name])
        painter.setPen(QPen(colour, 1.5, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(inner)
        painter.setPen(colour)
        painter.drawText(inner.topLeft() + QPointF(6, 16), name)

    def _paint_thirds(self, painter: QPainter, picture: QRectF) -> None:
        painter.setPen(QPen(_OVERLAY, 1))
        for third in (1 / 3, 2 / 3):
            x = picture.left() + picture.width() * third
            y = picture.top() + picture.height() * third
            painter.drawLine(QPointF(x, picture.top()), QPointF(x, picture.bottom()))
            painter.drawLine(QPointF(picture.left(), y), QPointF(picture.right(), y))

    def _paint_safe(self, painter: QPainter, picture: QRectF) -> None:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for share, style in ((ACTION_SAFE, Qt.PenStyle.SolidLine),
                             (TITLE_SAFE, Qt.PenStyle.DotLine)):
            margin_x = picture.width() * (1 - share) / 2
            margin_y = picture.height() * (1 - share) / 2
            painter.setPen(QPen(_OVERLAY, 1, style))
            painter.drawRect(picture.adjusted(margin_x, margin_y, -margin_x, -margin_y))
