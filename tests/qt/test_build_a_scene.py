"""A three-shot scene built from an empty project through the GUI by simulated mouse and keys,
counting the user's actions (issue 15: a character at a bus stop at night, a wide on a 24 mm
with a slow push-in, a medium on a 50 mm, a close-up on an 85 mm; target under 40)."""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QTabBar, QWidget

from previz._qt.node_editor import qt_node_editor
from previz._qt.node_editor.qt_node_drag import nodes_mime
from previz._qt.node_editor.qt_port_item import QtPortItem
from previz._qt.qt_main_window import QtMainWindow
from previz.cli import validate

LEFT = Qt.MouseButton.LeftButton
NO_KEYS = Qt.KeyboardModifier.NoModifier
TARGET = 40


@dataclass
class Actions:
    """Sends real input events and counts each user action once: a click, a key chord, a
    typed field value (with the Enter that ends it), a drag."""

    log: list[str] = field(default_factory=list)

    def click(self, widget: QWidget, what: str, at: QPoint | None = None,
              keys: Qt.KeyboardModifier = NO_KEYS) -> None:
        """One click (``at`` in the widget, else its middle)."""
        QTest.mouseClick(widget, LEFT, keys, at if at is not None else widget.rect().center())
        self._did(f"click {what}")

    def double_click(self, widget: QWidget, what: str, at: QPoint) -> None:
        """One double-click."""
        QTest.mouseDClick(widget, LEFT, NO_KEYS, at)
        self._did(f"double-click {what}")

    def key(self, widget: QWidget, key: Qt.Key, what: str,
            keys: Qt.KeyboardModifier = NO_KEYS) -> None:
        """One key chord."""
        QTest.keyClick(widget, key, keys)
        self._did(f"key {what}")

    def type(self, widget: QWidget, text: str, what: str, enter: bool = True,
             follow_focus: bool = False) -> None:
        """One typed field value, ended with Enter unless ``enter`` is false; with
        ``follow_focus``, each key goes where the focus is by then (an editor it opened)."""
        for key in text:
            QTest.keyClicks(QApplication.focusWidget() if follow_focus else widget, key)
        if enter:
            QTest.keyClick(QApplication.focusWidget() if follow_focus else widget,
                           Qt.Key.Key_Return)
        self._did(f"type {text!r} {what}")

    def drag(self, widget: QWidget, start: QPoint, end: QPoint, what: str,
             steps: int = 8) -> None:
        """One drag: press, move in steps, release."""
        QTest.mousePress(widget, LEFT, NO_KEYS, start)
        for step in range(1, steps + 1):
            QTest.mouseMove(widget, start + (end - start) * step / steps)
        QTest.mouseRelease(widget, LEFT, NO_KEYS, end)
        self._did(f"drag {what}")

    def choose(self, combo: QComboBox, text: str, what: str) -> None:
        """Open a drop-down (a click), type the start of an entry and Enter (a typed value)."""
        self.click(combo, f"the {what} drop-down")
        view = combo.view()
        for _ in range(100):
            if view.isVisible():
                break
            QTest.qWait(20)
        assert view.isVisible(), f"the {what} drop-down did not open"
        QTest.keyClicks(view, text)
        QTest.keyClick(view, Qt.Key.Key_Return)
        self._did(f"type {text!r} in it")

    def _did(self, what: str) -> None:
        self.log.append(what)
        QApplication.processEvents()


def click_tab(window: QtMainWindow, act: Actions, title: str, dock: str) -> None:
    """Click a dock's tab; the dock's panel is then in view."""
    bar, at = tab(window, title)
    act.click(bar, f"the {title} tab", at)
    assert not window.docks[dock].widget().visibleRegion().isEmpty(), f"{title} is hidden"


def tab(window: QtMainWindow, title: str) -> tuple[QTabBar, QPoint]:
    """The dock tab bar showing ``title`` and the middle of that tab."""
    for bar in window.findChildren(QTabBar):
        for index in range(bar.count()):
            if bar.tabText(index) == title and not bar.visibleRegion().isEmpty():
                return bar, bar.tabRect(index).center()
    raise AssertionError(f"no {title!r} tab")


def port_point(window: QtMainWindow, node_id: str, port: str, output: bool) -> QPoint:
    """Where a node's port is in the editor's viewport."""
    item = window.editor.graph_scene.port_item_named(node_id, port, output)
    assert item is not None
    return window.editor.mapFromScene(item.sceneBoundingRect().center())


def node_point(window: QtMainWindow, node_id: str) -> QPoint:
    """A point in the editor's viewport where the node's own body is on top."""
    editor = window.editor
    item = editor.graph_scene.node_item(node_id)
    box = editor.mapFromScene(item.sceneBoundingRect()).boundingRect()
    for y in range(box.bottom() - 6, box.top(), -4):
        for x in range(box.left() + 12, box.right() - 12, 6):
            under = editor.itemAt(QPoint(x, y))
            if under is item or (under is not None and under.parentItem() is item
                                 and not isinstance(under, QtPortItem)):
                return QPoint(x, y)
    raise AssertionError("the node is covered")


def empty_point(window: QtMainWindow, near: QPoint, step: QPoint) -> QPoint:
    """The first point from ``near`` along ``step`` with nothing of the graph under it."""
    point = QPoint(near)
    for _ in range(40):
        point += step
        if window.editor.itemAt(point) is None:
            return point
    raise AssertionError("no empty canvas")


def drops_on(track: QWidget) -> Any:
    """What the editor's drag-out does, delivered as Qt delivers a drop: enter, move and drop
    events on the timeline track at its right end (a real ``QDrag.exec`` blocks offscreen)."""
    def drop(source: QWidget, node_ids: Sequence[str]) -> Qt.DropAction:
        mime = nodes_mime(node_ids)
        at = QPoint(track.width() - 10, track.height() // 2)
        copy, none = Qt.DropAction.CopyAction, Qt.MouseButton.NoButton
        with warnings.catch_warnings():  # Qt 6 keeps only the QPoint form of these two
            warnings.simplefilter("ignore", DeprecationWarning)
            enter = QDragEnterEvent(at, copy, mime, none, NO_KEYS)
            move = QDragMoveEvent(at, copy, mime, none, NO_KEYS)
        QApplication.sendEvent(track, enter)
        QApplication.sendEvent(track, move)
        drop_event = QDropEvent(QPointF(at), copy, mime, none, NO_KEYS)
        QApplication.sendEvent(track, drop_event)
        return copy if drop_event.isAccepted() else Qt.DropAction.IgnoreAction
    return drop


def shots_in_order(window: QtMainWindow) -> list[str]:
    """The shot nodes by slate number."""
    project = window.document.project
    shots = [node for node in project.nodes.values() if node.type == "previz.shot"]
    return [node.id for node in sorted(shots, key=lambda node: node.params["shot"])]


def set_cell(window: QtMainWindow, act: Actions, shot_id: str, column: str, text: str) -> None:
    """Click a shot's cell in the Shot Table and type its value (the first key opens the
    cell's editor, the rest go to it)."""
    table = window.shot_table
    col = next(i for i in range(table.model().columnCount())
               if table.model().headerData(i, Qt.Orientation.Horizontal) == column)
    index = table.model().index(table.row_of(shot_id), col)
    act.click(table.viewport(), f"the {column} cell", table.visualRect(index).center())
    act.type(table.viewport(), text, f"as its {column.lower()}", follow_focus=True)


def build_location_and_cast(window: QtMainWindow, act: Actions) -> None:
    """A bus stop (an exterior) with a bus shelter, and a character."""
    click_tab(window, act, "Locations", "locations")
    places = window.location_panel
    act.click(places.new_button, "New location")
    assert QApplication.focusWidget() is places.name_edit  # New puts the cursor in the name
    act.type(places.name_edit, "Bus stop", "as its name", follow_focus=True)
    act.choose(places.piece_kind, "bus", "set piece")
    act.click(places.add_piece_button, "Add (set piece)")
    click_tab(window, act, "Cast", "cast")
    cast = window.cast_panel
    act.click(cast.new_button, "New character")
    assert QApplication.focusWidget() is cast.name_edit
    act.type(cast.name_edit, "Ada", "as her name", follow_focus=True)


def build_scene_and_shots(window: QtMainWindow, act: Actions) -> str:
    """A Scene at night and three Shots on it; the Scene's id."""
    editor, viewport = window.editor, window.editor.viewport()
    click_tab(window, act, "Inspector", "inspector")
    act.double_click(viewport, "the empty canvas", QPoint(120, 120))
    act.type(editor.palette_popup.search, "scene", "in the add-node search", enter=False)
    act.key(editor.palette_popup.search, Qt.Key.Key_Return, "Enter: add the Scene")
    scene_id = next(iter(window.selection.node_ids))
    act.choose(window.inspector.editors["time_of_day"].combo, "n", "time of day")
    start = port_point(window, scene_id, "scene", output=True)
    act.drag(viewport, start, empty_point(window, start, QPoint(30, 0)),
             "a link from the Scene's output to empty canvas")
    act.type(editor.palette_popup.search, "shot", "in the add-node search", enter=False)
    act.key(editor.palette_popup.search, Qt.Key.Key_Return, "Enter: add a Shot linked to it")
    for _ in range(2):
        act.key(viewport, Qt.Key.Key_D, "Ctrl+Alt+D: duplicate the shot with its inputs",
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    return scene_id


def frame_the_shots(window: QtMainWindow, act: Actions) -> None:
    """Sizes and lenses in the Shot Table, a push-in on the wide."""
    wide, medium, close = shots_in_order(window)
    click_tab(window, act, "Shot Table", "shotTable")
    set_cell(window, act, wide, "Size", "wide")
    set_cell(window, act, wide, "Lens", "24")
    set_cell(window, act, medium, "Lens", "50")
    set_cell(window, act, close, "Size", "close")
    set_cell(window, act, close, "Lens", "85")
    viewport = window.editor.viewport()
    start = port_point(window, wide, "camera", output=False)
    act.drag(viewport, start, empty_point(window, start + QPoint(-240, 0), QPoint(-30, 0)),
             "a link from the wide's Camera move input to empty canvas")
    assert window.editor.palette_popup.names()[0] == "Camera Move"
    act.key(window.editor.palette_popup.search, Qt.Key.Key_Return,
            "Enter: add the Camera Move linked to it")


def cut_the_scene(window: QtMainWindow, act: Actions, scene_id: str) -> None:
    """The Scene dragged out of the editor onto the timeline: its shots go on in order."""
    click_tab(window, act, "Timeline", "timeline")
    viewport = window.editor.viewport()
    start = node_point(window, scene_id)
    act.drag(viewport, start, QPoint(start.x(), viewport.height() + 40),
             "the Scene out of the editor onto the timeline")


def test_the_bus_stop_scene_is_built_in_under_40_actions(
        window: QtMainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    window.resize(1600, 1000)
    monkeypatch.setattr(qt_node_editor, "drag_nodes", drops_on(window.timeline.track))
    project = window.document.project
    assert not project.nodes and not project.locations and not project.cast
    act = Actions()
    build_location_and_cast(window, act)
    scene_id = build_scene_and_shots(window, act)
    frame_the_shots(window, act)
    cut_the_scene(window, act, scene_id)
    print(f"\n{len(act.log)} actions:")
    for number, what in enumerate(act.log, 1):
        print(f"{number:3d}. {what}")

    project = window.document.project
    (location,) = project.locations.values()
    (ada,) = project.cast.values()
    assert (location.slug(), [piece.kind for piece in location.set_pieces]) == \
        ("EXT. BUS STOP", ["bus_shelter"])
    assert ada.name == "Ada"
    (scene,) = [node for node in project.nodes.values() if node.type == "previz.scene"]
    assert scene.id == scene_id
    assert (scene.params["location"], scene.params["cast"], scene.params["time_of_day"]) == \
        (location.id, [ada.id], "night")
    shots = shots_in_order(window)
    framing = [(project.nodes[s].params["shot_size"], project.nodes[s].params["lens"])
               for s in shots]
    assert framing == [("wide", 24.0), ("medium", 50.0), ("close_up", 85.0)]
    for shot_id in shots:
        (link,) = [link for link in project.links.values() if link.target.node == shot_id
                   and link.target.port == "scene"]
        assert link.source.node == scene_id
    (move,) = [node for node in project.nodes.values() if node.type == "previz.camera_move"]
    assert (move.params["move"], move.params["amount"] > 0) == ("dolly", True)  # forward: in
    (move_link,) = [link for link in project.links.values() if link.source.node == move.id]
    assert (move_link.target.node, move_link.target.port) == (shots[0], "camera")
    assert [entry.node for entry in project.timeline] == shots
    assert len(project.nodes) == 5 and len(project.links) == 4

    report = io.StringIO()
    assert validate(project, window.session, report) == 0, report.getvalue()
    assert "no problems" in report.getvalue()
    assert len(act.log) < TARGET, act.log
