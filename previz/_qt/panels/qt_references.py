"""A strip of reference-image thumbnails with Add and Remove; the files become hashed assets."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from previz._qt.inspector.qt_asset_editor import image_asset
from previz.core.project import Project
from previz.core.project_json import ASSET_EXTENSIONS

THUMB = QSize(96, 72)
_FILTER = "Images ({})".format(" ".join(f"*.{ext}" for ext in ASSET_EXTENSIONS))


def asset_icon(project: Project, sha256: str, size: QSize = THUMB) -> QIcon | None:
    """The asset's picture scaled into ``size``, or None if it is missing or unreadable."""
    asset = project.assets.get(sha256)
    pixmap = QPixmap()
    if asset is None or not asset.data or not pixmap.loadFromData(asset.data):
        return None
    return QIcon(pixmap.scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                               Qt.TransformationMode.SmoothTransformation))


class QtReferenceStrip(QWidget):
    """Thumbnails of reference images. ``added(Asset)`` when the user picks a file,
    ``removed(sha256)`` for Remove, ``problem(text)`` for a file that is not an image."""

    added = Signal(object)
    removed = Signal(str)
    problem = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(THUMB)
        self.list.setFlow(QListView.Flow.LeftToRight)
        self.list.setWrapping(False)
        self.list.setFixedHeight(THUMB.height() + 34)
        self.add_button = QPushButton("Add image…", self)
        self.remove_button = QPushButton("Remove", self)
        self.add_button.clicked.connect(self._add)
        self.remove_button.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(buttons)

    def show_references(self, project: Project, hashes: tuple[str, ...]) -> None:
        """One thumbnail per image, named by its file name."""
        self.list.clear()
        for sha256 in hashes:
            asset = project.assets.get(sha256)
            item = QListWidgetItem(asset.name if asset else "missing image")
            icon = asset_icon(project, sha256)
            if icon is not None:
                item.setIcon(icon)
            item.setData(Qt.ItemDataRole.UserRole, sha256)
            item.setToolTip(asset.name if asset else f"sha256 {sha256}")
            self.list.addItem(item)
        self.remove_button.setEnabled(bool(hashes))

    def choose_file(self) -> str:
        """Ask for an image file; ``""`` if the user cancels."""
        path, _ = QFileDialog.getOpenFileName(self, "Choose a reference image", "", _FILTER)
        return path

    def _add(self) -> None:
        path = self.choose_file()
        if not path:
            return
        try:
            asset = image_asset(Path(path))
        except ValueError as error:
            self.problem.emit(str(error))
            return
        self.added.emit(asset)

    def _remove(self) -> None:
        item = self.list.currentItem() or self.list.item(self.list.count() - 1)
        if item is not None:
            self.removed.emit(item.data(Qt.ItemDataRole.UserRole))
