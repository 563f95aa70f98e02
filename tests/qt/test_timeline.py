"""The timeline dock: the example's cut plays the right shots; reorder, trim, undo, sync."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from rendered_example import SMALL, render_small

from previz._qt.qt_main_window import QtMainWindow
from previz._qt.timeline.qt_cut_view import TRACK_HEIGHT, TRACK_TOP
from previz.app.cut import CutShot
from previz.core.project import Settings

LEFT = Qt.MouseButton.LeftButton


def drag(widget: Any, start: QPoint, end: QPoint, steps: int = 6) -> None:
    """Press at ``start``, move there in steps, release at ``end``."""
    QTest.mousePress(widget, LEFT, pos=start)
    for step in range(1, steps + 1):
        point = start + (end - start) * step / steps
        QTest.mouseMove(widget, point)
    QTest.mouseRelease(widget, LEFT, pos=end)


def middle_of(window: QtMainWindow, shot: CutShot) -> QPoint:
    """The centre of a shot's box on the track."""
    return window.timeline.track.shot_rect(shot).center().toPoint()


@pytest.fixture
def rendered(example_window: QtMainWindow, run: Any) -> QtMainWindow:
    """The example, rendered small, with its cut resolved."""
    render_small(example_window, run)
    example_window.timeline.rebuild()
    return example_window


def test_the_cut_plays_the_right_shot_at_each_time(rendered: QtMainWindow, run: Any,
                                                   until: Any) -> None:
    window, timeline = rendered, rendered.timeline
    cut, store = timeline.cut, window.session.store
    assert len(cut.shots) == 13 and all(shot.rendered for shot in cut.shots)
    assert timeline.transport.timecode_label.text() == "00:00:00:00"

    async def check(frame: int) -> None:
        timeline.player.seek(frame)
        shot = cut.at(frame)
        assert shot is not None and shot.clip is not None
        source = shot.source_frame(frame, cut.rate)
        await until(lambda: timeline.shown == (shot.entry.id, source), timeout=10)
        expected = store.frame(shot.clip, source)
        assert np.array_equal(timeline.monitor.frame, expected)

    for shot in cut.shots:
        run(check(shot.start))
        run(check(shot.start + shot.length // 2))
    run(check(cut.length - 1))
    assert timeline.transport.timecode_label.text() != "00:00:00:00"


def test_playing_runs_across_shot_boundaries(rendered: QtMainWindow, run: Any,
                                            until: Any) -> None:
    timeline = rendered.timeline
    second = timeline.cut.shots[1]
    timeline.player.seek(second.start - 30)
    seen: set[str] = set()
    timeline.player.frame_changed.connect(
        lambda _frame: timeline.shown and seen.add(timeline.shown[0]))
    QTest.mouseClick(timeline.transport.play_button, LEFT)
    assert timeline.player.playing
    run(until(lambda: timeline.player.frame > second.start + 12, timeout=10))
    QTest.mouseClick(timeline.transport.play_button, LEFT)
    assert not timeline.player.playing
    assert {timeline.cut.shots[0].entry.id, second.entry.id} <= seen


def test_reorder_by_drag_then_undo(rendered: QtMainWindow) -> None:
    window, timeline = rendered, rendered.timeline
    before = [entry.id for entry in window.document.project.timeline]
    first, third = timeline.cut.shots[0], timeline.cut.shots[2]
    end = timeline.track.shot_rect(third).topRight().toPoint() + QPoint(-4, 30)
    drag(timeline.track, middle_of(window, first), end)
    timeline.rebuild()
    after = [entry.id for entry in window.document.project.timeline]
    assert after == [before[1], before[2], before[0], *before[3:]]
    assert window.document.undo_stack.undoText() == "Reorder timeline"
    window.document.undo_stack.undo()
    assert [entry.id for entry in window.document.project.timeline] == before


def test_trim_by_dragging_an_edge_is_one_step(rendered: QtMainWindow) -> None:
    window, timeline = rendered, rendered.timeline
    stack = window.document.undo_stack
    shot = timeline.cut.shots[1]
    box = timeline.track.shot_rect(shot)
    y = TRACK_TOP + TRACK_HEIGHT // 2
    right = QPoint(int(box.right()) - 2, y)
    frames = 24
    steps = stack.count()
    drag(timeline.track, right, right - QPoint(round(frames * timeline.track.scale), 0))
    timeline.rebuild()
    trimmed = timeline.cut.shots[1]
    assert stack.count() == steps + 1 and stack.undoText() == "Trim"
    assert abs(trimmed.length - (shot.length - frames)) <= 1
    assert window.document.project.timeline[1].out_frame == trimmed.source.stop
    stack.undo()
    timeline.rebuild()
    assert timeline.cut.shots[1].length == shot.length


def test_selection_follows_both_ways(rendered: QtMainWindow) -> None:
    window, timeline = rendered, rendered.timeline
    shot = timeline.cut.shots[3]
    QTest.mouseClick(timeline.track, LEFT, pos=middle_of(window, shot))
    assert window.selection.node_ids == (shot.entry.node,)
    other = timeline.cut.shots[5].entry.node
    window.selection.set_nodes([other])
    assert timeline.track.selected_nodes == (other,)


def test_play_on_an_unrendered_cut_renders_ahead_in_order_and_plays_them(
        example_window: QtMainWindow, run: Any, until: Any) -> None:
    window, timeline = example_window, example_window.timeline
    project = window.document.project
    project.set_settings(Settings(project.settings.rate, *SMALL))
    for entry in project.timeline[3:]:  # three shots keep the test short
        project.remove_entry(entry.id)
    timeline.rebuild()
    shots = timeline.cut.shots
    assert len(shots) == 3 and not any(shot.rendered for shot in shots)
    rendered: list[str] = []
    window.queue.started.connect(lambda: rendered.extend(window.queue.plan.targets))
    played: set[str] = set()
    timeline.player.frame_changed.connect(lambda _frame: timeline.shown and (
        timeline.shown[1] >= 0 and played.add(timeline.shown[0])))
    timeline.player.seek(0)
    assert timeline.monitor.slate and "not rendered" in timeline.monitor.slate
    QTest.mouseClick(timeline.transport.play_button, LEFT)
    run(until(lambda: window.queue.is_running, timeout=10))
    run(until(lambda: timeline.waiting == shots[0].entry.id, timeout=30))
    assert "rendering…" in timeline.monitor.slate  # held on its slate, not run past
    run(until(lambda: len(played) == 3 or not (timeline.player.playing or timeline.waiting
                                               or timeline._arrived), timeout=300))
    assert rendered == [shot.entry.node for shot in shots]  # in cut order, one at a time
    assert played == {shot.entry.id for shot in shots}  # each shot played once it arrived
    timeline.player.pause()
    run(until(lambda: not window.queue.is_running, timeout=60))


def test_add_remove_and_undo(rendered: QtMainWindow) -> None:
    window, timeline = rendered, rendered.timeline
    project, stack = window.document.project, window.document.undo_stack
    count = len(project.timeline)
    node = project.timeline[2].node
    window.selection.set_nodes([node])
    timeline.add_selected()
    assert len(project.timeline) == count + 1 and project.timeline[-1].node == node
    timeline.player.seek(0)
    timeline.add_selected(at_playhead=True)
    assert project.timeline[0].node == node
    timeline.track.current_entry = project.timeline[0].id
    timeline.remove_current()
    assert len(project.timeline) == count + 1
    for _ in range(3):
        stack.undo()
    assert len(project.timeline) == count


def test_keys_play_step_and_remove(rendered: QtMainWindow) -> None:
    window, timeline = rendered, rendered.timeline
    project, stack = window.document.project, window.document.undo_stack
    count = len(project.timeline)
    shot = timeline.cut.shots[2]
    QTest.mouseClick(timeline.track, LEFT, pos=middle_of(window, shot))
    assert timeline.track.hasFocus()
    QTest.keyClick(timeline.track, Qt.Key.Key_Space)
    assert timeline.player.playing
    QTest.keyClick(timeline.track, Qt.Key.Key_Space)
    assert not timeline.player.playing
    frame = timeline.player.frame
    QTest.keyClick(timeline.track, Qt.Key.Key_Right)
    assert timeline.player.frame == frame + 1
    QTest.keyClick(timeline.track, Qt.Key.Key_Delete)
    assert len(project.timeline) == count - 1
    assert shot.entry.id not in [entry.id for entry in project.timeline]
    stack.undo()
    assert [entry.id for entry in project.timeline][2] == shot.entry.id
