"""The first window: it fills the screen, frames the graph, gives the inspector room; the View
menu shows or hides each panel and puts the layout back."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from previz._qt.qt_main_window import QtMainWindow


def settle(qtbot: Any) -> None:
    QApplication.processEvents()
    qtbot.wait(50)


def test_the_first_window_fills_the_screen_and_the_inspector_has_room(
        qtbot: Any, example_window: QtMainWindow) -> None:
    window = example_window
    settle(qtbot)
    screen = QGuiApplication.primaryScreen().availableGeometry()
    covered = window.frameGeometry().intersected(screen)
    assert covered.width() * covered.height() >= 0.95 * screen.width() * screen.height()
    inspector = window.docks["inspector"]
    assert inspector.isVisible() and not inspector.visibleRegion().isEmpty()
    assert inspector.height() >= 0.4 * window.height(), (inspector.height(), window.height())


def test_opening_frames_the_graph(qtbot: Any, example_window: QtMainWindow) -> None:
    settle(qtbot)
    editor = example_window.editor
    shown = editor.mapToScene(editor.viewport().rect()).boundingRect()
    nodes = QRectF()
    for item in editor.graph_scene.node_items():
        nodes = nodes.united(item.sceneBoundingRect())
    assert shown.contains(nodes)


def test_the_view_menu_shows_and_hides_each_panel_and_resets(qtbot: Any,
                                                             window: QtMainWindow) -> None:
    menu = window.menus["&View"]
    toggles = {action.text(): action for action in menu.actions() if action.isCheckable()}
    titles = {dock.windowTitle() for dock in window.docks.values()}
    assert set(toggles) == titles and {"Cast", "Locations", "Shot Table"} <= titles
    assert window.docks["viewer"].isVisible() and toggles["Viewer"].isChecked()
    toggles["Viewer"].trigger()
    assert not window.docks["viewer"].isVisible() and not toggles["Viewer"].isChecked()
    window.docks["log"].setFloating(True)
    window.docks["cast"].hide()
    window.action_by_id["view.reset_layout"].trigger()
    settle(qtbot)
    assert window.docks["viewer"].isVisible() and toggles["Viewer"].isChecked()
    assert not window.docks["log"].isFloating()
    assert all(not dock.isFloating() for dock in window.docks.values())
    assert window.docks["inspector"].height() >= 0.4 * window.height()
