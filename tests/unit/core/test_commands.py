"""Commands: each edit, its undo, refused links, merged drags, and the events views see."""

from __future__ import annotations

import json

import pytest
from project_builders import entry, link, make_node, two_shot_project

from previz.core.commands import (
    AddNodes,
    CircleTake,
    Connect,
    Disconnect,
    History,
    Macro,
    MoveNodes,
    RemoveNodes,
    SetParam,
    TimelineInsert,
    TimelineMove,
    TimelineRemove,
    TimelineTrim,
)
from previz.core.errors import EditRefused
from previz.core.project import LinkAdded, NodeMoved, Project, TimelineChanged
from previz.core.project_json import project_to_dict
from previz.core.registry import NodeRegistry


def snapshot(project: Project) -> str:
    return json.dumps(project_to_dict(project), sort_keys=True)


def node_named(project: Project, name: str) -> str:
    return next(n.id for n in project.nodes.values() if n.params.get("name") == name)


def test_incompatible_link_is_refused_and_leaves_the_graph_unchanged(
    registry: NodeRegistry,
) -> None:
    project = two_shot_project(registry)
    before = snapshot(project)
    move = make_node(registry, "previz.camera_move")
    history = History(project)
    history.push(AddNodes([move]))
    after_add = snapshot(project)
    shot = node_named(project, "Keeper")
    with pytest.raises(EditRefused, match="cannot connect CameraMove output 'moves' to Prompt"):
        history.push(Connect(registry, link(move, "moves", project.nodes[shot], "prompt")))
    assert snapshot(project) == after_add
    assert history.steps == 1
    history.undo()
    assert snapshot(project) == before


def test_cycle_is_refused(registry: NodeRegistry) -> None:
    project = two_shot_project(registry)
    extend = next(n for n in project.nodes.values() if n.type == "previz.extend")
    second = make_node(registry, "previz.extend")
    History(project).push(AddNodes([second], [link(extend, "clip", second, "clip")]))
    before = snapshot(project)
    with pytest.raises(EditRefused, match="cycle"):
        Connect(registry, link(second, "clip", extend, "clip")).do(project)
    with pytest.raises(EditRefused, match="cycle"):
        Connect(registry, link(second, "clip", second, "clip")).do(project)
    assert snapshot(project) == before


def test_unknown_port_and_uninstalled_type_are_refused(registry: NodeRegistry) -> None:
    project = two_shot_project(registry)
    prompt = next(n for n in project.nodes.values() if n.type == "previz.prompt")
    shot = project.nodes[node_named(project, "Keeper")]
    with pytest.raises(EditRefused, match="has no input 'sound'"):
        Connect(registry, link(prompt, "prompt", shot, "sound")).do(project)
    alien = make_node(registry, "previz.prompt")
    alien.type = "acme.mystery"
    project.add_node(alien)
    with pytest.raises(EditRefused, match="not installed"):
        Connect(registry, link(alien, "out", shot, "prompt")).do(project)


def test_connecting_an_occupied_input_replaces_its_link_and_undo_restores_it(
    registry: NodeRegistry,
) -> None:
    project = two_shot_project(registry)
    shot = project.nodes[node_named(project, "Keeper")]
    new_prompt = make_node(registry, "previz.prompt", text="Night")
    history = History(project)
    history.push(AddNodes([new_prompt]))
    before = snapshot(project)
    history.push(Connect(registry, link(new_prompt, "prompt", shot, "prompt")))
    feeding = [lk for lk in project.links.values() if lk.target.node == shot.id]
    assert [lk.source.node for lk in feeding] == [new_prompt.id]
    history.undo()
    assert snapshot(project) == before


def test_delete_removes_links_and_timeline_entries_and_undo_restores_them(
    registry: NodeRegistry,
) -> None:
    project = two_shot_project(registry)
    before = snapshot(project)
    shot = node_named(project, "Lighthouse")
    history = History(project)
    history.push(RemoveNodes([shot]))
    assert shot not in project.nodes
    assert all(shot not in (lk.source.node, lk.target.node) for lk in project.links.values())
    assert [e.node for e in project.timeline] == [node_named(project, "Keeper")]
    history.undo()
    assert snapshot(project) == before
    history.redo()
    assert shot not in project.nodes


def test_a_drag_is_one_undo_step(registry: NodeRegistry) -> None:
    project = two_shot_project(registry)
    shot = node_named(project, "Lighthouse")
    events: list[object] = []
    project.events.connect(events.append)
    history = History(project)
    for step in range(1, 11):
        history.push(MoveNodes({shot: (step * 10.0, step * 5.0)}, gesture="drag-1"))
    history.push(MoveNodes({shot: (500.0, 0.0)}, gesture="drag-2"))
    assert history.steps == 2
    assert sum(isinstance(e, NodeMoved) for e in events) == 11
    history.undo()
    assert project.nodes[shot].position == (100.0, 50.0)
    history.undo()
    assert project.nodes[shot].position == (0.0, 0.0)


def test_typing_into_a_param_is_one_step_and_undo_restores_the_old_value(
    registry: NodeRegistry,
) -> None:
    project = two_shot_project(registry)
    shot = node_named(project, "Lighthouse")
    history = History(project)
    for text in ("N", "Ni", "Nig", "Night"):
        history.push(SetParam(shot, "notes", text, gesture="typing"))
    history.push(SetParam(shot, "lens", 85.0))
    assert history.steps == 2
    history.undo()
    assert project.nodes[shot].params["lens"] == 35.0
    history.undo()
    assert project.nodes[shot].params["notes"] == ""


def test_setting_a_param_that_was_absent_is_undone_by_removing_it(
    registry: NodeRegistry,
) -> None:
    project = two_shot_project(registry)
    shot = node_named(project, "Lighthouse")
    del project.nodes[shot].params["dialogue"]
    before = snapshot(project)
    history = History(project)
    history.push(SetParam(shot, "dialogue", "Who's there?"))
    history.undo()
    assert snapshot(project) == before


def test_timeline_edits(registry: NodeRegistry) -> None:
    project = two_shot_project(registry)
    before = snapshot(project)
    events: list[object] = []
    project.events.connect(events.append)
    history = History(project)
    extend = next(n for n in project.nodes.values() if n.type == "previz.extend")
    new = entry(extend)
    history.push(TimelineInsert(new, 1))
    history.push(TimelineMove(new.id, 0))
    for out in (40, 30, 20):
        history.push(TimelineTrim(new.id, 4, out, gesture="edge"))
    assert history.steps == 3
    assert project.timeline[0].id == new.id
    assert (project.timeline[0].in_frame, project.timeline[0].out_frame) == (4, 20)
    history.push(TimelineRemove(project.timeline[1].id))
    assert len(project.timeline) == 2
    assert any(isinstance(e, TimelineChanged) for e in events)
    with pytest.raises(EditRefused, match="out point"):
        history.push(TimelineTrim(new.id, 10, 10))
    for _ in range(history.steps):
        history.undo()
    assert snapshot(project) == before


def test_circle_take_and_disconnect_undo(registry: NodeRegistry) -> None:
    project = two_shot_project(registry)
    before = snapshot(project)
    history = History(project)
    shot = node_named(project, "Lighthouse")
    history.push(CircleTake(shot, 2))
    assert project.nodes[shot].circled_take == 2
    history.push(Disconnect(next(iter(project.links))))
    history.undo()
    history.undo()
    assert snapshot(project) == before


def test_macro_undoes_its_done_part_when_one_is_refused(registry: NodeRegistry) -> None:
    project = two_shot_project(registry)
    before = snapshot(project)
    move = make_node(registry, "previz.camera_move")
    shot = project.nodes[node_named(project, "Keeper")]
    macro = Macro([AddNodes([move]), Connect(registry, link(move, "moves", shot, "prompt"))],
                  "Paste")
    with pytest.raises(EditRefused):
        History(project).push(macro)
    assert snapshot(project) == before


def test_paste_adds_nodes_with_their_links_as_one_step(registry: NodeRegistry) -> None:
    project = Project()
    events: list[object] = []
    project.events.connect(events.append)
    prompt = make_node(registry, "previz.prompt")
    shot = make_node(registry, "previz.shot")
    history = History(project)
    history.push(AddNodes([prompt, shot], [link(prompt, "prompt", shot, "prompt")]))
    assert len(project.nodes) == 2 and len(project.links) == 1
    assert any(isinstance(e, LinkAdded) for e in events)
    history.undo()
    assert not project.nodes and not project.links


def test_settings_refuse_a_rate_editors_do_not_use(registry: NodeRegistry) -> None:
    from fractions import Fraction

    from previz.core.commands import SetSettings
    from previz.core.project import Settings

    project = two_shot_project(registry)
    before = snapshot(project)
    with pytest.raises(EditRefused, match="editorial rate"):
        History(project).push(SetSettings(Settings(rate=Fraction(16))))
    assert snapshot(project) == before
    History(project).push(SetSettings(Settings(rate=Fraction(24000, 1001))))
    assert project.settings.rate == Fraction(24000, 1001)
