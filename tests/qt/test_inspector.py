"""The inspector driven as a user does: typing into generated editors, undo, redo."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from project_builders import make_node
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage, QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from previz._qt.inspector.qt_inspector import QtInspector
from previz._qt.selection import QtSelection
from previz.core.project import Node, Project
from previz.core.project_json import project_to_dict
from previz.core.registry import NodeRegistry

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier


@dataclass
class Bench:
    """An inspector on a project with one Shot and one Prompt; the Shot is selected."""

    project: Project
    stack: QUndoStack
    selection: QtSelection
    inspector: QtInspector
    shot: Node
    prompt: Node

    def editor(self, name: str):
        return self.inspector.editors[name]

    def value(self, node: Node, name: str):
        return self.project.nodes[node.id].params[name]

    def snapshot(self) -> dict:
        return project_to_dict(self.project)


@pytest.fixture
def bench(qtbot, registry: NodeRegistry) -> Bench:
    project = Project()
    shot = make_node(registry, "previz.shot", name="Wide")
    prompt = make_node(registry, "previz.prompt")
    project.add_node(shot)
    project.add_node(prompt)
    stack = QUndoStack()
    selection = QtSelection()
    inspector = QtInspector(project, registry, stack, selection)
    qtbot.addWidget(inspector)
    inspector.resize(480, 900)
    inspector.show()
    qtbot.waitExposed(inspector)
    selection.set_nodes([shot.id])
    return Bench(project, stack, selection, inspector, shot, prompt)


def type_into(widget: QWidget, text: str, clear: bool = True) -> None:
    """Focus ``widget``, select what it holds, type ``text`` and press Enter."""
    widget.setFocus()
    if clear:
        QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(widget, text)
    QTest.keyClick(widget, Qt.Key.Key_Return)


def test_editors_are_generated_from_the_spec(bench: Bench, registry: NodeRegistry) -> None:
    spec = registry.get("previz.shot").spec
    assert sorted(bench.inspector.editors) == sorted(param.name for param in spec.params)
    assert bench.inspector.title.text() == "Shot 010_0010 'Wide'"
    lens = bench.editor("lens").spin
    assert (lens.minimum(), lens.maximum(), lens.singleStep()) == (8.0, 600.0, 1.0)
    assert lens.suffix() == " mm"
    bench.selection.set_nodes([bench.prompt.id])
    assert list(bench.inspector.editors) == ["name", "text", "negative", "style"]
    bench.selection.set_nodes([bench.prompt.id, bench.shot.id])
    assert not bench.inspector.editors and "2 nodes" in bench.inspector.title.text()


def test_typing_a_number_is_one_step_and_undo_shows_the_old_value(bench: Bench) -> None:
    before = bench.snapshot()
    spin = bench.editor("lens").spin
    type_into(spin, "85")
    assert bench.value(bench.shot, "lens") == 85.0
    assert bench.stack.count() == 1
    after = bench.snapshot()
    bench.stack.undo()
    assert bench.snapshot() == before
    assert spin.value() == 35.0
    bench.stack.redo()
    assert bench.snapshot() == after and spin.value() == 85.0


def test_numbers_stay_in_their_range(bench: Bench) -> None:
    type_into(bench.editor("steps").spin, "9999")  # the fourth 9 is refused: 200 is the most
    assert bench.value(bench.shot, "steps") == 99
    bench.editor("steps").spin.stepBy(1000)
    assert bench.value(bench.shot, "steps") == 200


def test_typing_a_prompt_is_one_step_per_burst(bench: Bench) -> None:
    bench.selection.set_nodes([bench.prompt.id])
    before = bench.snapshot()
    text = bench.editor("text").text
    text.setFocus()
    QTest.keyClicks(text, "A lighthouse at dusk")
    assert bench.value(bench.prompt, "text") == "A lighthouse at dusk"
    assert bench.stack.count() == 1
    bench.editor("negative").text.setFocus()  # focus-out ends the burst
    text.setFocus()
    QTest.keyClicks(text, ", rain")
    assert bench.value(bench.prompt, "text") == "A lighthouse at dusk, rain"
    assert bench.stack.count() == 2
    bench.stack.undo()
    assert text.toPlainText() == "A lighthouse at dusk"
    bench.stack.undo()
    assert bench.snapshot() == before and text.toPlainText() == ""


def test_a_choice_is_picked_from_the_drop_down(bench: Bench) -> None:
    combo = bench.editor("shot_size").combo
    assert combo.currentText() == "medium"
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Down)
    assert bench.value(bench.shot, "shot_size") == "medium_wide"
    assert combo.currentText() == "medium wide"
    bench.stack.undo()
    assert combo.currentText() == "medium"


def test_frame_rate_inherits_or_takes_a_typed_fraction(bench: Bench) -> None:
    combo = bench.editor("fps").combo
    assert combo.currentText() == "project (24)"
    type_into(combo.lineEdit(), "30000/1001")
    assert bench.value(bench.shot, "fps") == "30000/1001"
    assert combo.currentText() == "30000/1001 (29.970)"
    type_into(combo.lineEdit(), "fast")
    assert bench.value(bench.shot, "fps") == "30000/1001"
    assert bench.inspector.problem.isVisible()
    assert "fraction" in bench.inspector.problem.text()
    combo.setFocus()
    for _ in range(4):  # up the list, back to the project's rate
        QTest.keyClick(combo, Qt.Key.Key_Up)
    assert bench.value(bench.shot, "fps") is None


def test_width_can_stop_inheriting_the_project_size(bench: Bench) -> None:
    width = bench.editor("width")
    assert width.unset.isChecked() and not width.spin.isEnabled()
    assert width.spin.value() == 1280
    QTest.mouseClick(width.unset, LEFT, NONE, QPoint(4, width.unset.height() // 2))
    assert bench.value(bench.shot, "width") == 1280
    type_into(width.spin, "960")
    assert bench.value(bench.shot, "width") == 960
    width.unset.click()
    assert bench.value(bench.shot, "width") is None


def test_a_line_edit_renames_the_shot_and_the_title_follows(bench: Bench) -> None:
    type_into(bench.editor("name").line, "Establishing")
    assert bench.value(bench.shot, "name") == "Establishing"
    assert bench.inspector.title.text() == "Shot 010_0010 'Establishing'"
    assert bench.stack.count() == 1


def test_subjects_table_adds_edits_marks_main_and_removes(bench: Bench) -> None:
    editor = bench.editor("subjects")
    table = editor.table
    QTest.mouseClick(editor.add_button, LEFT)
    subjects = bench.value(bench.shot, "subjects")
    assert [s["name"] for s in subjects] == ["Actor", "Subject 2"]
    cell = table.visualItemRect(table.item(1, 0)).center()
    QTest.mouseClick(table.viewport(), LEFT, NONE, cell)
    QTest.mouseDClick(table.viewport(), LEFT, NONE, cell)
    focused = QApplication.focusWidget()
    QTest.keyClick(focused, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(focused, "Lighthouse")
    QTest.keyClick(focused, Qt.Key.Key_Return)
    QApplication.processEvents()  # the delegate commits on a queued call
    assert bench.value(bench.shot, "subjects")[1]["name"] == "Lighthouse"
    table.item(1, 6).setCheckState(Qt.CheckState.Checked)
    assert [s["main"] for s in bench.value(bench.shot, "subjects")] == [False, True]
    table.selectRow(0)
    QTest.mouseClick(editor.remove_button, LEFT)
    assert [s["name"] for s in bench.value(bench.shot, "subjects")] == ["Lighthouse"]
    for _ in range(4):
        bench.stack.undo()
    assert bench.value(bench.shot, "subjects")[0]["name"] == "Actor"
    assert table.rowCount() == 1


def test_a_subject_without_a_name_is_refused(bench: Bench) -> None:
    table = bench.editor("subjects").table
    table.item(0, 0).setData(Qt.ItemDataRole.EditRole, " ")
    assert bench.value(bench.shot, "subjects")[0]["name"] == "Actor"
    assert "needs a name" in bench.inspector.problem.text()
    assert table.item(0, 0).text() == "Actor"
    assert bench.stack.count() == 0


def test_image_picker_stores_the_file_as_an_asset_by_hash(
        bench: Bench, registry: NodeRegistry, tmp_path: Path, monkeypatch) -> None:
    node = make_node(registry, "previz.image")
    bench.project.add_node(node)
    bench.selection.set_nodes([node.id])
    before = bench.snapshot()
    image = QImage(32, 18, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkYellow)
    path = tmp_path / "plate.png"
    image.save(str(path))
    picker = bench.editor("image")
    monkeypatch.setattr(picker, "choose_file", lambda: str(path))
    QTest.mouseClick(picker.button, LEFT)
    sha = bench.value(node, "image")
    assert bench.project.assets[sha].data == path.read_bytes()
    assert picker.name.text() == "plate.png" and picker.thumb.pixmap() is not None
    assert bench.stack.count() == 1
    bench.stack.undo()
    assert bench.snapshot() == before
    assert picker.thumb.text() == "no image"


def test_a_file_that_is_not_an_image_is_refused(bench: Bench, registry: NodeRegistry,
                                                tmp_path: Path, monkeypatch) -> None:
    node = make_node(registry, "previz.still")
    bench.project.add_node(node)
    bench.selection.set_nodes([node.id])
    path = tmp_path / "notes.png"
    path.write_text("not a picture")
    picker = bench.editor("image")
    monkeypatch.setattr(picker, "choose_file", lambda: str(path))
    QTest.mouseClick(picker.button, LEFT)
    assert bench.value(node, "image") is None and not bench.project.assets
    assert "not an image" in bench.inspector.problem.text()


def test_edits_undo_and_redo_back_to_equal_documents(bench: Bench) -> None:
    states = [bench.snapshot()]
    type_into(bench.editor("lens").spin, "50")
    states.append(bench.snapshot())
    type_into(bench.editor("scene").line, "020")
    states.append(bench.snapshot())
    bench.editor("angle").combo.setFocus()
    QTest.keyClick(bench.editor("angle").combo, Qt.Key.Key_End)
    states.append(bench.snapshot())
    assert bench.stack.count() == 3
    for state in reversed(states[:-1]):
        bench.stack.undo()
        assert bench.snapshot() == state
    for state in states[1:]:
        bench.stack.redo()
        assert bench.snapshot() == state
    assert bench.editor("angle").combo.currentText() == "worms eye"


def test_the_inspector_empties_when_its_node_is_deleted(bench: Bench) -> None:
    bench.project.remove_node(bench.shot.id)
    assert not bench.inspector.editors


def test_set_project_follows_the_new_document(bench: Bench, registry: NodeRegistry) -> None:
    other = Project()
    node = make_node(registry, "previz.retime")
    other.add_node(node)
    bench.inspector.set_project(other)
    bench.selection.set_nodes([node.id])
    assert bench.inspector.editors["target_fps"].combo.currentText() == "24"
    bench.project.set_param(bench.shot.id, "lens", 20.0)  # the old project is not followed
    assert bench.inspector.node_id == node.id


def test_takes_on_a_deterministic_backend_say_only_one_renders(qtbot, registry: NodeRegistry,
                                                                tmp_path: Path) -> None:
    from previz._qt.undo import push_command
    from previz.backends.draft.backend import DraftBackend
    from previz.core.commands import SetParam
    from previz.engine.backend import BackendSet

    project = Project()
    shot = make_node(registry, "previz.shot", name="Wide")
    project.add_node(shot)
    stack, selection = QUndoStack(), QtSelection()
    inspector = QtInspector(project, registry, stack, selection,
                            catalog=BackendSet([DraftBackend()]).catalog)
    qtbot.addWidget(inspector)
    inspector.resize(480, 1400)
    inspector.show()
    qtbot.waitExposed(inspector)
    selection.set_nodes([shot.id])
    assert not inspector.takes_note.isVisible()
    push_command(stack, project, SetParam(shot.id, "takes", 3))
    assert inspector.takes_note.isVisible()
    assert "1 take is rendered, not 3" in inspector.takes_note.text()
    inspector.grab().save(str(tmp_path / "inspector.png"))
    push_command(stack, project, SetParam(shot.id, "backend", "diffusers"))
    assert not inspector.takes_note.isVisible()  # a model renders each take anew
