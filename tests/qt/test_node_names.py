"""Nodes go by names a person reads: no id is shown on the canvas, inspector, timeline,
render queue or log; Prompt, Camera Move and Image have a name field (a Scene its heading)."""

from __future__ import annotations

import logging
import re

import pytest

from previz._qt.qt_main_window import QtMainWindow
from previz._qt.undo import push_command
from previz.core.commands import SetParam


def id_shown(text: str, window: QtMainWindow) -> str | None:
    """The id (or the first 6+ hex digits of one) that ``text`` shows, if any."""
    for node_id in window.document.project.nodes:
        for piece in re.findall(r"[0-9a-f]{6,}", text.replace("-", "")):
            if piece in node_id.replace("-", ""):
                return node_id
    return None


def test_no_id_on_the_canvas_inspector_timeline_or_queue(example_window: QtMainWindow,
                                                          caplog: pytest.LogCaptureFixture
                                                          ) -> None:
    window = example_window
    titles = [item._title for item in window.editor.graph_scene.node_items()]
    assert len(titles) == len(window.document.project.nodes)
    for title in titles:
        assert id_shown(title, window) is None, title
    assert "Prompt 'A lighthouse" in " ".join(titles) or any(
        title.startswith("Prompt '") for title in titles)
    for node_id in window.document.project.nodes:
        window.selection.set_nodes([node_id])
        assert id_shown(window.inspector.title.text(), window) is None
    window.timeline.rebuild()
    for shot in window.timeline.cut.shots:
        assert id_shown(shot.label, window) is None, shot.label
    with caplog.at_level(logging.INFO):
        plan = window.session.compile(window.document.project)
    for planned in plan.nodes.values():
        assert id_shown(planned.label, window) is None, planned.label
    for record in caplog.records:
        assert id_shown(record.getMessage(), window) is None, record.getMessage()


@pytest.mark.parametrize("type_id", ["previz.prompt", "previz.camera_move", "previz.image"])
def test_a_named_node_shows_its_name(window: QtMainWindow, type_id: str) -> None:
    from PySide6.QtCore import QPointF
    node_id = window.editor.add_node_at(type_id, QPointF(0, 0))
    push_command(window.document.undo_stack, window.document.project,
                 SetParam(node_id, "name", "Night street"))
    item = window.editor.graph_scene.node_item(node_id)
    assert item._title.endswith("'Night street'")
    assert "name" in window.inspector.editors


def test_unnamed_nodes_of_one_kind_are_told_apart(window: QtMainWindow) -> None:
    from PySide6.QtCore import QPointF
    first = window.editor.add_node_at("previz.extend", QPointF(0, 0))
    second = window.editor.add_node_at("previz.extend", QPointF(300, 0))
    scene = window.editor.graph_scene
    assert (scene.node_item(first)._title, scene.node_item(second)._title) == (
        "Extend 1", "Extend 2")
