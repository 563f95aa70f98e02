"""The timeline track zooms (Ctrl+wheel, about the pointer) and scrolls (wheel); nodes dragged
out of the node editor land on the cut where they are dropped, in one undo step."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from previz._qt.node_editor import qt_node_editor
from previz._qt.node_editor.qt_node_drag import nodes_mime
from previz._qt.qt_main_window import QtMainWindow


def wheel(widget: Any, at: QPointF, delta: int, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    event = QWheelEvent(at, widget.mapToGlobal(at), QPoint(0, 0), QPoint(0, delta),
                        Qt.MouseButton.NoButton, modifiers, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_ctrl_wheel_zooms_about_the_pointer_and_the_wheel_scrolls(
        example_window: QtMainWindow) -> None:
    timeline = example_window.timeline
    example_window.docks["timeline"].raise_()
    track = timeline.track
    track.resize(900, track.height())
    fitted = track.scale
    at = QPointF(450, 60)
    under = track.frame_at(at.x())
    wheel(track, at, 480, Qt.KeyboardModifier.ControlModifier)
    assert track.scale > 1.9 * fitted  # 1.0015 ** 480 ≈ 2.05
    assert abs(track.frame_at(at.x()) - under) <= 1  # the frame under the pointer stays
    first_visible = track.frame_at(20)
    wheel(track, at, -240)  # wheel down: later in the cut
    assert track.frame_at(20) > first_visible
    for _ in range(20):
        wheel(track, at, -2400)
    assert track.x_of(timeline.cut.length) <= track.width()  # no further than the end
    wheel(track, at, -4800, Qt.KeyboardModifier.ControlModifier)
    assert track.zoom == 1.0 and track.scale == pytest.approx(fitted)


def drop_nodes(widget: Any, ids: list[str], at: QPoint) -> None:
    mime = nodes_mime(ids)
    copy, none, keys = Qt.DropAction.CopyAction, Qt.MouseButton.NoButton, Qt.KeyboardModifier(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(at, copy, mime, none, keys)
        move = QDragMoveEvent(at, copy, mime, none, keys)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(widget, move)
    QApplication.sendEvent(widget, QDropEvent(QPointF(at), copy, mime, none, keys))


def test_a_node_dropped_on_the_track_joins_the_cut_there(example_window: QtMainWindow) -> None:
    window, timeline = example_window, example_window.timeline
    project = window.document.project
    track = timeline.track
    track.resize(900, track.height())
    second = timeline.cut.shots[1]
    node = next(n.id for n in project.nodes.values() if n.type == "previz.shot"
                and n.id not in {entry.node for entry in project.timeline[:2]})
    prompt = next(n.id for n in project.nodes.values() if n.type == "previz.prompt")
    before = len(project.timeline)
    at = track.shot_rect(second).topLeft().toPoint() + QPoint(2, 20)  # before the second
    drop_nodes(track, [node, prompt], at)  # a prompt has no clip: left out
    assert len(project.timeline) == before + 1
    assert project.timeline[1].node == node
    window.document.undo_stack.undo()
    assert len(project.timeline) == before


def test_dragging_a_node_out_of_the_editor_carries_it(example_window: QtMainWindow,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    window, editor = example_window, example_window.editor
    dragged: list[list[str]] = []
    monkeypatch.setattr(qt_node_editor, "drag_nodes",
                        lambda source, ids: dragged.append(list(ids)))
    shot = next(n for n in window.document.project.nodes.values() if n.type == "previz.shot")
    item = editor.graph_scene.node_item(shot.id)
    was = tuple(shot.position)
    start = editor.mapFromScene(item.sceneBoundingRect().center() + QPointF(0, -8))
    viewport = editor.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    QTest.mouseMove(viewport, start + QPoint(20, 10))
    QTest.mouseMove(viewport, QPoint(start.x(), viewport.height() + 40))  # out, downwards
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton,
                       pos=QPoint(start.x(), viewport.height() + 40))
    assert dragged == [[shot.id]]
    assert window.document.project.nodes[shot.id].position == was  # not moved
    assert item.pos() == QPointF(*was)
    assert window.document.undo_stack.index() == 0  # the move was taken back
