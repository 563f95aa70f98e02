"""A Scene node in the inspector (location and cast from the project's libraries, blocking typed
with names, every edit one undo step) and continuity badges on the shots of a scene."""

from __future__ import annotations

import json

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFocusEvent, QUndoStack
from PySide6.QtWidgets import QApplication
from scene_builders import add_shot, bus_stop
from scene_render import plan_of

from previz._qt.inspector.qt_inspector import QtInspector
from previz._qt.node_editor.qt_node_editor import QtNodeEditor
from previz._qt.selection import QtSelection
from previz.core.locations import Location
from previz.core.scene_commands import AddLocation, EditCharacter
from previz.engine.store import ClipStore


def test_scene_params_are_edited_from_the_libraries_and_undone(qtbot, registry):
    stop = bus_stop(registry)
    project = stop.project
    stack = QUndoStack()
    selection = QtSelection()
    inspector = QtInspector(project, registry, stack, selection)
    qtbot.addWidget(inspector)
    inspector.resize(480, 900)
    inspector.show()
    qtbot.waitExposed(inspector)
    selection.set_nodes([stop.scene.id])
    assert inspector.title.text() == "Scene 010 'The bus stop'"

    location = inspector.editors["location"]
    assert location.combo.currentText() == "EXT. BUS STOP"
    AddLocation(Location.new("Kitchen", setting="INT")).do(project)  # the library grows
    kitchen = location.combo.findText("INT. KITCHEN")
    assert kitchen >= 0
    location.combo.activated.emit(kitchen)
    assert project.nodes[stop.scene.id].params["location"] == location.combo.itemData(kitchen)

    cast = inspector.editors["cast"]
    rows = {cast.list.item(i).text(): cast.list.item(i) for i in range(cast.list.count())}
    assert set(rows) == {"Ada  (1.68 m)", "Ben  (1.85 m)"}
    rows["Ada  (1.68 m)"].setCheckState(Qt.CheckState.Unchecked)
    assert project.nodes[stop.scene.id].params["cast"] == [stop.ben.id]
    EditCharacter(stop.ben.id, {"height": 1.9}).do(project)
    assert cast.list.item(1).text() == "Ben  (1.9 m)"

    blocking = inspector.editors["blocking"]
    shown = json.loads(blocking.text.toPlainText())
    assert shown[1]["character"] == "Ben" and shown[2]["look_at"] == "Ada"
    shown[1]["x"] = -8.0
    blocking.text.setPlainText(json.dumps(shown))
    QApplication.sendEvent(blocking.text, QFocusEvent(QEvent.Type.FocusOut))  # the user tabs on
    marks = project.nodes[stop.scene.id].params["blocking"]
    assert marks[1] == {"character": stop.ben.id, "time": 0.0, "x": -8.0, "z": 0.0}
    assert marks[2]["look_at"] == stop.ada.id
    assert stack.count() == 3
    for _ in range(3):
        stack.undo()
    params = project.nodes[stop.scene.id].params
    assert params["location"] == stop.location.id
    assert params["cast"] == [stop.ada.id, stop.ben.id]
    assert params["blocking"][1]["x"] == -6.0


def test_blocking_that_is_not_json_is_reported_and_changes_nothing(qtbot, registry):
    stop = bus_stop(registry)
    stack = QUndoStack()
    selection = QtSelection()
    inspector = QtInspector(stop.project, registry, stack, selection)
    qtbot.addWidget(inspector)
    inspector.show()
    qtbot.waitExposed(inspector)
    selection.set_nodes([stop.scene.id])
    blocking = inspector.editors["blocking"]
    blocking.text.setPlainText("[{\"character\": \"Ben\", \"time\": ")
    blocking.apply()
    assert inspector.problem.isVisibleTo(inspector)
    assert "not JSON" in inspector.problem.text()
    assert stack.count() == 0


def test_shots_that_cross_the_line_wear_a_continuity_badge(qtbot, registry, tmp_path):
    stop = bus_stop(registry, [])
    stop.project.set_param(stop.scene.id, "blocking", [
        {"character": stop.ada.id, "time": 0.0, "x": -1.0, "z": 0.0},
        {"character": stop.ben.id, "time": 0.0, "x": 1.0, "z": 0.0}])
    ada = add_shot(registry, stop, name="Ada", subject="Ada")
    ben = add_shot(registry, stop, name="Ben", subject="Ben", shot="0020", side=180.0)
    stop.project.nodes[ben.id].position = (300.0, 0.0)
    editor = QtNodeEditor(stop.project, registry, QUndoStack(), QtSelection())
    qtbot.addWidget(editor)
    editor.resize(900, 600)
    editor.show()
    qtbot.waitExposed(editor)
    editor.show_plan(plan_of(stop.project, ClipStore(tmp_path, 1 << 30)))
    for node in (ada, ben):
        item = editor.graph_scene.node_item(node.id)
        assert [badge.text for badge in item.badges.badges()] == ["continuity"]
        assert "crosses the 180° line between Ada and Ben" in item.toolTip()
    assert editor.graph_scene.node_item(stop.scene.id).badges.badges() == []
    editor.grab().save(str(tmp_path / "badges.png"))  # paints the badges without error
    stop.project.set_param(ben.id, "side", 0.0)
    editor.show_plan(plan_of(stop.project, ClipStore(tmp_path, 1 << 30)))
    assert editor.graph_scene.node_item(ben.id).badges.badges() == []
