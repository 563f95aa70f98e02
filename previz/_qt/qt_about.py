"""Help ▸ About: a box with the versions and the model library, and the app's icon."""

from __future__ import annotations

from html import escape

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from previz.app.about import about_lines
from previz.settings import Settings


def about_text(settings: Settings) -> str:
    """The About box's rich text: one row a fact."""
    qt = f"{qVersion()} (PySide6 {PySide6.__version__})"
    rows = "".join(f"<tr><td><b>{escape(line.name)}</b>&nbsp;&nbsp;</td>"
                   f"<td>{escape(line.value)}</td></tr>" for line in about_lines(settings, qt))
    return ("<h3>Previz</h3><p>Shots in a node graph, rendered to video, cut on a timeline."
            f"</p><table>{rows}</table>")


def show_about(parent: QWidget, settings: Settings) -> QMessageBox:
    """Open the About box over ``parent`` without blocking; it closes itself when dismissed."""
    box = QMessageBox(parent)
    box.setObjectName("aboutBox")
    box.setWindowTitle("About Previz")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(about_text(settings))
    icon = QApplication.windowIcon()
    if not icon.isNull():
        box.setIconPixmap(icon.pixmap(64, 64))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
