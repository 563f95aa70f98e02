"""The undo adapter: core commands on a QUndoStack, applied once, merged by gesture."""

from __future__ import annotations

import pytest
from project_builders import link, make_node, two_shot_project
from PySide6.QtGui import QUndoStack

from previz._qt.undo import QtUndoCommand, push_command
from previz.core.commands import AddAsset, Command, Connect, MoveNodes, SetParam
from previz.core.errors import EditRefused
from previz.core.project import Asset, Project
from previz.core.project_json import project_to_dict
from previz.core.registry import NodeRegistry


class Counting(Command):
    """Counts how often it is done and undone."""

    text = "Count"

    def __init__(self) -> None:
        self.done = self.undone = 0

    def do(self, project: Project) -> None:
        self.done += 1

    def undo(self, project: Project) -> None:
        self.undone += 1


def test_push_applies_once_and_the_stack_undoes_and_redoes() -> None:
    stack, command = QUndoStack(), Counting()
    push_command(stack, Project(), command)
    assert (command.done, command.undone, stack.count()) == (1, 0, 1)
    assert stack.undoText() == "Count"
    stack.undo()
    stack.redo()
    assert (command.done, command.undone) == (2, 1)


def test_a_refused_command_is_not_pushed_and_changes_nothing(registry: NodeRegistry) -> None:
    project = two_shot_project(registry)
    prompt = next(n for n in project.nodes.values() if n.type == "previz.prompt")
    shot = next(n for n in project.nodes.values() if n.type == "previz.shot")
    before = project_to_dict(project)
    stack = QUndoStack()
    with pytest.raises(EditRefused, match="cannot connect"):
        push_command(stack, project, Connect(registry, link(prompt, "prompt", shot, "camera")))
    assert stack.count() == 0
    assert project_to_dict(project) == before


def test_edits_of_one_gesture_merge_into_one_step(registry: NodeRegistry) -> None:
    project = Project()
    node = make_node(registry, "previz.prompt")
    project.add_node(node)
    stack = QUndoStack()
    for text in ("A", "A l", "A lighthouse"):
        push_command(stack, project, SetParam(node.id, "text", text, gesture="typing"))
    push_command(stack, project, SetParam(node.id, "text", "Another", gesture="later"))
    assert stack.count() == 2
    stack.undo()
    assert project.nodes[node.id].params["text"] == "A lighthouse"
    stack.undo()
    assert project.nodes[node.id].params["text"] == ""


def test_moves_of_one_drag_merge_and_undo_to_the_start(registry: NodeRegistry) -> None:
    project = Project()
    node = make_node(registry, "previz.shot")
    project.add_node(node)
    stack = QUndoStack()
    for step in range(1, 6):
        push_command(stack, project, MoveNodes({node.id: (step * 10.0, 0.0)}, gesture="drag"))
    assert stack.count() == 1
    stack.undo()
    assert project.nodes[node.id].position == (0.0, 0.0)
    stack.redo()
    assert project.nodes[node.id].position == (50.0, 0.0)


def test_commands_without_a_gesture_never_merge(registry: NodeRegistry) -> None:
    project = Project()
    node = make_node(registry, "previz.shot")
    project.add_node(node)
    first = QtUndoCommand(project, SetParam(node.id, "lens", 50.0))
    second = QtUndoCommand(project, SetParam(node.id, "lens", 85.0))
    assert first.id() == -1
    assert not first.mergeWith(second)


def test_add_asset_is_undone_only_when_it_added(registry: NodeRegistry) -> None:
    project = Project()
    asset = Asset.from_bytes(b"\x89PNG fake", "plate.png", "png")
    stack = QUndoStack()
    push_command(stack, project, AddAsset(asset))
    push_command(stack, project, AddAsset(asset))  # already there: its undo keeps it
    stack.undo()
    assert asset.sha256 in project.assets
    stack.undo()
    assert not project.assets
    stack.redo()
    assert project.assets[asset.sha256].data == asset.data
