"""The Shot table: a row per shot, edits in place (one undo step each), sorting, selection."""

from __future__ import annotations

import pytest
from project_builders import link, make_node
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QDoubleSpinBox

from previz._qt.panels.qt_shot_table import COLUMNS, QtShotTable
from previz._qt.selection import QtSelection
from previz.core.project import Node, Project
from previz.core.registry import NodeRegistry

LENS = [column.title for column in COLUMNS].index("Lens")
SIZE = [column.title for column in COLUMNS].index("Size")


@pytest.fixture
def shots(registry: NodeRegistry) -> tuple[Project, list[Node]]:
    """The bus stop's coverage: a wide pushing in, a medium, a close-up (out of order)."""
    project = Project()
    made = [make_node(registry, "previz.shot", shot=shot, name=name, shot_size=size, lens=lens,
                      duration=duration)
            for shot, name, size, lens, duration in (
                ("0030", "Close", "close_up", 85.0, 2.0), ("0010", "Wide", "wide", 24.0, 5.0),
                ("0020", "Medium", "medium", 50.0, 3.0))]
    for node in made:
        project.add_node(node)
    push = make_node(registry, "previz.camera_move", move="dolly", amount=1.0)
    project.add_node(push)
    project.add_link(link(push, "moves", made[1], "camera"))
    return project, made


@pytest.fixture
def table(qtbot, registry: NodeRegistry, shots) -> QtShotTable:
    view = QtShotTable(shots[0], registry, QUndoStack(), QtSelection())
    qtbot.addWidget(view)
    view.resize(1000, 300)
    view.show()
    qtbot.waitExposed(view)
    return view


def cells(table: QtShotTable, column: int) -> list[str]:
    return [table.model().index(row, column).data() for row in range(table.model().rowCount())]


def test_every_shot_is_a_row_sorted_by_slate(table: QtShotTable) -> None:
    assert [column.title for column in COLUMNS] == [
        "Scene", "Shot", "Name", "Size", "Angle", "Lens", "Move", "Duration", "Description"]
    assert cells(table, 1) == ["0010", "0020", "0030"]
    assert cells(table, 2) == ["Wide", "Medium", "Close"]
    assert cells(table, LENS) == ["24 mm", "50 mm", "85 mm"]
    assert cells(table, 6) == ["dolly in 1 m", "static", "static"]
    assert cells(table, 7) == ["5 s", "3 s", "2 s"]


def test_sorting_by_a_column_header(table: QtShotTable) -> None:
    header = table.horizontalHeader()
    centre = QPoint(header.sectionViewportPosition(7) + header.sectionSize(7) // 2,
                    header.height() // 2)
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert cells(table, 7) == ["2 s", "3 s", "5 s"]  # by seconds, shortest first
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert cells(table, 7) == ["5 s", "3 s", "2 s"]
    table.sortByColumn(LENS, Qt.SortOrder.DescendingOrder)
    assert cells(table, LENS) == ["85 mm", "50 mm", "24 mm"]


def test_typing_a_lens_is_one_undo_step(table: QtShotTable, shots) -> None:
    project, made = shots
    index = table.model().index(0, LENS)  # the wide
    table.setFocus()
    table.setCurrentIndex(index)
    QTest.keyClick(table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QDoubleSpinBox) and editor.maximum() == 600.0
    editor.selectAll()
    QTest.keyClicks(editor, "28")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()  # the delegate commits on the next turn of the loop
    assert project.nodes[made[1].id].params["lens"] == 28.0
    assert table.shots.undo_stack.count() == 1
    assert cells(table, LENS)[0] == "28 mm"
    table.shots.undo_stack.undo()
    assert project.nodes[made[1].id].params["lens"] == 24.0 and cells(table, LENS)[0] == "24 mm"


def test_a_size_is_chosen_from_a_drop_down(table: QtShotTable, shots) -> None:
    project, made = shots
    index = table.model().index(1, SIZE)  # the medium
    table.setCurrentIndex(index)
    table.edit(index)
    combo = table.findChild(QComboBox)
    assert combo is not None and combo.count() == 8
    combo.setCurrentIndex(combo.findData("medium_close_up"))
    QTest.keyClick(combo, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert project.nodes[made[2].id].params["shot_size"] == "medium_close_up"
    assert cells(table, SIZE)[1] == "medium close up"
    assert table.shots.undo_stack.count() == 1


def test_a_lens_out_of_range_is_refused_and_said(qtbot, table: QtShotTable, shots) -> None:
    project, made = shots
    with qtbot.waitSignal(table.shots.refused) as said:
        table.model().setData(table.model().index(0, LENS), "4000")
    assert "Lens" in said.args[0]
    with qtbot.waitSignal(table.shots.refused):
        table.model().setData(table.model().index(0, LENS), "wide")
    assert project.nodes[made[1].id].params["lens"] == 24.0
    assert table.shots.undo_stack.count() == 0


def test_choosing_a_row_selects_the_node_and_back(table: QtShotTable, shots) -> None:
    _, made = shots
    rect = table.visualRect(table.model().index(2, 2))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert table.selection.node_ids == (made[0].id,)  # row 3 is shot 0030
    table.selection.set_nodes([made[2].id])
    assert [index.row() for index in table.selectionModel().selectedRows()] == [1]


def test_new_shots_and_another_project_show(table: QtShotTable, shots,
                                            registry: NodeRegistry) -> None:
    project, _ = shots
    project.add_node(make_node(registry, "previz.shot", shot="0040"))
    assert cells(table, 1) == ["0010", "0020", "0030", "0040"]
    table.set_project(Project())
    assert table.model().rowCount() == 0

