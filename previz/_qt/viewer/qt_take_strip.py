"""The take strip: every take of the selected shot side by side, to play and to circle."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from previz._qt.viewer.qt_thumbnails import HEIGHT, QtThumbnails
from previz.app.takes import NodeTakes

TAKE_ROLE = Qt.ItemDataRole.UserRole + 1
CARD = QSize(HEIGHT * 16 // 9, HEIGHT)


class QtTakeStrip(QWidget):
    """Shows ``NodeTakes``: a card per take (thumbnail, seed, circled mark).

    ``take_clicked(take)`` when a card is clicked (to play it); ``circle_requested(take)`` on a
    double-click or the Circle button.
    """

    take_clicked = Signal(int)
    circle_requested = Signal(int)

    def __init__(self, thumbnails: QtThumbnails, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.thumbnails = thumbnails
        self.takes: NodeTakes | None = None
        self.cards = QListWidget(self)
        self.cards.setObjectName("takeStrip")
        self.cards.setViewMode(QListWidget.ViewMode.IconMode)
        self.cards.setFlow(QListWidget.Flow.LeftToRight)
        self.cards.setWrapping(False)
        self.cards.setIconSize(CARD)
        self.cards.setFixedHeight(HEIGHT + 48)
        self.cards.setMovement(QListWidget.Movement.Static)
        self.cards.itemClicked.connect(lambda item: self.take_clicked.emit(item.data(TAKE_ROLE)))
        self.cards.itemDoubleClicked.connect(
            lambda item: self.circle_requested.emit(item.data(TAKE_ROLE)))
        self.circle_button = QPushButton("Circle take", self)
        self.circle_button.setToolTip("Make the chosen take the one that flows downstream")
        self.circle_button.clicked.connect(self._circle_current)
        side = QVBoxLayout()
        side.addWidget(self.circle_button)
        side.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.cards, 1)
        layout.addLayout(side)
        thumbnails.ready.connect(self._thumbnail_ready)
        self.show_takes(None)

    def show_takes(self, takes: NodeTakes | None, playing: int | None = None) -> None:
        """Show the cards of ``takes`` (none: empty), marking the one ``playing``."""
        if takes is not None and takes == self.takes and self.cards.count():
            self.cards.setCurrentRow(takes.circled if playing is None else playing)
            return  # the same cards: keep them, so a double-click lands on what was clicked
        self.takes = takes
        self.cards.clear()
        self.circle_button.setEnabled(takes is not None and len(takes.keys) > 1)
        if takes is None:
            return
        for take, seed in enumerate(takes.seeds):
            circled = take == takes.circled
            mark = "◉ " if circled else ""
            item = QListWidgetItem(self._icon(takes, take), f"{mark}Take {take + 1}\nseed {seed}")
            item.setData(TAKE_ROLE, take)
            item.setToolTip(("circled; " if circled else "")
                            + ("rendered" if takes.clips[take] else "not rendered"))
            if circled:
                item.setForeground(QColor("#f2a541"))
            self.cards.addItem(item)
        self.cards.setCurrentRow(takes.circled if playing is None else playing)

    def _icon(self, takes: NodeTakes, take: int) -> QIcon:
        clip = takes.clips[take]
        image = self.thumbnails.get(clip) if clip is not None else None
        if image is None:
            pixmap = QPixmap(CARD)
            pixmap.fill(QColor("#2a2e36"))
            return QIcon(pixmap)
        return QIcon(QPixmap.fromImage(image))

    def _circle_current(self) -> None:
        item = self.cards.currentItem()
        if item is not None:
            self.circle_requested.emit(item.data(TAKE_ROLE))

    def _thumbnail_ready(self, key: str) -> None:
        if self.takes is not None and key in self.takes.keys:
            playing = self.cards.currentRow()
            takes, self.takes = self.takes, None
            self.show_takes(takes, playing if playing >= 0 else None)
