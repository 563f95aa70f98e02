"""Dragging nodes out of the node editor (onto the timeline): the move is taken back and the
nodes travel as their ids."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QDrag, QUndoStack
from PySide6.QtWidgets import QWidget

from previz._qt.timeline.qt_cut_view import NODES_MIME


def nodes_mime(node_ids: Sequence[str]) -> QMimeData:
    """Drag data carrying node ids (and their ids as text)."""
    mime = QMimeData()
    mime.setData(NODES_MIME, " ".join(node_ids).encode())
    return mime


def take_back_move(stack: QUndoStack, gesture: str | None) -> None:
    """Undo the move of this drag if it made one: the nodes stay where they were."""
    if gesture is None or stack.index() == 0:
        return
    last = stack.command(stack.index() - 1)
    if getattr(getattr(last, "command", None), "gesture", None) == gesture:
        stack.undo()


def drag_nodes(source: QWidget, node_ids: Sequence[str]) -> Qt.DropAction:
    """Run the drag of ``node_ids`` until it is dropped (or given up)."""
    drag = QDrag(source)
    drag.setMimeData(nodes_mime(node_ids))
    return drag.exec(Qt.DropAction.CopyAction)
