"""Dropping files on the app's canvas the way Qt delivers a drag, for the Qt tests."""

from __future__ import annotations

import warnings
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from previz._qt.qt_main_window import QtMainWindow


def drop_files(window: QtMainWindow, paths: list[Path], at: QPoint) -> bool:
    """Drag files onto the node editor's canvas and drop them at ``at`` (viewport), as Qt
    delivers a drag: enter, move, drop (a drop goes only where an enter was accepted).
    Whether the canvas took the drop."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    viewport = window.editor.viewport()
    copy, no_button = Qt.DropAction.CopyAction, Qt.MouseButton.NoButton
    no_keys = Qt.KeyboardModifier.NoModifier
    with warnings.catch_warnings():  # Qt 6 keeps only the QPoint form of these two
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(at, copy, mime, no_button, no_keys)
        move = QDragMoveEvent(at, copy, mime, no_button, no_keys)
    enter.setAccepted(False)
    QApplication.sendEvent(viewport, enter)
    QApplication.sendEvent(viewport, move)
    drop = QDropEvent(QPointF(at), copy, mime, no_button, no_keys)
    drop.setAccepted(False)
    QApplication.sendEvent(viewport, drop)
    return bool(enter.isAccepted() and drop.isAccepted())
