"""Cut, copy, paste and duplicate in the node editor, image nodes, and render badges."""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx
import pytest
from project_builders import link, make_node
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QUndoStack
from PySide6.QtTest import QTest

from previz._qt.node_editor.qt_node_editor import QtNodeEditor
from previz._qt.selection import QtSelection
from previz.app import clipboard
from previz.core.project import Asset, Node, Project
from previz.core.project_json import project_to_dict
from previz.core.registry import NodeRegistry
from previz.core.values import Clip
from previz.engine.events import Cached, Done, Failed, Queued, Started, Step
from previz.engine.plan import ExecutionPlan
from previz.engine.problems import Problem, ProblemKind

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(autouse=True)
def empty_clipboard(qapp) -> Iterator[None]:
    """Each test starts and ends with nothing on the clipboard."""
    QGuiApplication.clipboard().clear()
    yield
    QGuiApplication.clipboard().clear()


@pytest.fixture
def editor(qtbot, registry: NodeRegistry) -> QtNodeEditor:
    view = QtNodeEditor(Project(), registry, QUndoStack(), QtSelection())
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    return view


def add(editor: QtNodeEditor, type_id: str, x: float, y: float, **params) -> Node:
    node = make_node(editor.registry, type_id, **params)
    node.position = (x, y)
    editor.project.add_node(node)
    return node


def key(editor: QtNodeEditor, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    editor.setFocus()
    QTest.keyClick(editor, key, modifier)


@pytest.fixture
def graph(editor: QtNodeEditor) -> tuple[Node, Node, Node]:
    """Prompt → Shot → Extend."""
    prompt = add(editor, "previz.prompt", 0, 0, text="A lighthouse")
    shot = add(editor, "previz.shot", 300, 0, name="Wide")
    extend = add(editor, "previz.extend", 600, 0)
    editor.project.add_link(link(prompt, "prompt", shot, "prompt"))
    editor.project.add_link(link(shot, "clip", extend, "clip"))
    return prompt, shot, extend


def test_copy_paste_brings_the_links_inside_the_selection(editor: QtNodeEditor, graph) -> None:
    prompt, shot, extend = graph
    before = project_to_dict(editor.project)
    editor.selection.set_nodes([shot.id, extend.id])
    key(editor, Qt.Key.Key_C, CTRL)
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.hasFormat(clipboard.MIME_TYPE)
    key(editor, Qt.Key.Key_V, CTRL)
    project = editor.project
    assert len(project.nodes) == 5 and len(project.links) == 3
    pasted = set(project.nodes) - {prompt.id, shot.id, extend.id}
    assert set(editor.selection.node_ids) == pasted
    new_link = next(item for item in project.links.values() if item.source.node in pasted)
    assert new_link.target.node in pasted  # shot → extend, re-made between the copies
    new_shot = next(project.nodes[i] for i in pasted if project.nodes[i].type == "previz.shot")
    assert new_shot.params == shot.params
    assert new_shot.position == (340.0, 40.0)
    assert editor.undo_stack.count() == 1
    editor.undo_stack.undo()
    assert project_to_dict(editor.project) == before


def test_pasting_twice_offsets_again(editor: QtNodeEditor, graph) -> None:
    prompt = graph[0]
    editor.selection.set_nodes([prompt.id])
    editor.copy_selected()
    editor.paste()
    editor.paste()
    positions = sorted(node.position for node in editor.project.nodes.values()
                       if node.type == "previz.prompt")
    assert positions == [(0.0, 0.0), (40.0, 40.0), (80.0, 80.0)]


def test_cut_removes_and_paste_restores_the_nodes(editor: QtNodeEditor, graph) -> None:
    editor.selection.set_nodes([graph[1].id])
    key(editor, Qt.Key.Key_X, CTRL)
    assert graph[1].id not in editor.project.nodes and not editor.project.links
    key(editor, Qt.Key.Key_V, CTRL)
    assert len(editor.project.nodes) == 3


def test_pasting_text_that_is_not_nodes_says_so(qtbot, editor: QtNodeEditor) -> None:
    QGuiApplication.clipboard().setText('{"schema": "Something.1"}')
    with qtbot.waitSignal(editor.message) as said:
        key(editor, Qt.Key.Key_V, CTRL)
    assert "no Previz nodes" in said.args[0]
    assert not editor.project.nodes


def test_pasted_json_is_checked_like_a_project_file(qtbot, editor: QtNodeEditor) -> None:
    hostile = {"schema": clipboard.SCHEMA, "project": {"schema": "Project.1",
                                                        "nodes": {"not-a-uuid": {}}}}
    QGuiApplication.clipboard().setText(clipboard.to_json(hostile))
    with qtbot.waitSignal(editor.message):
        editor.paste()
    assert not editor.project.nodes


def test_ctrl_d_duplicates_a_shot_on_the_next_free_number_without_its_inputs(
        editor: QtNodeEditor, graph) -> None:
    shot = graph[1]
    add(editor, "previz.shot", 300, 300, shot="0020")  # 0020 is taken: the copy gets 0030
    editor.selection.set_nodes([shot.id])
    key(editor, Qt.Key.Key_D, CTRL)
    (copy_id,) = editor.selection.node_ids
    assert copy_id != shot.id and shot.id in editor.project.nodes  # Ctrl+D never deletes
    copy = editor.project.nodes[copy_id]
    assert (copy.params["scene"], copy.params["shot"]) == ("010", "0030")
    assert copy.params["name"] == "Wide"
    assert not [item for item in editor.project.links.values() if item.target.node == copy_id]
    assert editor.undo_stack.count() == 1
    editor.undo_stack.undo()
    assert copy_id not in editor.project.nodes


def test_duplicate_with_inputs_keeps_the_links_that_feed_the_selection(
        editor: QtNodeEditor, graph) -> None:
    prompt, shot, _ = graph
    editor.selection.set_nodes([shot.id])
    key(editor, Qt.Key.Key_D, CTRL | Qt.KeyboardModifier.AltModifier)
    (copy_id,) = editor.selection.node_ids
    feeding = [item for item in editor.project.links.values() if item.target.node == copy_id]
    assert [(item.source.node, item.target.port) for item in feeding] == [(prompt.id, "prompt")]
    assert editor.project.nodes[copy_id].params["shot"] == "0020"
    assert editor.undo_stack.text(0) == "Duplicate with Inputs"


def test_image_node_from_an_asset_is_one_step(editor: QtNodeEditor) -> None:
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkCyan)
    data = _png(image)
    asset = Asset.from_bytes(data, "plate.png", "png")
    node_id = editor.add_image_node(asset, QPointF(50, 60))
    node = editor.project.nodes[node_id]
    assert node.type == "previz.image" and node.params["image"] == asset.sha256
    assert asset.sha256 in editor.project.assets
    assert editor.graph_scene.node_item(node_id)._thumb is not None
    editor.undo_stack.undo()
    assert not editor.project.nodes and not editor.project.assets
    again = editor.add_image_node(asset.sha256, QPointF(0, 0))  # W adds the asset itself
    assert editor.project.nodes[again].params["image"] == asset.sha256


def test_badges_follow_render_events(editor: QtNodeEditor, graph) -> None:
    shot = graph[1]
    item = editor.graph_scene.node_item(shot.id)
    editor.show_render_event(Queued(shot.id, 0))
    assert item.badges.status == "queued"
    editor.show_render_event(Started(shot.id, 0))
    editor.show_render_event(Step(shot.id, 0, 24, 96))
    assert item.badges.status == "running" and item.badges.progress == 0.25
    assert [badge.text for badge in item.badges.badges()] == ["25%"]
    editor.show_render_event(Failed(shot.id, 0, "the backend ran out of memory"))
    assert item.badges.status == "failed"
    assert "the backend ran out of memory" in item.toolTip()
    editor.show_render_event(Done(shot.id, 0))
    editor.show_render_event(Cached(graph[2].id, 0))
    assert item.badges.status == "done"
    assert editor.graph_scene.node_item(graph[2].id).badges.status == "cached"
    editor.grab()  # paints every badge without error


def test_badges_show_a_missing_model_and_snapped_requests(editor: QtNodeEditor, graph) -> None:
    shot = graph[1]
    problem = Problem(ProblemKind.MODEL_MISSING, shot.id, "Shot", "model",
                      "model 'wan' is not in the diffusers model library")
    editor.show_plan(ExecutionPlan(nx.DiGraph(), {}, (), (shot.id,), (problem,)))
    item = editor.graph_scene.node_item(shot.id)
    assert [badge.text for badge in item.badges.badges()] == ["model missing"]
    assert "not in the diffusers model library" in item.toolTip()
    clip = Clip("k" * 64, 24, 848, 480, 81,
                provenance={"snapped": ["81 frames, not 80: this model renders 4k+1"]})
    editor.show_clip(shot.id, clip)
    assert "snapped" in [badge.text for badge in item.badges.badges()]
    assert "4k+1" in item.toolTip()
    editor.show_plan(ExecutionPlan(nx.DiGraph(), {}, (), (), ()))
    assert [badge.text for badge in item.badges.badges()] == ["snapped"]


def _png(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def test_an_edit_clears_the_render_badges_it_makes_stale(editor: QtNodeEditor, graph) -> None:
    prompt, shot, extend = graph
    for node in graph:
        editor.show_render_event(Done(node.id, 0))
    editor.project.set_param(shot.id, "notes", "a note")  # not part of the picture
    assert editor.graph_scene.node_item(shot.id).badges.status == "done"
    editor.project.set_param(shot.id, "lens", 85.0)
    status = {node.id: editor.graph_scene.node_item(node.id).badges.status for node in graph}
    assert status == {prompt.id: "done", shot.id: "", extend.id: ""}


def test_duplicates_stack_under_the_original_on_free_canvas(editor: QtNodeEditor,
                                                             graph) -> None:
    shot = graph[1]
    editor.selection.set_nodes([shot.id])
    for _ in range(2):
        key(editor, Qt.Key.Key_D, CTRL | Qt.KeyboardModifier.AltModifier)
    shots = sorted((node for node in editor.project.nodes.values()
                    if node.type == "previz.shot"), key=lambda node: node.params["shot"])
    assert len(shots) == 3
    assert {node.position[0] for node in shots} == {shot.position[0]}  # one column
    assert shots[0].position[1] < shots[1].position[1] < shots[2].position[1]  # in slate order
    boxes = [editor.graph_scene.node_item(node_id).sceneBoundingRect()
             for node_id in editor.project.nodes]
    assert not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
