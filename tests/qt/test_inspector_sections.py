"""The inspector groups a node's params in collapsible sections; a closed section stays closed
from node to node."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from previz._qt.inspector import qt_sections
from previz._qt.qt_main_window import QtMainWindow


def test_a_shots_params_come_in_sections(example_window: QtMainWindow) -> None:
    window = example_window
    qt_sections.collapsed.clear()
    shots = [n.id for n in window.document.project.nodes.values() if n.type == "previz.shot"]
    window.selection.set_nodes([shots[0]])
    inspector = window.inspector
    assert list(inspector.sections) == ["Slate", "Camera", "Scene", "Frame", "Render", "Notes"]
    camera = inspector.sections["Camera"]
    assert inspector.editors["lens"].parent() is camera.body
    assert inspector.editors["steps"].parent() is inspector.sections["Render"].body
    render = inspector.sections["Render"]
    QTest.mouseClick(render.header, Qt.MouseButton.LeftButton)
    assert not render.is_open and not inspector.editors["steps"].isVisibleTo(inspector)
    assert inspector.editors["lens"].isVisibleTo(inspector)
    window.selection.set_nodes([shots[1]])  # another shot: Render is still closed
    assert not inspector.sections["Render"].is_open
    QTest.mouseClick(inspector.sections["Render"].header, Qt.MouseButton.LeftButton)
    assert inspector.editors["steps"].isVisibleTo(inspector)
    qt_sections.collapsed.clear()
