"""A transient message over the editor, near where the user acted (a refused link's reason)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

_SHOWN_MS = 4000


class QtMessageLabel(QLabel):
    """Shows a line of text near a point for a few seconds, then hides."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setStyleSheet("QLabel { background: #3a2022; color: #f2d4d4;"
                           " border: 1px solid #c94040; border-radius: 4px; padding: 4px 8px; }")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setWordWrap(True)
        self.setMaximumWidth(360)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def show_message(self, text: str, near: QPoint) -> None:
        """Show ``text`` just below and right of ``near`` (parent coordinates), inside it."""
        self.setText(text)
        self.adjustSize()
        parent = self.parentWidget()
        x = max(4, min(near.x() + 12, parent.width() - self.width() - 4))
        y = max(4, min(near.y() + 16, parent.height() - self.height() - 4))
        self.move(x, y)
        self.show()
        self.raise_()
        self._timer.start(_SHOWN_MS)
