"""A node drawn from its spec: title, category strip, typed ports, key values and badges."""

from __future__ import annotations

import functools
import math
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen, QPicture, QPixmap
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from previz._qt.node_editor import qt_node_style as style
from previz._qt.node_editor.qt_port_item import QtPortItem, paint_port
from previz.app.badges import Badge, NodeBadges
from previz.app.summary import node_summary
from previz.core.labels import node_label
from previz.core.project import Node, Project
from previz.core.spec import NodeSpec

_TITLE_FONT = (11, True, False)  # pixel size, bold, italic: made by style.font when needed
_LABEL_FONT = (11, False, False)
_TEXT_FONT = (11, False, True)
_BADGE_FONT = (10, True, False)
# Levels of detail by zoom: below TITLE_LOD text is unreadable, so only shapes and colours;
# up to DETAIL_LOD only the title; above it, everything. Fewer glyphs keep zooming smooth.
TITLE_LOD = 0.3
DETAIL_LOD = 0.6
# Zoomed out, the title grows (to what the header holds) so it stays READABLE_PX on screen.
READABLE_PX = 10.0
MAX_TITLE_PX = 24


class QtNodeItem(QGraphicsItem):
    """One node of the project. It shows what ``show_node`` last read from the model."""

    def __init__(self, node: Node, spec: NodeSpec | None) -> None:
        super().__init__()
        self.node_id = node.id
        self.spec = spec
        self.badges = NodeBadges()
        self.inputs: dict[str, QtPortItem] = {}
        self.outputs: dict[str, QtPortItem] = {}
        self._title = ""
        self._lines: list[str] = []
        self._text: list[str] = []
        self._thumb: QPixmap | None = None
        self._height = style.HEADER
        self._pictures: dict[tuple[int, bool], QPicture] = {}
        flags = QGraphicsItem.GraphicsItemFlag
        self.setFlags(flags.ItemIsSelectable | flags.ItemIsMovable
                      | flags.ItemSendsGeometryChanges)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._make_ports(spec)

    def show_node(self, node: Node, image: bytes | None = None,
                  project: Project | None = None) -> None:
        """Read the node's title, values and image again (after a param change)."""
        self.prepareGeometryChange()
        self._title = node_label(node, self.spec, project)
        summary = node_summary(node, self.spec)
        width = style.WIDTH - 2 * style.PAD
        self._lines = _wrap(list(summary.values), " · ", _metrics(_LABEL_FONT), width, 2)
        words = summary.text.split(" ") if summary.text else []
        self._text = _wrap(words, " ", _metrics(_TEXT_FONT), width, 3)
        self._thumb = _thumbnail(image) if image else None
        self._height = self._content_top() + self._content_height() + style.PAD
        self._refresh_tooltip()
        self._redraw()

    def show_badges(self) -> None:
        """Redraw after ``badges`` changed."""
        self._refresh_tooltip()
        self._redraw()

    @property
    def height(self) -> float:
        """The node's height in scene units."""
        return self._height

    def boundingRect(self) -> QRectF:  # noqa: N802
        """The body, and the row of badges above it."""
        top = -style.BADGE_HEIGHT - 4
        return QRectF(-1, top, style.WIDTH + 2, self._height - top + 1)

    def shape(self) -> QPainterPath:
        """The body only: clicks above it fall through to the canvas."""
        path = QPainterPath()
        path.addRoundedRect(self.body_rect(), style.CORNER, style.CORNER)
        return path

    def body_rect(self) -> QRectF:
        """The node's body in item coordinates."""
        return QRectF(0, 0, style.WIDTH, self._height)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:  # noqa: N802
        """Keep links attached while the node moves; a selected node comes to the front."""
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            scene = self.scene()
            if scene is not None and hasattr(scene, "node_item_moved"):
                scene.node_item_moved(self)
        elif change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self.setZValue(1.0 if self.isSelected() else 0.0)
        return super().itemChange(change, value)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        """Replay the recorded drawing, with as much text as is legible at this zoom."""
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        key = (int(lod >= TITLE_LOD) + int(lod >= DETAIL_LOD), self.isSelected(),
               title_pixels(lod))
        picture = self._pictures.get(key)
        if picture is None:
            picture = self._pictures[key] = self._record(*key)
        painter.drawPicture(0, 0, picture)

    def _redraw(self) -> None:
        """Drop the recorded drawings (the content changed) and schedule a repaint."""
        self._pictures.clear()
        self.update()

    def _record(self, level: int, selected: bool, title_px: int) -> QPicture:
        """The node's drawing as a picture, so a repaint is one call however much it holds.

        ``level`` 0 draws shapes and colours, 1 adds the title and badges, 2 everything.
        """
        picture = QPicture()
        painter = QPainter(picture)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_body(painter, selected)
        self._paint_ports(painter, labels=level >= 2)
        if level >= 1:
            self._paint_title(painter, title_px)
            self._paint_badges(painter)
        if level >= 2:
            self._paint_content(painter)
        painter.end()
        return picture

    def _make_ports(self, spec: NodeSpec | None) -> None:
        if spec is None:
            return
        for row, port in enumerate(spec.inputs):
            item = QtPortItem(self, self.node_id, port, is_output=False)
            item.setPos(0, _row_y(row))
            self.inputs[port.name] = item
        for row, port in enumerate(spec.outputs):
            item = QtPortItem(self, self.node_id, port, is_output=True)
            item.setPos(style.WIDTH, _row_y(row))
            self.outputs[port.name] = item

    def _rows(self) -> int:
        return max(len(self.inputs), len(self.outputs))

    def _content_top(self) -> float:
        return style.HEADER + style.PAD / 2 + self._rows() * style.ROW + style.PAD / 2

    def _content_height(self) -> float:
        thumb = style.THUMB + style.PAD / 2 if self._thumb else 0.0
        return thumb + (len(self._lines) + len(self._text)) * style.LINE

    def _refresh_tooltip(self) -> None:
        parts = [self._title]
        if self.spec is not None and self.spec.description:
            parts.append(self.spec.description)
        elif self.spec is None:
            parts.append("This node type is not installed; the node is kept as it is.")
        if badges := self.badges.tooltip():
            parts.append(badges)
        self.setToolTip("\n\n".join(parts))

    def _paint_body(self, painter: QPainter, selected: bool) -> None:
        body = self.body_rect()
        painter.setPen(QPen(style.SELECTED if selected else style.BORDER, 2.0 if selected else 1.0))
        painter.setBrush(style.BODY)
        painter.drawRoundedRect(body, style.CORNER, style.CORNER)
        header = QPainterPath()
        header.addRoundedRect(QRectF(0.5, 0.5, style.WIDTH - 1, style.HEADER), style.CORNER,
                              style.CORNER)
        strip = style.category_colour(self.spec.category if self.spec else "")
        painter.fillPath(header, _mix(style.HEADER_FILL, strip, 0.28))
        painter.fillRect(QRectF(0.5, style.HEADER - 2, style.WIDTH - 1, 2), strip)
        progress = self.badges.progress
        if progress is not None:
            bar = QRectF(0.5, style.HEADER - 3, (style.WIDTH - 1) * progress, 3)
            painter.fillRect(bar, style.BADGE_COLOURS["running"].lighter(130))

    def _paint_title(self, painter: QPainter, pixels: int) -> None:
        font = (pixels, *_TITLE_FONT[1:])
        painter.setFont(style.font(*font))
        painter.setPen(style.TEXT)
        metrics = _metrics(font)
        room = style.WIDTH - 2 * style.PAD
        kind = self.spec.display_name if self.spec is not None else ""
        shorter = _shorter_titles(self._title, kind)
        title = next((text for text in shorter if metrics.horizontalAdvance(text) <= room), None)
        if title is None:
            title = metrics.elidedText(shorter[-1], Qt.TextElideMode.ElideRight, room)
        _text(painter, metrics, style.PAD, (style.HEADER - 2) / 2, title)

    def _paint_ports(self, painter: QPainter, labels: bool) -> None:
        for port in (*self.inputs.values(), *self.outputs.values()):
            paint_port(painter, port.pos(), port)
        if not labels:
            return
        painter.setFont(style.font(*_LABEL_FONT))
        painter.setPen(style.DIM)
        metrics = _metrics(_LABEL_FONT)
        inner = style.WIDTH - 2 * style.PAD - 8
        taken = {round(port.y()): metrics.horizontalAdvance(port.label) + 10
                 for port in self.outputs.values()}
        for port in self.inputs.values():
            width = inner - taken.get(round(port.y()), 0.0)
            label = metrics.elidedText(port.label, Qt.TextElideMode.ElideRight, width)
            _text(painter, metrics, style.PAD + 4, port.y(), label)
        for port in self.outputs.values():
            _text(painter, metrics, style.WIDTH - style.PAD, port.y(), port.label, right=True)

    def _paint_content(self, painter: QPainter) -> None:
        y = self._content_top()
        x, width = style.PAD, style.WIDTH - 2 * style.PAD
        if self._thumb is not None:
            thumb = self._thumb
            painter.drawPixmap(QPointF(x + (width - thumb.width()) / 2, y), thumb)
            y += style.THUMB + style.PAD / 2
        for font, colour, lines in ((_LABEL_FONT, style.DIM, self._lines),
                                    (_TEXT_FONT, style.FAINT, self._text)):
            painter.setFont(style.font(*font))
            painter.setPen(colour)
            metrics = _metrics(font)
            for line in lines:
                _text(painter, metrics, x, y + style.LINE / 2, line)
                y += style.LINE

    def _paint_badges(self, painter: QPainter) -> None:
        painter.setFont(style.font(*_BADGE_FONT))
        metrics = _metrics(_BADGE_FONT)
        right = style.WIDTH
        for badge in reversed(self.badges.badges()):
            right -= _paint_badge(painter, metrics, badge, right) + 4


def _paint_badge(painter: QPainter, metrics: QFontMetricsF, badge: Badge, right: float) -> float:
    width = metrics.horizontalAdvance(badge.text) + 12
    rect = QRectF(right - width, -style.BADGE_HEIGHT - 3, width, style.BADGE_HEIGHT)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(style.BADGE_COLOURS.get(badge.role, style.UNKNOWN))
    painter.drawRoundedRect(rect, style.BADGE_HEIGHT / 2, style.BADGE_HEIGHT / 2)
    painter.setPen(QColor("#ffffff"))
    _text(painter, metrics, rect.left() + 6, rect.center().y(), badge.text)
    return width


def _text(painter: QPainter, metrics: QFontMetricsF, x: float, centre_y: float, text: str,
          *, right: bool = False) -> None:
    """One line of text, vertically centred on ``centre_y``, starting (or ending) at ``x``.

    Drawing at a point skips the text layout that drawing into a rectangle does, which is
    most of a node's paint time.
    """
    if right:
        x -= metrics.horizontalAdvance(text)
    painter.drawText(QPointF(x, centre_y + (metrics.ascent() - metrics.descent()) / 2), text)


@functools.cache
def title_pixels(lod: float) -> int:
    """The title's font size (scene pixels) at zoom ``lod``: 11, or larger when zoomed out so
    it shows at ``READABLE_PX`` on screen, up to what the header holds."""
    wanted = READABLE_PX / max(lod, 1e-3)
    return min(max(_TITLE_FONT[0], math.ceil(wanted)), MAX_TITLE_PX)


def _shorter_titles(title: str, kind: str) -> list[str]:
    """The title, then without the node kind, then only the quoted name: the first that fits
    is drawn (the colour of the header already says the kind)."""
    shorter = [title]
    if kind and title.startswith(kind + " "):
        shorter.append(title[len(kind) + 1:])
    if title.count("'") >= 2:
        shorter.append(title[title.index("'"):title.rindex("'") + 1])
    return shorter


def _metrics(font: tuple[int, bool, bool]) -> QFontMetricsF:
    return QFontMetricsF(style.font(*font))


def _row_y(row: int) -> float:
    return style.HEADER + style.PAD / 2 + row * style.ROW + style.ROW / 2


def _mix(base: QColor, tint: QColor, amount: float) -> QColor:
    return QColor.fromRgbF(*(b + (t - b) * amount for b, t in
                             zip(base.getRgbF()[:3], tint.getRgbF()[:3], strict=True)))


def _thumbnail(data: bytes) -> QPixmap | None:
    pixmap = QPixmap()
    if not pixmap.loadFromData(data):
        return None
    return pixmap.scaled(int(style.WIDTH - 2 * style.PAD), int(style.THUMB),
                         Qt.AspectRatioMode.KeepAspectRatio,
                         Qt.TransformationMode.SmoothTransformation)


def _wrap(chunks: list[str], sep: str, metrics: QFontMetricsF, width: float,
          max_lines: int) -> list[str]:
    """``chunks`` joined by ``sep`` in lines no wider than ``width``; the last one elided if
    more would follow."""
    lines: list[str] = []
    chunks = list(chunks)
    while chunks and len(lines) < max_lines:
        line = chunks.pop(0)
        while chunks and metrics.horizontalAdvance(f"{line}{sep}{chunks[0]}") <= width:
            line = f"{line}{sep}{chunks.pop(0)}"
        lines.append(line)
    if chunks and lines:
        rest = sep.join([lines[-1], *chunks])
        lines[-1] = metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)
    return [metrics.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines]
