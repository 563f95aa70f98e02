"""Fusion, with the standard icons the dark theme would hide (arrows, the file dialog's
toolbar, media) redrawn for a dark ground: one drawn in dark greys (an arrow) turned light,
one on paper of its own or in colour kept; disabled icons in a dimmer light grey."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleFactory, QStyleOption, QWidget

DISABLED = "#a0a8b4"  # disabled icons: dimmer than LIGHT, 4.5:1 even at thin edges
SP = QStyle.StandardPixmap
TINTED = {SP.SP_ArrowBack, SP.SP_ArrowForward, SP.SP_ArrowUp, SP.SP_ArrowDown, SP.SP_ArrowLeft,
          SP.SP_ArrowRight, SP.SP_FileDialogBack, SP.SP_FileDialogToParent,
          SP.SP_FileDialogNewFolder, SP.SP_FileDialogListView, SP.SP_FileDialogDetailedView,
          SP.SP_FileDialogInfoView, SP.SP_FileDialogContentsView, SP.SP_FileDialogStart,
          SP.SP_FileDialogEnd, SP.SP_BrowserReload, SP.SP_BrowserStop, SP.SP_MediaPlay,
          SP.SP_MediaPause, SP.SP_MediaStop, SP.SP_MediaSeekBackward,
          SP.SP_MediaSeekForward, SP.SP_MediaSkipBackward, SP.SP_MediaSkipForward}
SIZES = (16, 20, 24, 32)
GREY = 60  # HSL saturation below which a pixel counts as grey


def for_dark_ground(pixmap: QPixmap) -> QPixmap:
    """``pixmap`` as it reads on a dark ground: an icon drawn mostly in dark greys (an arrow)
    has their lightness turned over; one already light or on paper of its own is kept."""
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_ARGB32)
    greys = [(x, y, colour) for y in range(image.height()) for x in range(image.width())
             if (colour := QColor.fromRgba(image.pixel(x, y))).alpha() > 64
             and colour.hslSaturation() < GREY]
    if not greys or sum(colour.lightness() for *_, colour in greys) / len(greys) >= 128:
        return pixmap
    for x, y, colour in greys:
        colour.setHsl(colour.hslHue(), colour.hslSaturation(), 255 - colour.lightness(),
                      colour.alpha())
        image.setPixelColor(x, y, colour)
    result = QPixmap.fromImage(image)
    result.setDevicePixelRatio(pixmap.devicePixelRatio())
    return result


def tinted(pixmap: QPixmap, colour: str) -> QPixmap:
    """``pixmap``'s shape filled with ``colour`` (its alpha kept)."""
    result = QPixmap(pixmap.size())
    result.setDevicePixelRatio(pixmap.devicePixelRatio())
    result.fill(Qt.GlobalColor.transparent)
    painter = QPainter(result)
    painter.drawPixmap(0, 0, pixmap)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(result.rect(), QColor(colour))
    painter.end()
    return result


class QtDarkStyle(QProxyStyle):
    """The app's style: Fusion with light standard icons."""

    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))
        self._made: dict[QStyle.StandardPixmap, QIcon] = {}

    def standardIcon(self, standard_icon: QStyle.StandardPixmap,  # noqa: N802
                     option: QStyleOption | None = None,
                     widget: QWidget | None = None) -> QIcon:
        """The base style's icon, redrawn light when it is one the dark theme would hide."""
        icon = super().standardIcon(standard_icon, option, widget)
        if standard_icon not in TINTED or icon.isNull():
            return icon
        light = self._made.get(standard_icon)
        if light is None:
            light = self._made[standard_icon] = QIcon()
            for size in SIZES:
                pixmap = icon.pixmap(size, size)
                if not pixmap.isNull():
                    light.addPixmap(for_dark_ground(pixmap), QIcon.Mode.Normal)
                    light.addPixmap(tinted(pixmap, DISABLED), QIcon.Mode.Disabled)
        return light

    def generatedIconPixmap(self, mode: QIcon.Mode, pixmap: QPixmap,  # noqa: N802
                            option: QStyleOption) -> QPixmap:
        """A disabled icon in the theme's disabled text colour, not a dark grey wash."""
        if mode == QIcon.Mode.Disabled:
            return tinted(pixmap, DISABLED)
        return super().generatedIconPixmap(mode, pixmap, option)
