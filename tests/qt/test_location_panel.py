"""The Locations dock: create, duplicate, edit, set pieces, references, delete-in-use asks."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from scene_builders import BusStop, bus_stop

from previz._qt.panels.qt_location_panel import QtLocationPanel
from previz.core.project import Project
from previz.core.project_json import project_from_dict, project_to_dict
from previz.core.registry import NodeRegistry


@pytest.fixture
def stop(registry: NodeRegistry) -> BusStop:
    return bus_stop(registry)


@pytest.fixture
def panel(qtbot, stop: BusStop) -> QtLocationPanel:
    view = QtLocationPanel(stop.project, QUndoStack())
    qtbot.addWidget(view)
    view.resize(420, 760)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_lists_locations_by_slug_with_a_plan_thumbnail(panel: QtLocationPanel) -> None:
    assert panel.list.item(0).text().split("\n") == ["EXT. BUS STOP", "asphalt · 2 set pieces"]
    icon = panel.list.item(0).icon().pixmap(48, 48).toImage()
    colours = {QColor(icon.pixel(x, y)).name() for x in range(48) for y in range(48)}
    assert "#8090a0" in colours  # the bus shelter's footprint on the asphalt
    assert [panel.pieces.item(row).text().split()[0] for row in range(panel.pieces.count())] \
        == ["bus", "lamp"]


def test_create_edit_and_undo(panel: QtLocationPanel, stop: BusStop) -> None:
    new_id = panel.create()
    assert panel.current_id == new_id
    panel.name_edit.setText("Diner")
    panel.name_edit.editingFinished.emit()
    panel.setting_combo.setCurrentText("INT")
    panel.setting_combo.activated.emit(0)
    panel.ground_combo.setCurrentText("tile")
    panel.ground_combo.activated.emit(0)
    panel.piece_kind.setCurrentIndex(panel.piece_kind.findData("counter"))
    QTest.mouseClick(panel.add_piece_button, Qt.MouseButton.LeftButton)
    diner = stop.project.locations[new_id]
    assert (diner.slug(), diner.ground) == ("INT. DINER", "tile")
    assert [piece.kind for piece in diner.set_pieces] == ["counter"]
    assert panel.undo_stack.count() == 5
    panel.undo_stack.undo()
    assert not stop.project.locations[new_id].set_pieces
    QTest.mouseClick(panel.remove_piece_button, Qt.MouseButton.LeftButton)  # nothing to remove
    assert panel.undo_stack.index() == 4 and panel.undo_stack.count() == 5


def test_duplicate_gives_set_pieces_their_own_ids(panel: QtLocationPanel, stop: BusStop) -> None:
    panel.select(stop.location.id)
    copy_id = panel.duplicate()
    copy = stop.project.locations[copy_id]
    assert copy.name == "Bus stop copy" and len(copy.set_pieces) == 2
    assert not {p.id for p in copy.set_pieces} & {p.id for p in stop.location.set_pieces}


def test_reference_images_are_saved_and_load_back(panel: QtLocationPanel, stop: BusStop,
                                                  tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    picture = QImage(80, 45, QImage.Format.Format_RGB32)
    picture.fill(QColor("#c08020"))
    path = tmp_path / "recce.jpg"
    picture.save(str(path))
    monkeypatch.setattr(panel.references, "choose_file", lambda: str(path))
    QTest.mouseClick(panel.references.add_button, Qt.MouseButton.LeftButton)
    location = stop.project.locations[stop.location.id]
    assert len(location.references) == 1
    assert panel.references.list.count() == 1
    assert panel.references.list.item(0).text() == "recce.jpg"
    data = project_to_dict(stop.project)
    assert project_from_dict(data).locations[stop.location.id].references == location.references


def test_deleting_a_location_a_scene_is_set_in_asks(panel: QtLocationPanel, stop: BusStop,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *rest: (
        asked.append(text), QMessageBox.StandardButton.Yes)[1])
    QTest.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert "scene 010 'The bus stop'" in asked[0]
    assert not stop.project.locations and panel.list.count() == 0
    assert stop.project.nodes[stop.scene.id].params["location"] == ""
    panel.undo_stack.undo()
    assert stop.project.nodes[stop.scene.id].params["location"] == stop.location.id
    assert panel.list.count() == 1


def test_follows_another_project(panel: QtLocationPanel) -> None:
    panel.set_project(Project())
    assert panel.list.count() == 0 and not panel.delete_button.isEnabled()
