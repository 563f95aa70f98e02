"""Building a graph inside the main window as a user does: nodes from the palette, a link
dragged between ports, a param typed in the inspector, then undo and redo."""

from __future__ import annotations

import copy

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from previz._qt.qt_main_window import QtMainWindow
from previz.core.project import Project
from previz.core.project_json import project_to_dict

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def snapshot(project: Project) -> dict:
    """The project's saved form, copied (it shares params with the live nodes)."""
    return copy.deepcopy(project_to_dict(project))


def add_from_palette(window: QtMainWindow, at: QPoint, search: str) -> str:
    """Double-click the canvas at ``at``, type in the palette, press Enter; the new node."""
    editor = window.editor
    before = set(window.document.project.nodes)
    QTest.mouseDClick(editor.viewport(), LEFT, NONE, at)
    palette = editor.palette_popup
    assert palette.isVisible()
    QTest.keyClicks(palette.search, search)
    QTest.keyClick(palette.search, Qt.Key.Key_Return)
    (added,) = set(window.document.project.nodes) - before
    return added


def port_at(window: QtMainWindow, node_id: str, port: str, output: bool) -> QPoint:
    """Where a port is drawn on the node editor's viewport."""
    item = window.editor.graph_scene.port_item_named(node_id, port, output)
    assert item is not None
    return window.editor.mapFromScene(item.scenePos())


def drag(viewport: QWidget, start: QPoint, end: QPoint, steps: int = 8) -> None:
    """Press, move in steps, release: a hand dragging."""
    QTest.mousePress(viewport, LEFT, NONE, start)
    for step in range(1, steps + 1):
        QTest.mouseMove(viewport, start + (end - start) * step / steps)
    QTest.mouseRelease(viewport, LEFT, NONE, end)


def click_title(window: QtMainWindow, node_id: str) -> None:
    """Click a node's title bar, selecting it."""
    item = window.editor.graph_scene.node_item(node_id)
    assert item is not None
    point = window.editor.mapFromScene(item.scenePos() + QPointF(60, 12))
    QTest.mouseClick(window.editor.viewport(), LEFT, NONE, point)


def test_build_edit_undo_and_redo_inside_the_main_window(window: QtMainWindow) -> None:
    window.resize(1400, 900)
    window.docks["nodeEditor"].raise_()
    editor, project = window.editor, window.document.project
    empty = snapshot(project)
    editor.resetTransform()
    editor.scale(0.6, 0.6)

    prompt = add_from_palette(window, QPoint(30, 40), "prompt")
    shot = add_from_palette(window, QPoint(260, 40), "shot")
    assert project.nodes[prompt].type == "previz.prompt"
    assert project.nodes[shot].type == "previz.shot"

    links = dict(project.links)
    drag(editor.viewport(), port_at(window, prompt, "prompt", output=True),
         port_at(window, shot, "camera", output=False))
    assert project.links == links  # a Prompt cannot drive a camera: refused, nothing changed
    assert window.statusBar().currentMessage().startswith("cannot connect")

    drag(editor.viewport(), port_at(window, prompt, "prompt", output=True),
         port_at(window, shot, "prompt", output=False))
    (link,) = project.links.values()
    assert (link.source.node, link.target.node, link.target.port) == (prompt, shot, "prompt")

    click_title(window, shot)
    assert window.selection.node_ids == (shot,)
    field = window.inspector.editors["name"].line
    QTest.mouseClick(field, LEFT, NONE, field.rect().center())
    QTest.keyClicks(field, "Harbour")
    editor.setFocus()  # leaving the field ends the typing: one undo step
    assert project.nodes[shot].params["name"] == "Harbour"
    built = snapshot(project)
    steps = window.document.undo_stack.index()
    assert steps == 4  # two nodes, one link, one name
    assert window.windowTitle() == "Untitled* — Previz"

    for _ in range(steps):
        QTest.keyClick(editor, Qt.Key.Key_Z, CTRL)
    assert snapshot(project) == empty
    assert window.windowTitle() == "Untitled — Previz"
    for _ in range(steps):
        QTest.keyClick(editor, Qt.Key.Key_Z, CTRL | SHIFT)
    assert snapshot(project) == built
    assert len(editor.graph_scene.node_items()) == 2
