"""The node editor's own neutral dark palette and metrics, right under any app theme."""

from __future__ import annotations

import functools

from PySide6.QtGui import QColor, QFont

from previz.core.ports import PORT_COLOURS, PortType

WIDTH = 220.0
HEADER = 26.0
ROW = 20.0
PORT_RADIUS = 5.0
LINE = 15.0
PAD = 8.0
THUMB = 60.0
BADGE_HEIGHT = 16.0
CORNER = 6.0

CANVAS = QColor("#1e1f22")
GRID_MINOR = QColor("#26282c")
GRID_MAJOR = QColor("#2e3035")
BODY = QColor("#2b2d31")
HEADER_FILL = QColor("#363940")
BORDER = QColor("#121315")
SELECTED = QColor("#e8b84a")
TEXT = QColor("#e6e6e6")
DIM = QColor("#a9adb4")
FAINT = QColor("#80848c")
UNKNOWN = QColor("#808080")

CATEGORY_COLOURS = {
    "Shot": QColor("#d08840"),
    "Camera": QColor("#4a9ad0"),
    "Conditioning": QColor("#9a6ad0"),
    "Clip": QColor("#5aa860"),
}
BADGE_COLOURS = {
    "queued": QColor("#6a6e76"),
    "running": QColor("#3a82d0"),
    "cached": QColor("#3f8a4a"),
    "done": QColor("#3f8a4a"),
    "cancelled": QColor("#6a6e76"),
    "failed": QColor("#c94040"),
    "warning": QColor("#d08a2a"),
    "snapped": QColor("#b0a030"),
}


def category_colour(category: str) -> QColor:
    """The colour of a node category's strip; grey for categories of other packs."""
    return CATEGORY_COLOURS.get(category, UNKNOWN)


def port_colour(port_type: PortType | str) -> QColor:
    """The colour of a port type, as the core names it."""
    try:
        return QColor(PORT_COLOURS[PortType(port_type)])
    except ValueError:
        return UNKNOWN


@functools.cache
def font(pixels: int, bold: bool = False, italic: bool = False) -> QFont:
    """A UI font at a fixed pixel size, so node layout does not follow the screen's DPI.

    Made on first use: a QFont made before the QApplication resolves to no family, and its
    metrics then disagree with the text drawn.
    """
    result = QFont()
    result.setPixelSize(pixels)
    result.setBold(bold)
    result.setItalic(italic)
    return result
