"""Any sequence of commands, undone step by step and redone, passes through equal states."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from project_builders import entry, link, make_node, two_shot_project

from previz.core.commands import (
    AddNodes,
    CircleTake,
    Command,
    Connect,
    Disconnect,
    History,
    MoveNodes,
    RemoveNodes,
    SetParam,
    TimelineInsert,
    TimelineMove,
    TimelineRemove,
    TimelineTrim,
)
from previz.core.errors import EditRefused
from previz.core.project import Project
from previz.core.project_json import project_from_dict, project_to_dict
from previz.core.registry import NodeRegistry, default_registry

REGISTRY = default_registry()
TYPES = sorted(t.spec.id for t in REGISTRY)
OPS = ("add", "remove", "connect", "disconnect", "param", "move", "take", "insert", "reorder",
       "trim", "unplace")

actions = st.lists(
    st.tuples(st.sampled_from(OPS), st.integers(0, 999), st.integers(0, 999),
              st.integers(0, 3)),
    max_size=25,
)


def snapshot(project: Project) -> str:
    return json.dumps(project_to_dict(project), sort_keys=True)


def pick(items: list[Any], index: int) -> Any:
    return items[index % len(items)] if items else None


def build(project: Project, registry: NodeRegistry, op: str, a: int, b: int, *,
          gesture: int) -> Command | None:
    nodes = sorted(project.nodes)
    node = pick(nodes, a)
    entries = [e.id for e in project.timeline]
    if op == "add":
        return AddNodes([make_node(registry, pick(TYPES, a))])
    if node is None:
        return None
    if op == "remove":
        return RemoveNodes([node])
    if op == "connect":
        source, target = project.nodes[node], project.nodes[pick(nodes, b)]
        out = registry.get(source.type).spec.outputs[0].name
        inputs = registry.get(target.type).spec.inputs
        if not inputs:
            return None
        return Connect(registry, link(source, out, target, pick(list(inputs), b).name))
    if op == "disconnect":
        return Disconnect(pick(sorted(project.links), b)) if project.links else None
    if op == "param":
        return SetParam(node, "seed", b, gesture=f"g{gesture}" if gesture else None)
    if op == "move":
        return MoveNodes({node: (float(a), float(b))}, gesture=f"g{gesture}" if gesture else None)
    if op == "take":
        return CircleTake(node, b % 4)
    if op == "insert":
        return TimelineInsert(entry(project.nodes[node]), b % (len(entries) + 1))
    if not entries:
        return None
    chosen = pick(entries, b)
    if op == "reorder":
        return TimelineMove(chosen, a % len(entries))
    if op == "trim":
        return TimelineTrim(chosen, a % 10, a % 10 + 1 + b % 50,
                            gesture=f"g{gesture}" if gesture else None)
    return TimelineRemove(chosen)


@settings(max_examples=300, deadline=None)
@given(actions)
def test_undo_and_redo_walk_back_and_forth_through_equal_states(
    steps: list[tuple[str, int, int, int]],
) -> None:
    project = two_shot_project(REGISTRY)
    history = History(project)
    states = [snapshot(project)]
    for op, a, b, gesture in steps:
        command = build(project, REGISTRY, op, a, b, gesture=gesture)
        if command is None:
            continue
        before, count = snapshot(project), history.steps
        try:
            history.push(command)
        except EditRefused:
            assert snapshot(project) == before
            continue
        if history.steps > count:
            states.append(snapshot(project))
        else:
            states[-1] = snapshot(project)
    assert len(states) == history.steps + 1
    for expected in reversed(states[:-1]):
        history.undo()
        assert snapshot(project) == expected
    for expected in states[1:]:
        history.redo()
        assert snapshot(project) == expected
    assert snapshot(project_from_dict(json.loads(states[-1]))) == states[-1]
