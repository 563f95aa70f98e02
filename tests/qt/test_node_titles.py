"""At Frame All on the example, in the default layout of a 1920x1080 screen, every node's
title is drawn at least 9 px on screen: its glyphs, measured on the rendered canvas, are at
least as tall as the capitals of a 9 px title font."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFontMetricsF
from PySide6.QtWidgets import QApplication

from previz._qt.node_editor import qt_node_style as style
from previz._qt.panels.qt_panel_docks import default_sizes
from previz._qt.qt_main_window import QtMainWindow


def glyph_rows(image: Any, rect: QRectF) -> int:
    """How many pixel rows of ``rect`` hold title-coloured (near white) pixels: the height of
    the title's glyphs from the top of its capitals to the bottom of its descenders."""
    rows = []
    for y in range(max(int(rect.top()), 0), min(int(rect.bottom()), image.height())):
        for x in range(max(int(rect.left()), 0), min(int(rect.right()), image.width())):
            if QColor(image.pixel(x, y)).lightness() > 150:
                rows.append(y)
                break
    return rows[-1] - rows[0] + 1 if rows else 0


def test_titles_are_readable_at_frame_all(qtbot: Any, example_window: QtMainWindow) -> None:
    window = example_window
    window.resize(1920, 1050)
    QApplication.processEvents()
    default_sizes(window)
    QApplication.processEvents()
    editor = window.editor
    editor.frame_all()
    QApplication.processEvents()
    assert editor.zoom < 0.7  # the example is wide: zoomed out
    image = editor.viewport().grab().toImage()
    capitals = QFontMetricsF(style.font(90, True)).capHeight() / 10  # of a 9 px font
    assert capitals > 5
    for item in editor.graph_scene.node_items():
        header = item.mapRectToScene(QRectF(2, 2, style.WIDTH - 30, style.HEADER - 4))
        on_screen = QRectF(editor.mapFromScene(header.topLeft()),
                           editor.mapFromScene(header.bottomRight()))
        assert glyph_rows(image, on_screen) >= capitals, (item._title,
                                                         glyph_rows(image, on_screen))
