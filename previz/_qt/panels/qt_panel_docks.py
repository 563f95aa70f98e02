"""Puts the Cast, Locations and Shot table docks in the main window, and the View menu's
show/hide entry for every panel with Reset Layout."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import QMenu

from previz._qt.panels.qt_cast_panel import QtCastPanel
from previz._qt.panels.qt_location_panel import QtLocationPanel
from previz._qt.panels.qt_project_settings import QtProjectSettings
from previz._qt.panels.qt_shot_table import QtShotTable

if TYPE_CHECKING:
    from previz._qt.qt_main_window import QtMainWindow

Area = Qt.DockWidgetArea


def install(window: QtMainWindow) -> None:
    """Add the library and shot-table docks, fill the View menu, remember the default layout."""
    stack, project = window.document.undo_stack, window.document.project
    window.cast_panel = QtCastPanel(project, stack)
    window.location_panel = QtLocationPanel(project, stack)
    window.shot_table = QtShotTable(project, window.session.registry, stack, window.selection)
    window.add_panel("cast", "Cast", window.cast_panel, Area.RightDockWidgetArea,
                     tab_with="inspector")
    window.add_panel("locations", "Locations", window.location_panel, Area.RightDockWidgetArea,
                     tab_with="inspector")
    window.add_panel("shotTable", "Shot Table", window.shot_table, Area.BottomDockWidgetArea,
                     tab_with="queue")
    window.docks["inspector"].raise_()
    window.docks["timeline"].raise_()
    window.shot_table.shots.refused.connect(
        lambda text: window.statusBar().showMessage(text, 6000))
    window.document.project_replaced.connect(lambda new: _show_project(window, new))
    fill_view_menu(window, window.menus["&View"])
    window.default_layout = window.saveState()
    window.action_by_id["view.reset_layout"].triggered.connect(lambda: reset_layout(window))
    window.action_by_id["file.project_settings"].triggered.connect(
        lambda: show_project_settings(window))


def show_project_settings(window: QtMainWindow) -> QtProjectSettings:
    """Open the Project Settings dialog on the window's project (OK is one undo step)."""
    dialog = QtProjectSettings(window.document.project, window.document.undo_stack,
                               window.session.backends.catalog, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def fill_view_menu(window: QtMainWindow, menu: QMenu) -> None:
    """A checkable entry per panel (ticked while it is shown), above Reset Layout."""
    first = window.action_by_id["view.reset_layout"]
    for dock in window.docks.values():
        toggle = dock.toggleViewAction()
        toggle.setStatusTip(f"Show or hide the {dock.windowTitle()} panel")
        menu.insertAction(first, toggle)
    menu.insertSeparator(first)


def reset_layout(window: QtMainWindow) -> None:
    """Every panel back where a new install puts it, shown."""
    state = getattr(window, "default_layout", None)
    if isinstance(state, QByteArray):
        window.restoreState(state)
    for dock in window.docks.values():
        dock.setFloating(False)
        dock.show()
    window.docks["inspector"].raise_()
    window.docks["timeline"].raise_()
    default_sizes(window)


def default_sizes(window: QtMainWindow) -> None:
    """The first layout: the node editor two thirds wide; on the right the inspector over half
    the height above the viewer; the timeline under the node editor."""
    width, height = window.width(), window.height()
    docks = window.docks
    window.resizeDocks([docks["nodeEditor"], docks["inspector"]],
                       [width * 2 // 3, width // 3], Qt.Orientation.Horizontal)
    window.resizeDocks([docks["inspector"], docks["viewer"]],
                       [height * 11 // 20, height * 9 // 20], Qt.Orientation.Vertical)
    window.resizeDocks([docks["nodeEditor"], docks["queue"]],
                       [height * 2 // 3, height // 3], Qt.Orientation.Vertical)


def _show_project(window: QtMainWindow, project: object) -> None:
    window.cast_panel.set_project(project)
    window.location_panel.set_project(project)
    window.shot_table.set_project(project)
