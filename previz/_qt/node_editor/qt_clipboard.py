"""The system clipboard for nodes: their JSON under our mime type, and as plain text."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QMimeData
from PySide6.QtGui import QGuiApplication, QStandardItem, QStandardItemModel

from previz.app.clipboard import MIME_TYPE


def put_nodes(text: str) -> None:
    """Put nodes' JSON on the system clipboard, under our mime type and as plain text."""
    mime = _cpp_mime_data()
    mime.setData(MIME_TYPE, QByteArray(text.encode()))
    mime.setText(text)
    QGuiApplication.clipboard().setMimeData(mime)


def nodes_text() -> str:
    """What the clipboard holds: our mime type's JSON if it is there, else its plain text."""
    mime = QGuiApplication.clipboard().mimeData()
    if mime is None:
        return ""
    if mime.hasFormat(MIME_TYPE):
        return bytes(mime.data(MIME_TYPE).data()).decode(errors="replace")
    return mime.text()


def _cpp_mime_data() -> QMimeData:
    """An empty ``QMimeData`` made by Qt, not by Python.

    The clipboard deletes its data when the platform is torn down, which can be after the
    interpreter has finished; a Python-made ``QMimeData`` then calls back into Python and
    crashes the process on exit. One made in C++ has no such hook.
    """
    model = QStandardItemModel()
    model.appendRow(QStandardItem())
    mime = model.mimeData([model.index(0, 0)])
    for name in mime.formats():
        mime.removeFormat(name)
    return mime
