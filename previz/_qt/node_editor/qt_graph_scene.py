"""The scene: one item per node and link of the project, kept in step with its events."""

from __future__ import annotations

import contextlib
import math
from typing import Any

import shiboken6
from PySide6.QtCore import QLineF, QObject, QPointF, QRectF
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from previz._qt.node_editor import qt_node_style as style
from previz._qt.node_editor.qt_edge_item import QtEdgeItem
from previz._qt.node_editor.qt_node_item import QtNodeItem
from previz._qt.node_editor.qt_port_item import QtPortItem
from previz.app.summary import asset_of
from previz.core.project import (
    AssetAdded,
    Link,
    LinkAdded,
    LinkRemoved,
    NodeAdded,
    NodeMoved,
    NodeRemoved,
    ParamChanged,
    PortRef,
    Project,
)
from previz.core.registry import NodeRegistry

_GRID = 20.0
_MAJOR = 5  # a major line every five minor ones
_EXTENT = 100_000.0


class QtGraphScene(QGraphicsScene):
    """Draws the project's graph. It holds items only; the project holds the graph."""

    def __init__(self, project: Project, registry: NodeRegistry,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.registry = registry
        self.project = project
        self._nodes: dict[str, QtNodeItem] = {}
        self._edges: dict[str, QtEdgeItem] = {}
        self.setSceneRect(QRectF(-_EXTENT, -_EXTENT, 2 * _EXTENT, 2 * _EXTENT))
        self._listen(project)
        self._rebuild()

    def set_project(self, project: Project) -> None:
        """Show another project (after New or Open)."""
        _forget(self.project, self._on_event)
        self.project = project
        self._listen(project)
        self._rebuild()

    def node_item(self, node_id: str) -> QtNodeItem | None:
        """The item drawing a node."""
        return self._nodes.get(node_id)

    def edge_item(self, link_id: str) -> QtEdgeItem | None:
        """The item drawing a link."""
        return self._edges.get(link_id)

    def node_items(self) -> list[QtNodeItem]:
        """Every node item."""
        return list(self._nodes.values())

    def port_item(self, ref: PortRef, output: bool) -> QtPortItem | None:
        """The item of a port, if its node and port are drawn."""
        item = self._nodes.get(ref.node)
        if item is None:
            return None
        return (item.outputs if output else item.inputs).get(ref.port)

    def port_item_named(self, node_id: str, port: str, output: bool) -> QtPortItem | None:
        """The item of a node's port, by the node's id and the port's name."""
        return self.port_item(PortRef(node_id, port), output)

    def selected_node_ids(self) -> list[str]:
        """The ids of the selected nodes."""
        return [item.node_id for item in self.selectedItems() if isinstance(item, QtNodeItem)]

    def selected_link_ids(self) -> list[str]:
        """The ids of the selected links."""
        return [item.link_id for item in self.selectedItems() if isinstance(item, QtEdgeItem)]

    def set_caching(self, cached: bool) -> None:
        """Cache node drawings per device pixel (fast panning), or not (fast zooming)."""
        mode = (QGraphicsItem.CacheMode.DeviceCoordinateCache if cached
                else QGraphicsItem.CacheMode.NoCache)
        for item in self._nodes.values():
            item.setCacheMode(mode)

    def node_item_moved(self, item: QtNodeItem) -> None:
        """Re-route the links of a node that moved."""
        for edge in self._edges.values():
            if item.node_id in (edge.source_node, edge.target_node):
                self._route(edge)

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802
        """A dark canvas with a grid; the fine grid only when zoomed in enough to see it."""
        painter.fillRect(rect, style.CANVAS)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # hairlines: crisp, fast
        scale = painter.worldTransform().m11()
        if scale >= 0.5:
            painter.setPen(QPen(style.GRID_MINOR, 0))
            painter.drawLines(_grid_lines(rect, _GRID))
        if scale >= 0.15:
            painter.setPen(QPen(style.GRID_MAJOR, 0))
            painter.drawLines(_grid_lines(rect, _GRID * _MAJOR))

    def _listen(self, project: Project) -> None:
        project.events.connect(self._on_event)

    def _rebuild(self) -> None:
        self.clear()
        self._nodes.clear()
        self._edges.clear()
        for node_id in self.project.nodes:
            self._add_node(node_id)
        for link in self.project.links.values():
            self._add_edge(link)

    def _on_event(self, event: Any) -> None:
        if not shiboken6.isValid(self):  # the scene was deleted while the project lives on
            _forget(self.project, self._on_event)
            return
        if isinstance(event, NodeAdded):
            self._add_node(event.node_id)
        elif isinstance(event, NodeRemoved):
            self._remove_node(event.node.id)
        elif isinstance(event, ParamChanged):
            self._refresh_node(event.node_id)
            if self._affects_render(event.node_id, event.name):
                self._forget_renders(event.node_id)
        elif isinstance(event, NodeMoved):
            self._move_node(event.node_id)
        elif isinstance(event, LinkAdded):
            self._add_edge(self.project.links[event.link_id])
            self._forget_renders(self.project.links[event.link_id].target.node)
        elif isinstance(event, LinkRemoved):
            self._remove_edge(event.link.id)
            self._forget_renders(event.link.target.node)
        elif isinstance(event, AssetAdded):
            for item in self._nodes.values():
                self._refresh_node(item.node_id)

    def _affects_render(self, node_id: str, name: str) -> bool:
        item = self._nodes.get(node_id)
        param = item.spec.param(name) if item is not None and item.spec else None
        return param is None or param.affects_render

    def _forget_renders(self, node_id: str) -> None:
        """An edit made the renders of a node and all it feeds stale: clear their states."""
        feeds: dict[str, list[str]] = {}
        for link in self.project.links.values():
            feeds.setdefault(link.source.node, []).append(link.target.node)
        stack, seen = [node_id], set()
        while stack:
            current = stack.pop()
            item = self._nodes.get(current)
            if current in seen or item is None:
                continue
            seen.add(current)
            if item.badges.takes or item.badges.snapped:
                item.badges.takes.clear()
                item.badges.snapped = ()
                item.show_badges()
            stack.extend(feeds.get(current, []))

    def _add_node(self, node_id: str) -> None:
        node = self.project.nodes[node_id]
        node_type = self.registry.get(node.type)
        item = QtNodeItem(node, node_type.spec if node_type else None)
        self._nodes[node_id] = item
        self.addItem(item)
        self._refresh_node(node_id)
        item.setPos(QPointF(*node.position))

    def _refresh_node(self, node_id: str) -> None:
        item = self._nodes.get(node_id)
        if item is None:
            return
        node = self.project.nodes[node_id]
        asset = self.project.assets.get(asset_of(node, item.spec))
        item.show_node(node, asset.data if asset is not None and asset.data else None,
                       self.project)
        self.node_item_moved(item)

    def _move_node(self, node_id: str) -> None:
        item = self._nodes.get(node_id)
        if item is not None:
            item.setPos(QPointF(*self.project.nodes[node_id].position))

    def _remove_node(self, node_id: str) -> None:
        item = self._nodes.pop(node_id, None)
        if item is not None:
            self.removeItem(item)

    def _add_edge(self, link: Link) -> None:
        source = self.port_item(link.source, output=True)
        colour = style.port_colour(source.port_type) if source else style.UNKNOWN
        edge = QtEdgeItem(link.id, colour, link.source.node, link.target.node)
        self._edges[link.id] = edge
        self.addItem(edge)
        self._route(edge)

    def _remove_edge(self, link_id: str) -> None:
        edge = self._edges.pop(link_id, None)
        if edge is not None:
            self.removeItem(edge)

    def _route(self, edge: QtEdgeItem) -> None:
        link = self.project.links.get(edge.link_id)
        if link is not None:
            edge.set_ends(self._anchor(link.source, output=True),
                          self._anchor(link.target, output=False))

    def _anchor(self, ref: PortRef, output: bool) -> QPointF:
        port = self.port_item(ref, output)
        if port is not None:
            return port.anchor()
        item = self._nodes[ref.node]  # a port its (missing) node type does not declare
        return item.scenePos() + QPointF(style.WIDTH if output else 0.0, style.HEADER / 2)


def _forget(project: Project, listener: Any) -> None:
    with contextlib.suppress(ValueError):
        project.events.disconnect(listener)


def _grid_lines(rect: QRectF, step: float) -> list[QLineF]:
    left = math.floor(rect.left() / step) * step
    top = math.floor(rect.top() / step) * step
    lines = [QLineF(x, rect.top(), x, rect.bottom())
             for x in _steps(left, rect.right(), step)]
    lines += [QLineF(rect.left(), y, rect.right(), y) for y in _steps(top, rect.bottom(), step)]
    return lines


def _steps(start: float, stop: float, step: float) -> list[float]:
    count = max(0, math.ceil((stop - start) / step))
    return [start + index * step for index in range(count)]
