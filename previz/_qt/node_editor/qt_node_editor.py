"""The node editor view: navigation, connecting, selecting and editing nodes through commands."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QUndoStack,
)
from PySide6.QtWidgets import QWidget

from previz._qt.node_editor.qt_clipboard import nodes_text, put_nodes
from previz._qt.node_editor.qt_connect_drag import QtConnectDrag, fits, linked_node
from previz._qt.node_editor.qt_graph_scene import QtGraphScene
from previz._qt.node_editor.qt_graph_view import QtGraphView
from previz._qt.node_editor.qt_message import QtMessageLabel
from previz._qt.node_editor.qt_node_drag import drag_nodes, take_back_move
from previz._qt.node_editor.qt_node_item import QtNodeItem
from previz._qt.node_editor.qt_node_palette import QtNodePalette, SpecFilter
from previz._qt.node_editor.qt_port_item import QtPortItem
from previz._qt.selection import QtSelection
from previz._qt.undo import push_command
from previz.app import clipboard
from previz.core.commands import (
    AddAsset,
    AddNodes,
    Command,
    Disconnect,
    Macro,
    MoveNodes,
    RemoveNodes,
)
from previz.core.continuity import warnings_by_node
from previz.core.errors import EditRefused, ProjectError
from previz.core.ids import new_id
from previz.core.new_node_params import new_node_params
from previz.core.project import Asset, Node, Project
from previz.core.registry import NodeRegistry
from previz.core.spec import NodeSpec
from previz.core.values import Clip
from previz.engine.continuity import plan_warnings
from previz.engine.events import RenderEvent
from previz.engine.plan import ExecutionPlan

_FRAME_MARGIN = 40.0
_DUPLICATE_GAP = 24.0  # scene px between a duplicated node and the one above it
_IMAGE_TYPE = "previz.image"


class QtNodeEditor(QtGraphView):
    """Shows the project's graph and turns the user's gestures into undoable commands."""

    message = Signal(str)

    def __init__(self, project: Project, registry: NodeRegistry, undo_stack: QUndoStack,
                 selection: QtSelection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.registry = registry
        self.undo_stack = undo_stack
        self.selection = selection
        self.graph_scene = QtGraphScene(project, registry, self)
        self.setScene(self.graph_scene)
        self.palette_popup = QtNodePalette(registry, self)
        self.message_label = QtMessageLabel(self.viewport())
        self._drag: QtConnectDrag | None = None
        self._gesture: str | None = None
        self._syncing = False
        self._palette_at = QPointF()
        self._palette_link: QtPortItem | None = None
        self.graph_scene.selectionChanged.connect(self._scene_selection_changed)
        selection.changed.connect(self._selection_changed)
        self.palette_popup.chosen.connect(self._palette_chosen)
        self.zooming.connect(lambda zooming: self.graph_scene.set_caching(not zooming))

    @property
    def project(self) -> Project:
        """The project shown."""
        return self.graph_scene.project

    def set_project(self, project: Project) -> None:
        """Show another project (after New or Open) and frame it."""
        self.selection.clear()
        self.graph_scene.set_project(project)
        self.frame_all()

    # --- actions -------------------------------------------------------------------------

    def add_node_at(self, type_id: str, scene_pos: QPointF) -> str:
        """Add a node of ``type_id`` with its defaults at ``scene_pos``; select it."""
        return self._add_node(type_id, scene_pos, {})

    def add_image_node(self, asset_sha: str | Asset, scene_pos: QPointF) -> str:
        """Add an Image node showing an asset; given an ``Asset``, add it too, in one step."""
        if isinstance(asset_sha, Asset):
            return self._add_node(_IMAGE_TYPE, scene_pos, {"image": asset_sha.sha256},
                                  before=[AddAsset(asset_sha)])
        return self._add_node(_IMAGE_TYPE, scene_pos, {"image": asset_sha})

    def delete_selected(self) -> None:
        """Delete the selected nodes and links; undo brings them back with their links."""
        nodes = self.graph_scene.selected_node_ids()
        doomed = set(nodes)
        commands: list[Command] = [
            Disconnect(link_id) for link_id in self.graph_scene.selected_link_ids()
            if not {self.project.links[link_id].source.node,
                    self.project.links[link_id].target.node} & doomed
        ]
        if nodes:
            commands.append(RemoveNodes(nodes))
        if commands:
            self._push(commands[0] if len(commands) == 1 else Macro(commands, "Delete"))

    def copy_selected(self) -> None:
        """Put the selected nodes, with the links among them, on the system clipboard."""
        nodes = self.graph_scene.selected_node_ids()
        if not nodes:
            return
        put_nodes(clipboard.to_json(clipboard.copy_nodes(self.project, nodes)))

    def cut_selected(self) -> None:
        """Copy the selected nodes, then delete them."""
        self.copy_selected()
        self.delete_selected()

    def paste(self) -> None:
        """Add the nodes on the clipboard with new ids, offset from the originals; select them."""
        try:
            command = clipboard.paste_command(clipboard.from_json(nodes_text()), self.project)
        except ProjectError as error:
            self._tell(str(error.what))
            return
        self._push_and_select(Macro([command], "Paste"), command)

    def duplicate_selected(self, with_inputs: bool = False) -> None:
        """Copy the selected nodes beside themselves (links among them kept), each Shot on
        the next free shot number; ``with_inputs`` keeps the links that feed them too."""
        nodes = self.graph_scene.selected_node_ids()
        if not nodes:
            return
        data = clipboard.copy_nodes(self.project, nodes)
        command = clipboard.paste_command(
            data, self.project, keep_inputs_from=self.project if with_inputs else None)
        clipboard.next_shot_numbers(command.nodes, self.project)
        self._place_below(nodes, command.nodes)
        text = "Duplicate with Inputs" if with_inputs else "Duplicate"
        self._push_and_select(Macro([command], text), command)

    def _place_below(self, originals: list[str], copies: list[Node]) -> None:
        """Put ``copies`` in the first free place under ``originals``, keeping their layout:
        duplicated shots stack into a column that reads like a shot list."""
        boxes = [self.graph_scene.node_item(node_id).sceneBoundingRect() for node_id in originals]
        box = boxes[0]
        for other in boxes[1:]:
            box = box.united(other)
        taken = [item.sceneBoundingRect() for item in self.graph_scene.node_items()]
        step = box.height() + _DUPLICATE_GAP
        down = step
        while any(b.translated(0, down).intersects(t) for b in boxes for t in taken):
            down += step
        dx = min(c.position[0] for c in copies) - min(self.project.nodes[o].position[0]
                                                       for o in originals)
        dy = min(c.position[1] for c in copies) - min(self.project.nodes[o].position[1]
                                                      for o in originals)
        for copy in copies:
            copy.position = (round(copy.position[0] - dx), round(copy.position[1] - dy + down))

    def duplicate_with_inputs(self) -> None:
        """Duplicate the selected nodes keeping the links that feed them (a shot keeps its
        scene or prompt)."""
        self.duplicate_selected(with_inputs=True)

    def frame_all(self) -> None:
        """Zoom and pan so every node is in view (at most at 100 %)."""
        items = self.graph_scene.node_items()
        if not items:
            self.resetTransform()
            self.centerOn(0, 0)
            return
        rect = QRectF()
        for item in items:
            rect = rect.united(item.sceneBoundingRect())
        rect.adjust(-_FRAME_MARGIN, -_FRAME_MARGIN, _FRAME_MARGIN, _FRAME_MARGIN)
        self.fit_rect(rect)

    def open_palette(self, at: QPointF | None = None, accepts: SpecFilter | None = None) -> None:
        """Open the add-node palette; the node goes at ``at`` (scene), else under the pointer."""
        if at is None:
            at = self.mapToScene(self.pointer())
        self._palette_at = QPointF(at)
        self.palette_popup.popup(self.mapFromScene(at), accepts)

    # --- badges --------------------------------------------------------------------------

    def show_render_event(self, event: RenderEvent) -> None:
        """Update a node's badge from a render event (queued, running, cached, failed …)."""
        item = self.graph_scene.node_item(event.node_id)
        if item is not None:
            item.badges.apply(event)
            item.show_badges()

    def show_plan(self, plan: ExecutionPlan) -> None:
        """Show each node's compile problems (model missing, …), notes and the continuity
        warnings of the cuts it is in."""
        continuity = warnings_by_node(plan_warnings(self.project, plan))
        for item in self.graph_scene.node_items():
            item.badges.apply_plan(plan.nodes.get(item.node_id), plan.problems_of(item.node_id))
            item.badges.continuity = tuple(continuity.get(item.node_id, ()))
            item.show_badges()

    def show_clip(self, node_id: str, clip: Clip) -> None:
        """Show how a render adjusted the request (``snapped`` notes in the clip's provenance)."""
        item = self.graph_scene.node_item(node_id)
        if item is not None:
            snapped = clip.provenance.get("snapped") or ()
            item.badges.snapped = tuple(str(note) for note in snapped)
            item.show_badges()

    # --- Qt events -----------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        """Tab opens the palette instead of moving the focus."""
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_Tab and not event.modifiers()):
            self.open_palette()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Delete, copy, cut, paste, duplicate, frame all; space to pan."""
        action = self._key_action(event)
        if action is None:
            super().keyPressEvent(event)
        else:
            action()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Pan, start a link from a port, or select and start moving nodes."""
        self.palette_popup.hide()
        if self.start_pan(event):
            return
        if event.button() == Qt.MouseButton.LeftButton:
            port = self._port_at(event.position())
            if port is not None:
                self._start_drag(port)
                return
            if isinstance(self.itemAt(event.position().toPoint()), QtNodeItem):
                self._gesture = new_id()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Pan, draw the link being dragged, or move nodes (one undo step per drag)."""
        if self.continue_pan(event):
            return
        if self._drag is not None:
            self._drag.move_to(self.mapToScene(event.position().toPoint()))
            return
        super().mouseMoveEvent(event)
        if self._gesture is not None and not self.viewport().rect().contains(
                event.position().toPoint()):
            self._drag_out()  # out of the editor: onto the timeline
        elif self._gesture is not None:
            self._record_move()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Finish panning, linking or moving."""
        if self.end_pan():
            return
        if self._drag is not None:
            self._finish_drag(event.position())
            return
        super().mouseReleaseEvent(event)
        if self._gesture is not None:
            self._record_move()
            self._gesture = None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Double-click on the canvas opens the palette there."""
        if self.itemAt(event.position().toPoint()) is None:
            self.open_palette(self.mapToScene(event.position().toPoint()))
            return
        super().mouseDoubleClickEvent(event)

    # --- internals -----------------------------------------------------------------------

    def _key_action(self, event: QKeyEvent) -> Callable[[], None] | None:
        keys = QKeySequence.StandardKey
        control = Qt.KeyboardModifier.ControlModifier
        if event.key() == Qt.Key.Key_D and event.modifiers() == control:
            return self.duplicate_selected  # before Delete: X11 binds Ctrl+D to Delete too
        if (event.key() == Qt.Key.Key_D
                and event.modifiers() == control | Qt.KeyboardModifier.AltModifier):
            return self.duplicate_with_inputs
        table = ((keys.Copy, self.copy_selected), (keys.Cut, self.cut_selected),
                 (keys.Paste, self.paste))
        for key, action in table:
            if event.matches(key):
                return action
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                      Qt.KeyboardModifier.KeypadModifier)
        if event.key() in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete) and plain:
            return self.delete_selected
        if event.key() in (Qt.Key.Key_F, Qt.Key.Key_Home) and plain:
            return self.frame_all
        if event.key() == Qt.Key.Key_Escape and plain:
            return self.graph_scene.clearSelection
        return None

    def _add_node(self, type_id: str, scene_pos: QPointF, params: dict,
                  before: list[Command] | None = None) -> str:
        node_type = self.registry.get(type_id)
        if node_type is None:
            raise KeyError(f"no node type {type_id!r} is installed")
        params = {**new_node_params(self.project, node_type.spec), **params}
        node = Node(new_id(), node_type.spec.id, {**node_type.spec.defaults(), **params},
                    (round(scene_pos.x()), round(scene_pos.y())), version=node_type.spec.version)
        add = AddNodes([node])
        self._push_and_select(Macro([*before, add], add.text) if before else add, add)
        return node.id

    def _push(self, command: Command) -> bool:
        try:
            push_command(self.undo_stack, self.project, command)
        except EditRefused as error:
            self._tell(str(error))
            return False
        return True

    def _push_and_select(self, command: Command, added: AddNodes) -> None:
        if self._push(command):
            self.selection.set_nodes(node.id for node in added.nodes)

    def _tell(self, text: str) -> None:
        self.message_label.show_message(text, self.pointer())
        self.message.emit(text)

    def _port_at(self, pos: QPointF) -> QtPortItem | None:
        for item in self.items(pos.toPoint()):
            if isinstance(item, QtPortItem):
                return item
        return None

    def _start_drag(self, port: QtPortItem) -> None:
        detached = None if port.is_output else self.project.link_into(port.ref)
        if detached is not None:
            source = self.graph_scene.port_item(detached.source, output=True)
            edge = self.graph_scene.edge_item(detached.id)
            if source is not None and edge is not None:
                edge.hide()
                port = source
            else:
                detached = None
        self._drag = QtConnectDrag(self.graph_scene, port, detached)

    def _finish_drag(self, pos: QPointF) -> None:
        drag, self._drag = self._drag, None
        assert drag is not None
        result = drag.drop(self.mapToScene(pos.toPoint()), self.registry)
        if drag.detached is not None:
            edge = self.graph_scene.edge_item(drag.detached.id)
            if edge is not None:
                edge.show()
        if result.refused:
            self._tell(result.refused)
        elif result.command is not None:
            self._push(result.command)
        elif result.open_palette:
            self._palette_link = drag.fixed
            self.open_palette(self.mapToScene(pos.toPoint()), fits(drag.fixed))

    def _palette_chosen(self, type_id: str) -> None:
        port, self._palette_link = self._palette_link, None
        node_type = self.registry.get(type_id)
        if node_type is None:
            return
        if port is None or port.scene() is None:
            self.add_node_at(type_id, self._palette_at)
            return
        self._add_linked(node_type.spec, port)

    def _add_linked(self, spec: NodeSpec, port: QtPortItem) -> None:
        """Add a node where a link was dropped, joined to the port the link came from."""
        add, connect = linked_node(self.registry, spec, port, self._palette_at,
                                   new_node_params(self.project, spec))
        self._push_and_select(Macro([add, connect], add.text), add)

    def _drag_out(self) -> None:
        gesture, self._gesture = self._gesture, None
        take_back_move(self.undo_stack, gesture)
        for item in self.graph_scene.node_items():  # back where the nodes are
            if item.node_id in self.project.nodes:
                item.setPos(*self.project.nodes[item.node_id].position)
        drag_nodes(self, self.selection.node_ids)

    def _record_move(self) -> None:
        positions = {}
        for item in self.graph_scene.selectedItems():
            if isinstance(item, QtNodeItem) and item.node_id in self.project.nodes:
                position = (item.x(), item.y())
                if position != self.project.nodes[item.node_id].position:
                    positions[item.node_id] = position
        if positions:
            self._push(MoveNodes(positions, self._gesture))

    def _scene_selection_changed(self) -> None:
        if not self._syncing:
            self.selection.set_nodes(self.graph_scene.selected_node_ids())

    def _selection_changed(self) -> None:
        wanted = set(self.selection.node_ids)
        self._syncing = True
        try:
            for item in self.graph_scene.node_items():
                if item.isSelected() != (item.node_id in wanted):
                    item.setSelected(item.node_id in wanted)
        finally:
            self._syncing = False

