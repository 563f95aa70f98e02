"""The Cast dock: create, duplicate, edit, reference images, undo, and delete-in-use asks."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from scene_builders import BusStop, bus_stop

from previz._qt.panels.qt_cast_panel import QtCastPanel
from previz.core.project import Project
from previz.core.registry import NodeRegistry


@pytest.fixture
def stop(registry: NodeRegistry) -> BusStop:
    return bus_stop(registry)


@pytest.fixture
def panel(qtbot, stop: BusStop) -> QtCastPanel:
    view = QtCastPanel(stop.project, QUndoStack())
    qtbot.addWidget(view)
    view.resize(420, 760)
    view.show()
    qtbot.waitExposed(view)
    return view


def names(panel: QtCastPanel) -> list[str]:
    return [panel.list.item(row).text().split("\n")[0] for row in range(panel.list.count())]


def test_lists_the_cast_by_name_with_a_figure_thumbnail(panel: QtCastPanel) -> None:
    assert names(panel) == ["Ada", "Ben"]
    icon = panel.list.item(0).icon().pixmap(48, 48).toImage()
    colours = {QColor(icon.pixel(x, y)).name() for x in range(48) for y in range(48)
               if QColor(icon.pixel(x, y)).alpha() == 255}
    assert "#a03030" in colours and "#d0a080" in colours  # Ada's red coat and her skin
    assert "1.68 m" in panel.list.item(0).text()


def test_new_then_rename_by_typing_each_one_undo_step(panel: QtCastPanel,
                                                       stop: BusStop) -> None:
    QTest.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    assert "New character" in names(panel)
    panel.name_edit.setFocus()
    panel.name_edit.selectAll()
    QTest.keyClicks(panel.name_edit, "Cleo")
    QTest.keyClick(panel.name_edit, Qt.Key.Key_Return)
    assert sorted(c.name for c in stop.project.cast.values()) == ["Ada", "Ben", "Cleo"]
    assert panel.undo_stack.count() == 2
    panel.height_spin.setValue(1.2)
    panel.figure_combo.setCurrentText("child")
    panel.figure_combo.activated.emit(1)
    cleo = next(c for c in stop.project.cast.values() if c.name == "Cleo")
    assert (cleo.height, cleo.figure) == (1.2, "child")
    for _ in range(3):
        panel.undo_stack.undo()
    assert "New character" in [c.name for c in stop.project.cast.values()]
    panel.undo_stack.undo()
    assert names(panel) == ["Ada", "Ben"]


def test_new_puts_the_cursor_in_the_name_so_typing_names_it(panel: QtCastPanel,
                                                             stop: BusStop) -> None:
    QTest.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    typing_into = QApplication.focusWidget()
    assert typing_into is panel.name_edit and panel.name_edit.selectedText() == "New character"
    QTest.keyClicks(typing_into, "Cleo")
    QTest.keyClick(typing_into, Qt.Key.Key_Return)
    assert sorted(c.name for c in stop.project.cast.values()) == ["Ada", "Ben", "Cleo"]
    assert panel.undo_stack.count() == 2  # New, then the name


def test_a_refused_edit_is_said_and_the_field_put_back(panel: QtCastPanel,
                                                        stop: BusStop) -> None:
    panel.select(stop.ada.id)
    panel.name_edit.setText("")
    panel.name_edit.editingFinished.emit()
    assert panel.problem.isVisible() and "name" in panel.problem.text()
    assert panel.name_edit.text() == "Ada" and stop.project.cast[stop.ada.id].name == "Ada"
    assert panel.undo_stack.count() == 0


def test_duplicate_copies_the_looks_under_a_new_name(panel: QtCastPanel, stop: BusStop) -> None:
    panel.select(stop.ada.id)
    QTest.mouseClick(panel.duplicate_button, Qt.MouseButton.LeftButton)
    copy = next(c for c in stop.project.cast.values() if c.name == "Ada copy")
    assert copy.id != stop.ada.id
    assert (copy.height, copy.wardrobe, copy.description) == (
        stop.ada.height, stop.ada.wardrobe, stop.ada.description)
    assert panel.current_id == copy.id


def test_colours_and_wardrobe_are_picked(panel: QtCastPanel, stop: BusStop,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    panel.select(stop.ben.id)
    monkeypatch.setattr(panel.top_button, "choose_colour", lambda: "#208040")
    QTest.mouseClick(panel.top_button, Qt.MouseButton.LeftButton)
    assert stop.project.cast[stop.ben.id].wardrobe[0] == "#208040"
    assert "#208040" in panel.top_button.styleSheet()


def test_reference_images_show_as_thumbnails(panel: QtCastPanel, stop: BusStop,
                                             tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    picture = QImage(64, 48, QImage.Format.Format_RGB32)
    picture.fill(QColor("#1060c0"))
    path = tmp_path / "ada.png"
    picture.save(str(path))
    panel.select(stop.ada.id)
    monkeypatch.setattr(panel.references, "choose_file", lambda: str(path))
    QTest.mouseClick(panel.references.add_button, Qt.MouseButton.LeftButton)
    ada = stop.project.cast[stop.ada.id]
    assert len(ada.references) == 1 and ada.references[0] in stop.project.assets
    thumb = panel.references.list.item(0).icon().pixmap(96, 72).toImage()
    assert QColor(thumb.pixel(thumb.width() // 2, thumb.height() // 2)).name() == "#1060c0"
    listed = panel.list.item(0).icon().pixmap(48, 48).toImage()  # the list shows it too
    assert QColor(listed.pixel(listed.width() // 2, listed.height() // 2)).name() == "#1060c0"
    assert panel.undo_stack.count() == 1
    panel.undo_stack.undo()
    assert not stop.project.cast[stop.ada.id].references and not stop.project.assets
    (tmp_path / "notes.png").write_text("not a picture")
    monkeypatch.setattr(panel.references, "choose_file", lambda: str(tmp_path / "notes.png"))
    QTest.mouseClick(panel.references.add_button, Qt.MouseButton.LeftButton)
    assert "notes.png is not an image" in panel.problem.text()


def test_deleting_a_character_in_a_scene_asks_naming_it(panel: QtCastPanel, stop: BusStop,
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    asked: list[str] = []

    def question(parent, title, text, *rest):
        asked.append(text)
        return answers.pop(0)

    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", question)
    panel.select(stop.ben.id)
    QTest.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert "scene 010 'The bus stop'" in asked[0] and "Ben" in asked[0]
    assert stop.ben.id in stop.project.cast  # cancelled: nothing changed
    QTest.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    scene = stop.project.nodes[stop.scene.id]
    assert stop.ben.id not in stop.project.cast and names(panel) == ["Ada"]
    assert scene.params["cast"] == [stop.ada.id]
    assert all(mark.get("character") != stop.ben.id and mark.get("look_at") != stop.ben.id
               for mark in scene.params["blocking"])
    assert panel.undo_stack.count() == 1
    panel.undo_stack.undo()
    assert stop.ben.id in stop.project.cast and len(scene.params["blocking"]) == 3


def test_a_character_in_no_scene_is_deleted_without_asking(panel: QtCastPanel,
                                                           stop: BusStop,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *args: pytest.fail("asked"))
    new_id = panel.create()
    assert panel.delete() and new_id not in stop.project.cast


def test_follows_another_project(panel: QtCastPanel) -> None:
    panel.set_project(Project())
    assert panel.list.count() == 0 and not panel.form_widget.isEnabled()
