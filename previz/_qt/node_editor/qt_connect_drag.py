"""A link being drawn by a drag from a port, and the edit it makes when dropped."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QGraphicsScene

from previz._qt.node_editor import qt_node_style as style
from previz._qt.node_editor.qt_edge_item import QtEdgeItem
from previz._qt.node_editor.qt_port_item import QtPortItem
from previz.core.commands import AddNodes, Command, Connect, Disconnect, Macro
from previz.core.ids import new_id
from previz.core.ports import PortType, can_connect
from previz.core.project import Link, Node, PortRef
from previz.core.registry import NodeRegistry
from previz.core.spec import Input, NodeSpec, Output


@dataclass(frozen=True)
class DropResult:
    """What a drop asks for: an edit (or none), or a reason it cannot be made."""

    command: Command | None = None
    refused: str = ""
    open_palette: bool = False


class QtConnectDrag:
    """Draws a dashed link from ``fixed`` (an output or an input) to the pointer.

    Starting on an input that is already fed picks that link up: ``detached`` is it, and
    the drag runs from its source output; dropping it on nothing disconnects it.
    """

    def __init__(self, scene: QGraphicsScene, fixed: QtPortItem,
                 detached: Link | None = None) -> None:
        self.scene = scene
        self.fixed = fixed
        self.detached = detached
        self.edge = QtEdgeItem("", style.port_colour(fixed.port_type))
        self.edge.setZValue(10)
        scene.addItem(self.edge)
        self.move_to(fixed.anchor())

    def move_to(self, scene_pos: QPointF) -> None:
        """Follow the pointer, snapping onto a port under it."""
        port = self.port_at(scene_pos)
        end = port.anchor() if port is not None else scene_pos
        if self.fixed.is_output:
            self.edge.set_ends(self.fixed.anchor(), end)
        else:
            self.edge.set_ends(end, self.fixed.anchor())

    def port_at(self, scene_pos: QPointF) -> QtPortItem | None:
        """The port under ``scene_pos``, other than the one the drag started from."""
        for item in self.scene.items(scene_pos):
            if isinstance(item, QtPortItem) and item is not self.fixed:
                return item
        return None

    def drop(self, scene_pos: QPointF, registry: NodeRegistry) -> DropResult:
        """End the drag at ``scene_pos``: the edit to make, if any."""
        self.scene.removeItem(self.edge)
        port = self.port_at(scene_pos)
        if port is None:
            if self.detached is not None:
                return DropResult(Disconnect(self.detached.id))
            return DropResult(open_palette=True)
        if port.is_output == self.fixed.is_output:
            side = "output" if port.is_output else "input"
            return DropResult(refused=f"cannot link an {side} to another {side}:"
                                      " drag from an output to an input")
        source, target = (self.fixed, port) if self.fixed.is_output else (port, self.fixed)
        if self.detached is not None and self.detached.target == target.ref:
            return DropResult()  # put back where it was
        connect = Connect(registry, Link(new_id(), source.ref, target.ref))
        if self.detached is None:
            return DropResult(connect)
        return DropResult(Macro([Disconnect(self.detached.id), connect], "Reconnect"))

    def cancel(self) -> None:
        """Drop nothing."""
        if self.edge.scene() is not None:
            self.scene.removeItem(self.edge)


def fits(port: QtPortItem) -> Callable[[NodeSpec], bool]:
    """Whether a node type has a port that a link from ``port`` can join."""
    def accepts(spec: NodeSpec) -> bool:
        ports = spec.inputs if port.is_output else spec.outputs
        return any(can_connect(*_types(port, other)) for other in ports)
    return accepts


def linked_node(registry: NodeRegistry, spec: NodeSpec, port: QtPortItem, at: QPointF,
                params: dict[str, Any] | None = None) -> tuple[AddNodes, Connect]:
    """A new node of ``spec`` at ``at`` (its defaults, then ``params``), and the link joining
    it to ``port``."""
    node = Node(new_id(), spec.id, {**spec.defaults(), **(params or {})},
                (round(at.x()), round(at.y())),
                version=spec.version)
    ports = spec.inputs if port.is_output else spec.outputs
    other = next(p for p in ports if can_connect(*_types(port, p)))
    new_port = PortRef(node.id, other.name)
    ends = (port.ref, new_port) if port.is_output else (new_port, port.ref)
    return AddNodes([node]), Connect(registry, Link(new_id(), *ends))


def _types(port: QtPortItem, other: Input | Output) -> tuple[PortType, PortType]:
    """The (source, target) types of a link between ``port`` and ``other``."""
    return (port.port_type, other.type) if port.is_output else (other.type, port.port_type)
