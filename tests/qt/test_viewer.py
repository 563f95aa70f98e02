"""The viewer dock: the selected clip plays from the store; guides; takes are circled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from rendered_example import node_named, render_small, statuses

from previz._qt.qt_main_window import QtMainWindow
from previz._qt.undo import push_command
from previz._qt.viewer.qt_frame_view import GUIDES, OVERLAYS
from previz.app.frame_feed import FrameFeed
from previz.backends.draft.backend import DraftBackend
from previz.core.commands import SetParam
from previz.engine.backend import BackendSet
from previz.engine.session import EngineSession

LEFT = Qt.MouseButton.LeftButton


def shown_matches(window: QtMainWindow, frame: int) -> bool:
    """Whether the viewer shows ``frame`` of its clip, as the store has it."""
    viewer = window.viewer
    if viewer.clip is None or viewer.view.frame is None:
        return False
    return bool(np.array_equal(viewer.view.frame, window.session.store.frame(viewer.clip, frame)))


def test_the_selected_clip_plays_steps_and_shows_timecode(
        example_window: QtMainWindow, run: Any, until: Any) -> None:
    window, viewer = example_window, example_window.viewer
    render_small(window, run)
    shot = node_named(window, "previz.shot", "Establishing")
    window.selection.set_nodes([shot])
    assert viewer.clip is not None and viewer.clip.frame_count == 96
    run(until(lambda: shown_matches(window, 0), timeout=10))
    # The slate is on its band under the picture; the picture is the camera's alone.
    assert viewer.slate.isVisible()
    assert viewer.clip.provenance["slate"][0] in viewer.slate.text()
    picture = viewer.view.picture_rect()
    band_top = viewer.slate.mapTo(viewer, viewer.slate.rect().topLeft()).y()
    assert band_top >= viewer.view.mapTo(viewer, picture.bottomLeft().toPoint()).y()
    QTest.mouseClick(viewer.transport.next_button, LEFT)
    QTest.mouseClick(viewer.transport.next_button, LEFT)
    run(until(lambda: shown_matches(window, 2), timeout=10))
    assert viewer.transport.frame_label.text() == "3 / 96"
    viewer.transport.slider.setValue(49)
    run(until(lambda: shown_matches(window, 49), timeout=10))
    assert viewer.transport.timecode_label.text() == "00:00:02:01"
    viewer.transport.loop_box.setChecked(True)
    viewer.player.seek(90)
    QTest.mouseClick(viewer.transport.play_button, LEFT)
    run(until(lambda: viewer.player.frame < 20, timeout=10))  # it looped
    assert viewer.player.playing
    QTest.mouseClick(viewer.transport.play_button, LEFT)
    assert not viewer.player.playing
    assert "Establishing" in viewer.title.text()


def test_guides_and_overlays_toggle(window: QtMainWindow) -> None:
    viewer = window.viewer
    plain = viewer.view.grab().toImage()
    for name in (*GUIDES, *OVERLAYS):
        viewer.toggles[name].trigger()
    assert viewer.view.guides == set(GUIDES) and viewer.view.overlays == set(OVERLAYS)
    assert viewer.view.grab().toImage() != plain
    viewer.toggles["2.39"].trigger()
    assert "2.39" not in viewer.view.guides


EXAMPLE = Path(__file__).parents[2] / "resources" / "examples" / "lighthouse.previz"


class EveryTakeDraft(DraftBackend):
    """The draft standing in for a backend that renders each take anew, as a model does (the
    draft itself renders one take, its pictures being the same for every seed)."""

    deterministic = False


def test_circling_a_take_rerenders_only_downstream_and_the_timeline_follows(
        make_window: Any, services: EngineSession, run: Any, until: Any) -> None:
    services.backends = BackendSet([EveryTakeDraft()])
    window = make_window()
    assert window.open_path(EXAMPLE)
    viewer = window.viewer
    stack = window.document.undo_stack
    shot = node_named(window, "previz.shot", "Postcard")
    push_command(stack, window.document.project, SetParam(shot, "takes", 2))
    render_small(window, run)
    window.selection.set_nodes([shot])
    assert viewer.takes is not None and len(viewer.takes.keys) == 2
    cards = viewer.strip.cards
    assert cards.count() == 2 and "seed 1" in cards.item(1).text()
    rect = cards.visualItemRect(cards.item(1))
    QTest.mouseClick(cards.viewport(), LEFT, pos=rect.center())
    assert viewer.clip is not None and viewer.clip.key == viewer.takes.keys[1]
    assert window.document.project.nodes[shot].circled_take == 0
    QTest.mouseDClick(cards.viewport(), LEFT, pos=rect.center())
    assert window.document.project.nodes[shot].circled_take == 1
    assert stack.undoText() == "Circle take"
    render_small(window, run)
    done = {row.rsplit(" #", 1)[0] for row, status in statuses(window).items()
            if status == "done"}
    interpolate = node_named(window, "previz.interpolate")
    assert done == {window.queue.plan.nodes[interpolate].label}
    entry = next(entry for entry in window.document.project.timeline if entry.node == shot)
    run(until(lambda: any(cut_shot.entry.id == entry.id and cut_shot.clip is not None
                          and cut_shot.clip.key == viewer.takes.keys[1]
                          for cut_shot in window.timeline.cut.shots), timeout=5))
    stack.undo()
    assert window.document.project.nodes[shot].circled_take == 0


def test_a_long_clip_is_streamed_with_bounded_memory(
        example_window: QtMainWindow, run: Any) -> None:
    window = example_window
    render_small(window, run)
    shot = node_named(window, "previz.shot", "Establishing")
    window.selection.set_nodes([shot])
    clip = window.viewer.clip
    assert clip is not None
    feed = FrameFeed(window.session.store, clip, ahead=6, keep=10)
    try:
        for index in range(clip.frame_count):
            frame = feed.wait(index)
            assert frame is not None
            assert index % 12 or np.array_equal(frame, window.session.store.frame(clip, index))
            assert len(feed._frames) <= 10
        assert feed.held_bytes <= 10 * clip.width * clip.height * 3
    finally:
        feed.close()
