"""An image param: a thumbnail and a button that stores the chosen file as a hashed asset."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from previz._qt.inspector.qt_param_widgets import QtParamEditor
from previz.core.project import Asset, Project
from previz.core.project_json import ASSET_EXTENSIONS
from previz.core.spec import Param

_THUMB = (176, 99)
_FILTER = "Images ({})".format(" ".join(f"*.{ext}" for ext in ASSET_EXTENSIONS))


class QtAssetEditor(QtParamEditor):
    """Shows the image; Choose reads a file and sends an ``Asset`` (the inspector stores it)."""

    def __init__(self, param: Param, parent: QWidget | None = None) -> None:
        super().__init__(param, parent)
        column = QWidget(self)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.thumb = QLabel(column)
        self.thumb.setFixedSize(*_THUMB)
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumb.setStyleSheet("QLabel { background: #1e1f22; color: #80848c;"
                                 " border: 1px solid #3a3d44; }")
        self.name = QLabel(column)
        self.button = QPushButton("Choose image…", column)
        self.button.clicked.connect(self._choose)
        for widget in (self.thumb, self.name, self.button):
            layout.addWidget(widget)
        self.layout().addWidget(column)
        self.layout().addStretch(1)

    def choose_file(self) -> str:
        """Ask for an image file; ``""`` if the user cancels."""
        path, _ = QFileDialog.getOpenFileName(self, "Choose an image", "", _FILTER)
        return path

    def show_value(self, value: Any, project: Project) -> None:
        """Show the asset's picture and name, or say it is missing."""
        asset = project.assets.get(value) if isinstance(value, str) else None
        pixmap = QPixmap()
        if asset is not None and asset.data and pixmap.loadFromData(asset.data):
            self.thumb.setPixmap(pixmap.scaled(*_THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                               Qt.TransformationMode.SmoothTransformation))
        else:
            self.thumb.clear()
            self.thumb.setText("no image" if value is None else "image missing")
        self.name.setText(asset.name if asset is not None else "")
        self.name.setToolTip(f"sha256 {value}" if value else "")

    def _choose(self) -> None:
        path = self.choose_file()
        if not path:
            return
        try:
            asset = image_asset(Path(path))
        except ValueError as error:
            self.problem.emit(str(error))
            return
        self.edited.emit(asset, "")


def image_asset(file: Path) -> Asset:
    """The image at ``file`` as an asset; ``ValueError`` saying why when it cannot be read or
    is not an image Previz stores."""
    ext = file.suffix.lower().lstrip(".")
    try:
        data = file.read_bytes()
    except OSError as error:
        raise ValueError(f"cannot read {file.name}: {error.strerror}") from error
    if ext not in ASSET_EXTENSIONS or QImage.fromData(data).isNull():
        raise ValueError(f"{file.name} is not an image Previz can store"
                         f" ({', '.join(ASSET_EXTENSIONS)})")
    return Asset.from_bytes(data, file.name, ext)
