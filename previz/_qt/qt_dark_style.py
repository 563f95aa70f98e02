"""Fusion, with the standard icons the dark theme would hide (arrows, the file dialog's
toolbar, media) redrawn in its light text colour, and disabled icons in its disabled one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleFactory, QStyleOption, QWidget

LIGHT = "#d8dce3"  # the theme's text: 10:1 on its buttons
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

    def standardIcon(self, standard_icon: QStyle.StandardPixmap,  # noqa: N802
                     option: QStyleOption | None = None,
                     widget: QWidget | None = None) -> QIcon:
        """The base style's icon, redrawn light when it is one the dark theme would hide."""
        icon = super().standardIcon(standard_icon, option, widget)
        if standard_icon not in TINTED or icon.isNull():
            return icon
        light = QIcon()
        for size in SIZES:
            pixmap = icon.pixmap(size, size)
            if not pixmap.isNull():
                light.addPixmap(tinted(pixmap, LIGHT), QIcon.Mode.Normal)
                light.addPixmap(tinted(pixmap, DISABLED), QIcon.Mode.Disabled)
        return light

    def generatedIconPixmap(self, mode: QIcon.Mode, pixmap: QPixmap,  # noqa: N802
                            option: QStyleOption) -> QPixmap:
        """A disabled icon in the theme's disabled text colour, not a dark grey wash."""
        if mode == QIcon.Mode.Disabled:
            return tinted(pixmap, DISABLED)
        return super().generatedIconPixmap(mode, pixmap, option)
