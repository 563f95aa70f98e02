"""The dark theme's unchecked boxes, file-dialog toolbar icons and disabled text reach 4.5:1
against their background, measured on pictures of the widgets as drawn."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from previz._qt.app import make_application

AA = 4.5


def luminance(colour: QColor) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(colour.red()) + 0.7152 * channel(colour.green())
            + 0.0722 * channel(colour.blue()))


def ratio(a: QColor, b: QColor) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def best_contrast(image: QImage, rect: QRect, ground: QColor) -> float:
    """The highest contrast of any pixel in ``rect`` against ``ground`` (the ink's own
    colour: anti-aliased edges are lower)."""
    best = 1.0
    for y in range(max(rect.top(), 0), min(rect.bottom() + 1, image.height())):
        for x in range(max(rect.left(), 0), min(rect.right() + 1, image.width())):
            best = max(best, ratio(QColor(image.pixel(x, y)), ground))
    return best


def themed(qtbot: Any, widget: QWidget) -> QImage:
    make_application()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    QApplication.processEvents()
    return widget.grab().toImage()


def test_an_unchecked_box_stands_out(qtbot: Any) -> None:
    panel = QWidget()
    box = QCheckBox("Camera on its side", panel)
    QVBoxLayout(panel).addWidget(box)
    image = themed(qtbot, panel)
    option = QStyleOptionButton()
    option.initFrom(box)
    indicator = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    indicator.translate(box.pos())
    ground = QColor(image.pixel(1, 1))
    assert best_contrast(image, indicator, ground) >= AA


def test_disabled_text_is_readable(qtbot: Any) -> None:
    panel = QWidget()
    layout = QVBoxLayout(panel)
    label, button = QLabel("Circle take", panel), QPushButton("Circle take", panel)
    for widget in (label, button):
        widget.setEnabled(False)
        layout.addWidget(widget)
    image = themed(qtbot, panel)
    ground = QColor(image.pixel(1, 1))
    assert best_contrast(image, label.geometry(), ground) >= AA
    inside = button.geometry().adjusted(6, 6, -6, -6)
    button_ground = QColor(image.pixel(inside.left(), inside.top()))
    assert best_contrast(image, inside, button_ground) >= AA


def test_file_dialog_toolbar_icons(qtbot: Any, tmp_path: Any) -> None:
    dialog = QFileDialog(None, "Open", str(tmp_path))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    image = themed(qtbot, dialog)
    buttons = [button for button in dialog.findChildren(QToolButton)
               if button.isVisible() and not button.icon().isNull()]
    assert len(buttons) >= 5  # back, forward, up, new folder, list, detail
    for button in buttons:
        rect = QRect(button.mapTo(dialog, button.rect().topLeft()), button.size())
        ground = QColor(image.pixel(rect.left() + 1, rect.top() + 1))
        assert best_contrast(image, rect.adjusted(2, 2, -2, -2), ground) >= AA, \
            button.objectName()
