"""The node editor driven as a user does: palette, port drags, moves, deletes and navigation."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from project_builders import link, make_node
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QUndoStack, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from previz._qt.node_editor.qt_edge_item import QtEdgeItem
from previz._qt.node_editor.qt_node_editor import QtNodeEditor
from previz._qt.selection import QtSelection
from previz.core.project import Node, Project
from previz.core.project_json import project_to_dict
from previz.core.registry import NodeRegistry

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier


@dataclass
class Bench:
    """An editor on a project, with its undo stack and selection."""

    project: Project
    registry: NodeRegistry
    stack: QUndoStack
    selection: QtSelection
    editor: QtNodeEditor

    @property
    def viewport(self):
        return self.editor.viewport()

    def add(self, type_id: str, x: float, y: float, **params) -> Node:
        """Put a node in the project directly (set-up, not under test)."""
        node = make_node(self.registry, type_id, **params)
        node.position = (x, y)
        self.project.add_node(node)
        return node

    def port(self, node: Node, port: str, output: bool) -> QPoint:
        """Where a port is on the viewport."""
        item = self.editor.graph_scene.port_item_named(node.id, port, output)
        assert item is not None
        return self.editor.mapFromScene(item.scenePos())

    def header(self, node: Node) -> QPoint:
        """A point on a node's title bar, on the viewport."""
        item = self.editor.graph_scene.node_item(node.id)
        return self.editor.mapFromScene(item.scenePos() + QPointF(70, 12))

    def click(self, point: QPoint, modifier=NONE) -> None:
        QTest.mouseClick(self.viewport, LEFT, modifier, point)

    def key(self, key: Qt.Key, modifier=NONE) -> None:
        self.editor.setFocus()
        QTest.keyClick(self.editor, key, modifier)

    def snapshot(self) -> dict:
        return project_to_dict(self.project)


def drag(viewport, start: QPoint, end: QPoint, steps: int = 6,
         button: Qt.MouseButton = LEFT) -> None:
    """Press at ``start``, move there in steps, release at ``end``, as a hand does."""
    QTest.mousePress(viewport, button, NONE, start)
    for step in range(1, steps + 1):
        QTest.mouseMove(viewport, start + (end - start) * step / steps)
    QTest.mouseRelease(viewport, button, NONE, end)


@pytest.fixture
def bench(qtbot, registry: NodeRegistry) -> Bench:
    project = Project()
    stack = QUndoStack()
    selection = QtSelection()
    editor = QtNodeEditor(project, registry, stack, selection)
    qtbot.addWidget(editor)
    editor.resize(1000, 700)
    editor.show()
    qtbot.waitExposed(editor)
    editor.resetTransform()
    editor.centerOn(QPointF(400, 250))
    return Bench(project, registry, stack, selection, editor)


def test_tab_opens_the_palette_and_enter_adds_the_node_at_the_cursor(bench: Bench) -> None:
    cursor = QPoint(300, 260)
    QTest.mouseMove(bench.viewport, cursor)
    bench.key(Qt.Key.Key_Tab)
    palette = bench.editor.palette_popup
    assert palette.isVisible()
    QTest.keyClicks(palette.search, "camera")
    assert palette.names()[0] == "Camera Move"  # names first, then mentions
    QTest.keyClick(palette.search, Qt.Key.Key_Return)
    assert not palette.isVisible()
    (node,) = bench.project.nodes.values()
    assert node.type == "previz.camera_move"
    where = bench.editor.mapToScene(cursor)
    assert node.position == (round(where.x()), round(where.y()))
    assert bench.selection.node_ids == (node.id,)
    assert bench.stack.count() == 1


def test_palette_filters_walks_and_escapes(bench: Bench) -> None:
    bench.key(Qt.Key.Key_Tab)
    palette = bench.editor.palette_popup
    assert len(palette.names()) == len(bench.registry)
    QTest.keyClicks(palette.search, "retime")
    assert palette.names() == ["Retime"]
    palette.search.clear()
    QTest.keyClicks(palette.search, "clip")
    assert "Extend" in palette.names() and "Prompt" not in palette.names()
    QTest.keyClick(palette.search, Qt.Key.Key_Down)
    assert palette.current_row() == 1
    QTest.keyClick(palette.search, Qt.Key.Key_Escape)
    assert not palette.isVisible()
    assert not bench.project.nodes


def test_double_click_on_the_canvas_opens_the_palette_and_a_click_adds(bench: Bench) -> None:
    QTest.mouseDClick(bench.viewport, LEFT, NONE, QPoint(500, 300))
    palette = bench.editor.palette_popup
    assert palette.isVisible()
    QTest.keyClicks(palette.search, "shot")
    item = palette.list.topLevelItem(0)
    QTest.mouseClick(palette.list.viewport(), LEFT, NONE,
                     palette.list.visualItemRect(item).center())
    assert [node.type for node in bench.project.nodes.values()] == ["previz.shot"]


def test_dragging_from_output_to_input_connects_and_undo_redo_round_trip(bench: Bench) -> None:
    prompt = bench.add("previz.prompt", 0, 0)
    shot = bench.add("previz.shot", 420, 120)
    before = bench.snapshot()
    drag(bench.viewport, bench.port(prompt, "prompt", True), bench.port(shot, "prompt", False))
    (made,) = bench.project.links.values()
    assert (made.source.node, made.source.port) == (prompt.id, "prompt")
    assert (made.target.node, made.target.port) == (shot.id, "prompt")
    after = bench.snapshot()
    bench.stack.undo()
    assert bench.snapshot() == before
    bench.stack.redo()
    assert bench.snapshot() == after
    assert bench.editor.graph_scene.edge_item(made.id) is not None


def test_dragging_from_input_back_to_output_connects_too(bench: Bench) -> None:
    move = bench.add("previz.camera_move", 0, 200)
    shot = bench.add("previz.shot", 420, 120)
    drag(bench.viewport, bench.port(shot, "camera", False), bench.port(move, "moves", True))
    (made,) = bench.project.links.values()
    assert (made.source.node, made.target.port) == (move.id, "camera")


def test_incompatible_link_is_refused_with_the_reason_shown(qtbot, bench: Bench) -> None:
    prompt = bench.add("previz.prompt", 0, 0)
    shot = bench.add("previz.shot", 420, 120)
    before = bench.snapshot()
    with qtbot.waitSignal(bench.editor.message) as said:
        drag(bench.viewport, bench.port(prompt, "prompt", True),
             bench.port(shot, "camera", False))
    assert "cannot connect" in said.args[0]
    assert bench.snapshot() == before
    assert bench.stack.count() == 0
    label = bench.editor.message_label
    assert label.isVisible() and "cannot connect" in label.text()
    assert not [item for item in bench.editor.graph_scene.items()
                if isinstance(item, QtEdgeItem)]  # the dashed link is gone too


def test_a_link_closing_a_cycle_is_refused(qtbot, bench: Bench) -> None:
    first = bench.add("previz.extend", 0, 0)
    second = bench.add("previz.extend", 420, 0)
    bench.project.add_link(link(first, "clip", second, "clip"))
    before = bench.snapshot()
    with qtbot.waitSignal(bench.editor.message) as said:
        drag(bench.viewport, bench.port(second, "clip", True), bench.port(first, "clip", False))
    assert "cycle" in said.args[0]
    assert bench.snapshot() == before


def test_output_to_output_is_refused(qtbot, bench: Bench) -> None:
    one = bench.add("previz.prompt", 0, 0)
    two = bench.add("previz.prompt", 0, 250)
    with qtbot.waitSignal(bench.editor.message) as said:
        drag(bench.viewport, bench.port(one, "prompt", True), bench.port(two, "prompt", True))
    assert "output to an input" in said.args[0]
    assert not bench.project.links


def test_dragging_a_link_off_its_input_disconnects_it(bench: Bench) -> None:
    prompt = bench.add("previz.prompt", 0, 0)
    shot = bench.add("previz.shot", 420, 120)
    bench.project.add_link(link(prompt, "prompt", shot, "prompt"))
    drag(bench.viewport, bench.port(shot, "prompt", False), QPoint(900, 600))
    assert not bench.project.links
    assert bench.stack.count() == 1
    bench.stack.undo()
    assert len(bench.project.links) == 1


def test_dropping_a_link_on_the_canvas_offers_fitting_nodes_and_links_the_new_one(
        bench: Bench) -> None:
    shot = bench.add("previz.shot", 420, 120)
    drag(bench.viewport, bench.port(shot, "prompt", False), QPoint(150, 300))
    palette = bench.editor.palette_popup
    assert palette.isVisible()
    assert palette.names() == ["Prompt"]  # the only node type with a Prompt output
    QTest.keyClick(palette.search, Qt.Key.Key_Return)
    (made,) = bench.project.links.values()
    assert bench.project.nodes[made.source.node].type == "previz.prompt"
    assert made.target.node == shot.id
    bench.stack.undo()  # node and link were one step
    assert list(bench.project.nodes) == [shot.id] and not bench.project.links


def test_dragging_a_node_is_one_undo_step(bench: Bench) -> None:
    shot = bench.add("previz.shot", 100, 100)
    before = bench.snapshot()
    start = bench.header(shot)
    drag(bench.viewport, start, start + QPoint(150, 80), steps=10)
    assert bench.project.nodes[shot.id].position == (250.0, 180.0)
    assert bench.stack.count() == 1
    bench.stack.undo()
    assert bench.snapshot() == before
    assert bench.editor.graph_scene.node_item(shot.id).pos() == QPointF(100, 100)


def test_links_follow_a_dragged_node(bench: Bench) -> None:
    prompt = bench.add("previz.prompt", 0, 0)
    shot = bench.add("previz.shot", 420, 120)
    made = link(prompt, "prompt", shot, "prompt")
    bench.project.add_link(made)
    start = bench.header(shot)
    drag(bench.viewport, start, start + QPoint(0, 100))
    edge = bench.editor.graph_scene.edge_item(made.id)
    port = bench.editor.graph_scene.port_item_named(shot.id, "prompt", False)
    assert edge.path().currentPosition() == port.scenePos()


def test_rubber_band_selects_the_nodes_inside(bench: Bench) -> None:
    one = bench.add("previz.prompt", 0, 0)
    two = bench.add("previz.prompt", 0, 180)
    bench.add("previz.shot", 600, 0)
    top_left = bench.editor.mapFromScene(QPointF(-30, -40))
    bottom_right = bench.editor.mapFromScene(QPointF(300, 380))
    drag(bench.viewport, top_left, bottom_right)
    assert set(bench.selection.node_ids) == {one.id, two.id}


def test_delete_removes_links_and_undo_restores_them(bench: Bench) -> None:
    prompt = bench.add("previz.prompt", 0, 0)
    shot = bench.add("previz.shot", 420, 120)
    extend = bench.add("previz.extend", 800, 120)
    bench.project.add_link(link(prompt, "prompt", shot, "prompt"))
    bench.project.add_link(link(shot, "clip", extend, "clip"))
    before = bench.snapshot()
    bench.click(bench.header(shot))
    assert bench.selection.node_ids == (shot.id,)
    bench.key(Qt.Key.Key_Delete)
    assert shot.id not in bench.project.nodes and not bench.project.links
    assert bench.editor.graph_scene.node_item(shot.id) is None
    bench.stack.undo()
    assert bench.snapshot() == before
    assert len(bench.editor.graph_scene.node_items()) == 3


def test_a_selected_link_can_be_deleted(bench: Bench) -> None:
    prompt = bench.add("previz.prompt", 0, 0)
    shot = bench.add("previz.shot", 420, 0)
    made = link(prompt, "prompt", shot, "prompt")
    bench.project.add_link(made)
    edge = bench.editor.graph_scene.edge_item(made.id)
    middle = edge.path().pointAtPercent(0.5)
    bench.click(bench.editor.mapFromScene(middle))
    bench.key(Qt.Key.Key_Backspace)
    assert not bench.project.links and len(bench.project.nodes) == 2


def test_zoom_keeps_the_point_under_the_cursor(bench: Bench) -> None:
    bench.add("previz.shot", 0, 0)
    cursor = QPoint(250, 200)
    QTest.mouseMove(bench.viewport, cursor)
    under = bench.editor.mapToScene(cursor)
    wheel(bench, cursor, 240)
    assert bench.editor.zoom > 1.2
    after = bench.editor.mapToScene(cursor)
    assert abs(after.x() - under.x()) < 2 and abs(after.y() - under.y()) < 2
    for _ in range(30):
        wheel(bench, cursor, -240)
    assert bench.editor.zoom == pytest.approx(0.1)


def test_middle_drag_and_space_drag_pan(bench: Bench) -> None:
    centre = bench.viewport.rect().center()
    before = bench.editor.mapToScene(centre)
    drag(bench.viewport, QPoint(400, 300), QPoint(300, 250), button=Qt.MouseButton.MiddleButton)
    moved = bench.editor.mapToScene(centre)
    assert (moved.x() - before.x(), moved.y() - before.y()) == pytest.approx((100, 50), abs=1)
    bench.editor.setFocus()
    QTest.keyPress(bench.editor, Qt.Key.Key_Space)
    drag(bench.viewport, QPoint(300, 250), QPoint(400, 300))
    QTest.keyRelease(bench.editor, Qt.Key.Key_Space)
    back = bench.editor.mapToScene(centre)
    assert (back.x(), back.y()) == pytest.approx((before.x(), before.y()), abs=1)
    assert not bench.selection.node_ids


def test_frame_all_brings_every_node_into_view(bench: Bench) -> None:
    nodes = [bench.add("previz.shot", x, y) for x, y in ((-2000, -900), (2500, 1400), (0, 0))]
    bench.key(Qt.Key.Key_F)
    visible = bench.editor.mapToScene(bench.viewport.rect()).boundingRect()
    for node in nodes:
        item = bench.editor.graph_scene.node_item(node.id)
        assert visible.contains(item.sceneBoundingRect())


def wheel(bench: Bench, at: QPoint, delta: int) -> None:
    """Turn the wheel over ``at``."""
    event = QWheelEvent(QPointF(at), QPointF(bench.viewport.mapToGlobal(at)), QPoint(0, 0),
                        QPoint(0, delta), Qt.MouseButton.NoButton, NONE,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(bench.viewport, event)


def test_set_project_shows_another_document(bench: Bench, registry: NodeRegistry) -> None:
    bench.add("previz.shot", 0, 0)
    other = Project()
    node = make_node(registry, "previz.prompt")
    other.add_node(node)
    bench.editor.set_project(other)
    assert [item.node_id for item in bench.editor.graph_scene.node_items()] == [node.id]
    bench.project.add_node(make_node(registry, "previz.shot"))  # the old one is not followed
    assert len(bench.editor.graph_scene.node_items()) == 1
