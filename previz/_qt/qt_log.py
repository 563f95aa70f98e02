"""The log panel: Python logging (the engine's, the app's, render messages) shown in the window.

Records may come from any thread (a worker that fails); they cross to the GUI thread through
a queued signal, so the panel is only ever touched there.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QTextCharFormat
from PySide6.QtWidgets import QPlainTextEdit, QVBoxLayout, QWidget

LOGGERS = ("previz", "previz_nodes")
MAX_LINES = 5000
_COLOURS = {
    logging.DEBUG: "#6b7380",
    logging.INFO: "#c9ced6",
    logging.WARNING: "#f2c14e",
    logging.ERROR: "#f07c6c",
    logging.CRITICAL: "#ff5f56",
}


class _Bridge(QObject):
    """Carries formatted records from any thread to the panel."""

    record = Signal(str, int)


class QtLogHandler(logging.Handler):
    """A logging handler that sends each record, formatted, to a ``QtLogPanel``."""

    def __init__(self, level: int = logging.INFO) -> None:
        super().__init__(level)
        self.bridge = _Bridge()
        self.setFormatter(logging.Formatter("%(asctime)s  %(levelname)-7s %(message)s",
                                            "%H:%M:%S"))

    def emit(self, record: logging.LogRecord) -> None:
        """Format ``record`` and hand it over (never raises into the code that logged)."""
        try:
            self.bridge.record.emit(self.format(record), record.levelno)
        except RuntimeError:  # the panel is gone; nothing left to show the line on
            pass
        except Exception:
            self.handleError(record)


class QtLogPanel(QWidget):
    """Read-only, coloured lines of the app's log, newest at the bottom."""

    def __init__(self, parent: QWidget | None = None, level: int = logging.INFO) -> None:
        super().__init__(parent)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("logText")
        self.text.setReadOnly(True)
        self.text.setMaximumBlockCount(MAX_LINES)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)
        self.handler = QtLogHandler(level)
        self.handler.bridge.record.connect(self.append)
        self._levels: dict[str, int] = {}
        for name in LOGGERS:
            logger = logging.getLogger(name)
            logger.addHandler(self.handler)
            self._levels[name] = logger.level
            if logger.getEffectiveLevel() > level:
                logger.setLevel(level)

    def append(self, line: str, level: int = logging.INFO) -> None:
        """Add one line, coloured by its level."""
        colour = _COLOURS[max((key for key in _COLOURS if key <= level), default=logging.DEBUG)]
        text_format = QTextCharFormat()
        text_format.setForeground(QColor(colour))
        cursor = self.text.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        if not self.text.document().isEmpty():
            cursor.insertBlock()
        cursor.insertText(line, text_format)
        self.text.verticalScrollBar().setValue(self.text.verticalScrollBar().maximum())

    def message(self, text: str, level: int = logging.INFO) -> None:
        """Add a line that did not come through logging (a message from a widget)."""
        self.append(f"{time.strftime('%H:%M:%S')}  {logging.getLevelName(level):<7} {text}",
                    level)

    def lines(self) -> list[str]:
        """Every line shown, oldest first."""
        return self.text.toPlainText().splitlines()

    def detach(self) -> None:
        """Stop receiving records (before the panel goes away)."""
        for name, level in self._levels.items():
            logger = logging.getLogger(name)
            logger.removeHandler(self.handler)
            logger.setLevel(level)
        self._levels.clear()
