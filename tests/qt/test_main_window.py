"""The main window as a user meets it: docks, menus and shortcuts, title, files, drops, layout."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDockWidget, QFileDialog, QMessageBox
from qt_drops import drop_files

from previz._qt import actions, document
from previz._qt.qt_main_window import QtMainWindow, open_main_window
from previz._qt.undo import push_command
from previz.core.commands import SetParam
from previz.core.project_json import project_to_dict
from previz.io import load_project

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "lighthouse.previz"
Dialogs = Any
Button = QMessageBox.StandardButton


def a_shot(window: QtMainWindow) -> str:
    """The id of a Shot node of the open project."""
    return next(node.id for node in window.document.project.nodes.values()
                if node.type == "previz.shot")


def rename(window: QtMainWindow, node_id: str, name: str) -> None:
    """An edit through the undo stack, as the inspector makes it."""
    push_command(window.document.undo_stack, window.document.project,
                 SetParam(node_id, "name", name))


def test_the_window_opens_on_a_project_with_its_docks(example_window: QtMainWindow) -> None:
    window = example_window
    assert window.windowTitle() == "lighthouse — Previz"
    assert set(window.docks) == {"nodeEditor", "inspector", "history", "viewer", "timeline",
                                 "queue", "log", "floorPlan", "cast", "locations",
                                 "shotTable"}
    for dock in window.docks.values():
        assert isinstance(dock, QDockWidget) and dock.objectName().endswith("Dock")
        assert not dock.isFloating()
    assert len(window.editor.graph_scene.node_items()) == len(window.document.project.nodes)
    assert not window.windowIcon().isNull()
    assert "QDockWidget::title" in QApplication.instance().styleSheet()


def test_menus_and_shortcuts_come_from_the_action_table(window: QtMainWindow) -> None:
    in_menus: dict[str, QAction] = {}
    for menu in window.menuBar().findChildren(type(window.menus["&File"])):
        for action in menu.actions():
            if action.objectName():
                in_menus[action.objectName()] = action
    table = {row.id: row for row in actions.ACTIONS}
    assert set(in_menus) | {"file.open_recent"} == set(table)
    for action_id, action in in_menus.items():
        row = table[action_id]
        assert action.text() == window.action_by_id[action_id].text()
        assert action.shortcuts() == actions.key_sequences(row)
        scoped = row.scope == "canvas"
        assert (action.shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut) is scoped
        assert (action in window.editor.actions()) is scoped
        assert action.shortcuts() or action_id.startswith("file.open_recent")
    for needed in ("New", "Open…", "Save", "Save As…", "Undo", "Redo", "Cut", "Copy", "Paste",
                   "Duplicate", "Delete", "Frame All", "Render", "Render Selected",
                   "Cancel Render"):
        assert any(row.text.replace("&", "") == needed for row in actions.ACTIONS), needed
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles[:4] == ["&File", "&Edit", "&View", "&Render"]
    assert window.menus["file.open_recent"].title() == "Open &Recent"


def test_a_key_press_runs_the_action_of_its_shortcut(example_window: QtMainWindow) -> None:
    window = example_window
    rename(window, a_shot(window), "Renamed")
    assert window.action_by_id["edit.undo"].isEnabled()
    assert window.action_by_id["edit.undo"].text() == "&Undo Set name"
    window.editor.setFocus()
    QTest.keyClick(window.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.document.undo_stack.index() == 0
    QTest.keyClick(window.editor, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.document.undo_stack.index() == 1


def test_canvas_keys_act_on_the_canvas_and_leave_text_fields_alone(
        example_window: QtMainWindow) -> None:
    window = example_window
    shot = a_shot(window)
    window.selection.set_nodes([shot])
    field = window.inspector.editors["name"].line
    field.setFocus()
    field.setCursorPosition(0)
    QTest.keyClick(field, Qt.Key.Key_Delete)
    assert shot in window.document.project.nodes  # the key edited the text, not the graph
    window.editor.setFocus()
    QTest.keyClick(window.editor, Qt.Key.Key_Delete)
    assert shot not in window.document.project.nodes
    QTest.keyClick(window.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert shot in window.document.project.nodes


def test_the_title_shows_unsaved_changes_until_undone_or_saved(
        example_window: QtMainWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = example_window
    rename(window, a_shot(window), "Dusk")
    assert window.windowTitle() == "lighthouse* — Previz"
    window.action_by_id["edit.undo"].trigger()
    assert window.windowTitle() == "lighthouse — Previz"
    window.action_by_id["edit.redo"].trigger()
    target = tmp_path / "keeper"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.action_by_id["file.save_as"].trigger()
    assert window.windowTitle() == "keeper — Previz"
    assert (tmp_path / "keeper.previz").is_file()


@pytest.mark.parametrize(("answer", "closes"), [(Button.Cancel, False), (Button.Discard, True)])
def test_closing_with_unsaved_changes_asks(example_window: QtMainWindow, dialogs: Dialogs,
                                           answer: Button, closes: bool) -> None:
    window = example_window
    rename(window, a_shot(window), "Gone")
    dialogs.answer(answer)
    window.close()
    assert dialogs.seen and "not saved" in dialogs.seen[0][0]
    assert window.isVisible() is not closes


def test_save_from_the_question_then_go_on(example_window: QtMainWindow, dialogs: Dialogs,
                                           tmp_path: Path) -> None:
    window = example_window
    copy = tmp_path / "copy.previz"
    window.document.save(copy)
    shot = a_shot(window)
    rename(window, shot, "Kept")
    dialogs.answer(Button.Save)
    window.action_by_id["file.new"].trigger()
    assert window.document.path is None and not window.document.project.nodes
    assert load_project(copy).nodes[shot].params["name"] == "Kept"
    assert window.windowTitle() == "Untitled — Previz"


def test_nothing_asks_when_nothing_is_unsaved(example_window: QtMainWindow,
                                              dialogs: Dialogs) -> None:
    example_window.action_by_id["file.new"].trigger()
    assert dialogs.seen == []
    assert not example_window.document.project.nodes


def test_save_and_open_round_trip_through_the_menus(
        example_window: QtMainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = example_window
    shot = a_shot(window)
    rename(window, shot, "Round trip")
    before = project_to_dict(window.document.project)
    target = tmp_path / "round.previz"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.action_by_id["file.save_as"].trigger()
    window.action_by_id["file.new"].trigger()
    assert not window.document.project.nodes
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(target), ""))
    window.action_by_id["file.open"].trigger()
    assert project_to_dict(window.document.project) == before
    assert window.document.path == target.resolve()
    assert len(window.editor.graph_scene.node_items()) == len(before["nodes"])


def test_open_recent_lists_and_reopens(example_window: QtMainWindow, tmp_path: Path) -> None:
    window = example_window
    saved = window.document.save(tmp_path / "recent.previz")
    window.remember_recent(saved)
    window.action_by_id["file.new"].trigger()
    menu = window.menus["file.open_recent"]
    menu.aboutToShow.emit()
    entries = [action for action in menu.actions() if action.isEnabled()]
    assert [entry.toolTip() for entry in entries] == [str(saved), str(EXAMPLE.resolve())]
    entries[0].trigger()
    assert window.document.path == saved


def test_a_bad_file_is_refused_with_a_message(window: QtMainWindow, tmp_path: Path,
                                              dialogs: Dialogs) -> None:
    broken = tmp_path / "broken.previz"
    broken.write_bytes(b"not a zip")
    dialogs.answer(Button.Ok)
    assert not window.open_path(broken)
    assert dialogs.seen and "broken.previz" in dialogs.seen[0][0]
    assert window.document.path is None
    assert any("could not open" in line for line in window.log_panel.lines())




def test_an_image_dropped_on_the_canvas_becomes_an_image_node(
        window: QtMainWindow, tmp_path: Path) -> None:
    image = tmp_path / "plate.png"
    image.write_bytes(next(iter(load_project(EXAMPLE).assets.values())).data)
    assert drop_files(window, [image, tmp_path / "notes.txt"], QPoint(120, 90))
    project = window.document.project
    (node,) = project.nodes.values()
    assert node.type == "previz.image"
    assert project.assets[node.params["image"]].name == "plate.png"
    scene = window.editor.mapToScene(QPoint(120, 90))
    assert node.position == (round(scene.x()), round(scene.y()))
    assert window.document.undo_stack.count() == 1
    window.action_by_id["edit.undo"].trigger()
    assert not project.nodes


def test_a_drop_without_images_is_left_alone(window: QtMainWindow, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("no picture")
    drop_files(window, [text], QPoint(50, 50))
    assert not window.document.project.nodes
    assert window.document.undo_stack.count() == 0


def test_the_layout_is_remembered(make_window: Callable[[], QtMainWindow]) -> None:
    first = make_window()
    first.docks["log"].setFloating(True)
    first.docks["history"].hide()
    first.resize(700, 500)
    first.close()
    second = make_window()
    assert second.docks["log"].isFloating()
    assert not second.docks["history"].isVisible()
    assert (second.width(), second.height()) == (700, 500)


def test_open_main_window_opens_the_project_and_remembers_it(services: Any, loop: Any) -> None:
    window = open_main_window(services, EXAMPLE)
    try:
        assert window.document.path == EXAMPLE.resolve()
        assert window.recent_paths() == [EXAMPLE.resolve()]
    finally:
        window.close()


def test_document_titles_and_dirty_state(window: QtMainWindow) -> None:
    doc = window.document
    assert doc.title == "Untitled — Previz" and not doc.is_dirty
    doc.record_models({"wan": "abc"})
    assert doc.is_dirty and doc.project.models == {"wan": "abc"}
    doc.replace(doc.project, None)
    doc.record_models({"wan": "abc"})
    assert not doc.is_dirty
    with pytest.raises(ValueError, match="file name"):
        doc.save()
    assert document.SUFFIX == ".previz"
