"""The app's bounds: a pasted five-megabyte name is refused with the reason and shown cut,
and a window holding nodes at the canvas's edge saves, frames and reopens."""

from __future__ import annotations

import pytest
from project_builders import make_node
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QUndoStack
from PySide6.QtTest import QTest

from previz._qt.inspector.qt_inspector import QtInspector
from previz._qt.selection import QtSelection
from previz.core.project import CANVAS_LIMIT, Project
from previz.core.registry import NodeRegistry
from previz.io import load_project

pytestmark = pytest.mark.reliability


def test_a_pasted_five_megabyte_name_is_refused_with_the_reason(
        qtbot, registry: NodeRegistry) -> None:
    project = Project()
    shot = make_node(registry, "previz.shot", name="Wide")
    project.add_node(shot)
    stack, selection = QUndoStack(), QtSelection()
    inspector = QtInspector(project, registry, stack, selection)
    qtbot.addWidget(inspector)
    inspector.show()
    qtbot.waitExposed(inspector)
    selection.set_nodes([shot.id])
    line = inspector.editors["name"].line
    QGuiApplication.clipboard().setText("y" * 5_000_000)
    line.setFocus()
    QTest.keyClick(line, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(line, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert project.nodes[shot.id].params["name"] == "Wide"
    assert stack.count() == 0
    assert inspector.problem.isVisible()
    assert "over the limit of 1,000" in inspector.problem.text()
    assert line.text() == "Wide"


def test_nodes_at_the_canvas_edge_save_frame_and_reopen(window, registry: NodeRegistry,
                                                         tmp_path) -> None:
    project = Project()
    for corner in [(1e308, -1e308), (-1e308, 1e308)]:
        node = make_node(registry, "previz.shot", name="x" * 900)
        node.position = corner
        project.add_node(node)
    window.document.replace(project, None)
    window.editor.frame_all()
    assert window.document.save(tmp_path / "edge.previz") == tmp_path / "edge.previz"
    reopened = load_project(tmp_path / "edge.previz")
    assert {node.position for node in reopened.nodes.values()} == {
        (CANVAS_LIMIT, -CANVAS_LIMIT), (-CANVAS_LIMIT, CANVAS_LIMIT)}
