"""Playback and its controls: a clock-driven player, and the transport bar that drives it."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from previz.app.clock import PlayClock, PlayTally, timecode

TICK_MS = 4
ICON_SIZE = 16
ICON_COLOUR = "#e9e4d8"
Show = Callable[[int], bool]


class QtPlayer(QObject):
    """Plays frames 0..length-1 at ``fps`` by the wall clock, calling ``show(frame)`` for
    each frame due (it answers whether the picture was ready); dropped frames are skipped.

    ``frame_changed(frame)`` after every frame shown or sought; ``playing_changed(bool)``.
    """

    frame_changed = Signal(int)
    playing_changed = Signal(bool)

    def __init__(self, show: Show, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.show = show
        self.clock = PlayClock(Fraction(24), 0)
        self.frame = 0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    @property
    def playing(self) -> bool:
        """Whether it is playing."""
        return self._timer.isActive()

    @property
    def tally(self) -> PlayTally:
        """Frames on time, late and skipped since playback last started."""
        return self.clock.tally

    def configure(self, fps: Fraction, length: int) -> None:
        """Play ``length`` frames at ``fps``; the current frame is kept where it still fits."""
        self.clock.fps, self.clock.length = Fraction(fps), max(length, 0)
        if self.frame >= self.clock.length:
            self.frame = max(self.clock.length - 1, 0)
            if self.playing:
                self.clock.start(self.frame)

    def set_loop(self, loop: bool) -> None:
        """Whether playing past the end starts again."""
        self.clock.loop = loop

    def play(self) -> None:
        """Play from the current frame (from the start if at the end)."""
        if self.playing or self.clock.length <= 0:
            return
        if self.frame >= self.clock.length - 1:
            self.frame = 0
        self.clock.tally = PlayTally()
        self.clock.start(self.frame)
        self.seek(self.frame)
        self._timer.start()
        self.playing_changed.emit(True)

    def pause(self) -> None:
        """Stop on the frame shown."""
        if self.playing:
            self._timer.stop()
            self.playing_changed.emit(False)

    def toggle(self) -> None:
        """Play or pause."""
        if self.playing:
            self.pause()
        else:
            self.play()

    def seek(self, frame: int) -> None:
        """Show ``frame`` (clamped); playback carries on from there."""
        self.frame = min(max(frame, 0), max(self.clock.length - 1, 0))
        if self.playing:
            self.clock.start(self.frame)
        self.show(self.frame)
        self.frame_changed.emit(self.frame)

    def step(self, frames: int) -> None:
        """Pause and move ``frames`` on (or back)."""
        self.pause()
        self.seek(self.frame + frames)

    def _tick(self) -> None:
        due = self.clock.due()
        if due is None:
            self.pause()
            return
        if due == self.frame:
            return
        missed = due - self.frame - 1
        if missed > 0:
            self.clock.tally.skipped += missed
        self.frame = due
        if self.show(due):
            self.clock.tally.on_time += 1
        else:
            self.clock.tally.late += 1
        self.frame_changed.emit(due)


class QtTransport(QWidget):
    """Play/pause, step, loop, a scrub slider, the frame number and the timecode of a player."""

    def __init__(self, player: QtPlayer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.player = player
        pixmap = QStyle.StandardPixmap
        self.play_button = self._button(pixmap.SP_MediaPlay, "Play or pause", player.toggle)
        self.back_button = self._button(pixmap.SP_MediaSeekBackward, "Step back a frame",
                                        lambda: player.step(-1))
        self.next_button = self._button(pixmap.SP_MediaSeekForward, "Step on a frame",
                                        lambda: player.step(1))
        self.loop_box = self._button(pixmap.SP_BrowserReload, "Loop", None)
        self.loop_box.setCheckable(True)
        self.loop_box.setStyleSheet("QToolButton:checked { background: #3d4f66; }")
        self.loop_box.toggled.connect(player.set_loop)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setObjectName("scrubSlider")
        self.slider.valueChanged.connect(self._scrubbed)
        self.slider.setMinimumWidth(40)
        self.frame_label = QLabel(self)
        self.frame_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.frame_label.setToolTip("Frame")
        widest = self.frame_label.fontMetrics().horizontalAdvance("999 / 999")
        self.frame_label.setMinimumWidth(widest)
        self.timecode_label = QLabel(self)
        self.timecode_label.setObjectName("timecode")
        self.timecode_label.setStyleSheet("font-family: monospace;")
        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        for widget in (self.back_button, self.play_button, self.next_button, self.loop_box):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(self.frame_label)
        buttons.addSpacing(8)
        buttons.addWidget(self.timecode_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(0)
        layout.addWidget(self.slider)
        layout.addLayout(buttons)
        player.frame_changed.connect(self.show_frame)
        player.playing_changed.connect(lambda playing: self.play_button.setIcon(
            light_icon(self.style(), pixmap.SP_MediaPause if playing else pixmap.SP_MediaPlay)))
        self.show_frame(0)

    def bind_keys(self, owner: QWidget) -> None:
        """Space plays or pauses, Left and Right step, while focus is within ``owner``."""
        for key, slot in ((Qt.Key.Key_Space, self.player.toggle),
                          (Qt.Key.Key_Left, lambda: self.player.step(-1)),
                          (Qt.Key.Key_Right, lambda: self.player.step(1))):
            shortcut = QShortcut(QKeySequence(key), owner, slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def show_frame(self, frame: int) -> None:
        """Move the slider and the labels to ``frame``."""
        length = self.player.clock.length
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(length - 1, 0))
        self.slider.setValue(frame)
        self.slider.blockSignals(False)
        self.frame_label.setText(f"{frame + 1 if length else 0} / {length}")
        self.timecode_label.setText(timecode(frame, self.player.clock.fps))

    def _scrubbed(self, value: int) -> None:
        if value != self.player.frame:
            self.player.seek(value)

    def _button(self, icon: QStyle.StandardPixmap, tip: str,
                slot: Callable[[], None] | None) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(light_icon(self.style(), icon))
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.setFixedWidth(28)
        if slot is not None:
            button.clicked.connect(slot)
        return button


def light_icon(style: QStyle, which: QStyle.StandardPixmap) -> QIcon:
    """A standard icon redrawn in the theme's light text colour (the style's own are dark
    grey, unreadable on the dark theme)."""
    source = style.standardIcon(which).pixmap(ICON_SIZE, ICON_SIZE)
    tinted = QPixmap(source.size())
    tinted.setDevicePixelRatio(source.devicePixelRatio())
    tinted.fill(Qt.GlobalColor.transparent)
    painter = QPainter(tinted)
    painter.drawPixmap(0, 0, source)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(tinted.rect(), QColor(ICON_COLOUR))
    painter.end()
    return QIcon(tinted)
