"""Re-rendering: an edit re-runs exactly the edited node and its descendants; moving,
duplicating and circling cost nothing upstream."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from engine_pack import PROMPT, SOURCE, TRANSFORM, Studio, add, cut, source_frame, transform_frame
from engine_pack import wire as link

from previz.core.commands import AddNodes, CircleTake, History, MoveNodes, SetParam
from previz.core.ids import new_id
from previz.core.project import Link, Node, PortRef, Project


@dataclass
class Graph:
    """prompt → source a → transform ta → transform ta2; source b → transform tb."""

    project: Project
    prompt: Node
    a: Node
    ta: Node
    ta2: Node
    b: Node
    tb: Node

    def ids(self, *names: str) -> set[str]:
        return {getattr(self, name).id for name in names}


def build(studio: Studio) -> Graph:
    project = Project()
    reg = studio.registry
    prompt = add(project, reg, PROMPT, text="dusk")
    a = add(project, reg, SOURCE, (200.0, 0.0), value=40, seed=3, frames=5)
    ta = add(project, reg, TRANSFORM, (400.0, 0.0), offset=30)
    ta2 = add(project, reg, TRANSFORM, (600.0, 0.0), offset=5, invert=True)
    b = add(project, reg, SOURCE, (200.0, 300.0), value=90, seed=8, frames=4)
    tb = add(project, reg, TRANSFORM, (400.0, 300.0), offset=-20)
    link(project, prompt, a, "prompt")
    link(project, a, ta, "clip")
    link(project, ta, ta2, "clip")
    link(project, b, tb, "clip")
    cut(project, ta2)
    cut(project, tb)
    return Graph(project, prompt, a, ta, ta2, b, tb)


def expected_ta2(text: str, offset: int) -> list[np.ndarray]:
    value = (40 + len(text)) % 256
    return [transform_frame(transform_frame(source_frame(32, 24, value, 3, index), offset, False),
                            5, True) for index in range(5)]


def keys(studio: Studio, project: Project) -> dict[str, tuple[str, ...]]:
    plan = studio.compile(project, list(project.nodes))
    return {node_id: planned.keys for node_id, planned in plan.nodes.items()}


def test_first_render_runs_everything_once_and_the_frames_are_right(studio: Studio) -> None:
    graph = build(studio)
    run = studio.render(graph.project)
    assert run.result.ok
    assert dict(studio.counter.runs) == dict.fromkeys(graph.project.nodes, 1)
    frames = studio.frames(run.result.outputs[graph.ta2.id])
    assert len(frames) == 5
    assert all(np.array_equal(got, want) for got, want in zip(frames, expected_ta2("dusk", 30),
                                                               strict=True))


def test_rerendering_an_unchanged_project_runs_nothing(studio: Studio) -> None:
    graph = build(studio)
    studio.render(graph.project)
    again = studio.render(graph.project)
    assert studio.counter.total() == 0
    assert set(again.outcomes().values()) == {"Cached"}
    assert set(again.outcomes()) == {(node_id, 0) for node_id in graph.project.nodes}


def test_editing_a_param_reruns_exactly_that_node_and_its_descendants(studio: Studio) -> None:
    graph = build(studio)
    history = History(graph.project)
    studio.render(graph.project)

    history.push(SetParam(graph.ta.id, "offset", 31))
    run = studio.render(graph.project)
    assert set(studio.counter.runs) == graph.ids("ta", "ta2")
    assert all(count == 1 for count in studio.counter.runs.values())
    frames = studio.frames(run.result.outputs[graph.ta2.id])
    assert all(np.array_equal(got, want) for got, want in zip(frames, expected_ta2("dusk", 31),
                                                               strict=True))

    history.push(SetParam(graph.prompt.id, "text", "dawn light"))
    run = studio.render(graph.project)
    assert set(studio.counter.runs) == graph.ids("prompt", "a", "ta", "ta2")
    frames = studio.frames(run.result.outputs[graph.ta2.id])
    assert all(np.array_equal(got, want) for got, want in
               zip(frames, expected_ta2("dawn light", 31), strict=True))

    history.undo()  # back to a render that is still in the store
    run = studio.render(graph.project)
    assert studio.counter.total() == 0
    frames = studio.frames(run.result.outputs[graph.ta2.id])
    assert all(np.array_equal(got, want) for got, want in zip(frames, expected_ta2("dusk", 31),
                                                               strict=True))


def test_params_that_do_not_change_the_pictures_rerun_nothing(studio: Studio) -> None:
    graph = build(studio)
    studio.render(graph.project)
    graph.project.set_param(graph.a.id, "notes", "hold on the horizon")
    graph.project.set_param(graph.b.id, "fps", "24/1")  # the project's 24, spelt another way
    studio.render(graph.project)
    assert studio.counter.total() == 0


def test_moving_nodes_changes_no_key_and_renders_nothing(studio: Studio) -> None:
    graph = build(studio)
    before = keys(studio, graph.project)
    studio.render(graph.project)
    History(graph.project).push(MoveNodes({graph.a.id: (-500.0, 80.0),
                                           graph.ta2.id: (900.5, -3.0)}))
    assert keys(studio, graph.project) == before
    run = studio.render(graph.project)
    assert studio.counter.total() == 0
    assert set(run.outcomes().values()) == {"Cached"}


def test_a_duplicate_has_the_originals_keys_and_renders_nothing_new(studio: Studio) -> None:
    graph = build(studio)
    studio.render(graph.project)
    before = keys(studio, graph.project)
    copy = Node(new_id(), graph.ta.type, dict(graph.ta.params), (800.0, 800.0))
    feed = Link(new_id(), PortRef(graph.a.id, "clip"), PortRef(copy.id, "clip"))
    History(graph.project).push(AddNodes([copy], [feed]))
    after = keys(studio, graph.project)
    assert after[copy.id] == before[graph.ta.id]
    assert {node_id: after[node_id] for node_id in before} == before
    run = studio.render(graph.project, [copy.id])
    assert studio.counter.total() == 0
    assert run.outcomes() == {(copy.id, 0): "Cached", (graph.a.id, 0): "Cached",
                              (graph.prompt.id, 0): "Cached"}
    assert run.result.outputs[copy.id].key == before[graph.ta.id][0]


def test_circling_another_take_reruns_only_what_lies_downstream(studio: Studio) -> None:
    project = Project()
    prompt = add(project, studio.registry, PROMPT, text="rain")
    shot = add(project, studio.registry, SOURCE, value=10, seed=100, takes=3, frames=3)
    grade = add(project, studio.registry, TRANSFORM, offset=1)
    link(project, prompt, shot, "prompt")
    link(project, shot, grade, "clip")
    cut(project, grade)
    first = studio.render(project)
    assert studio.counter.takes == {(prompt.id, 0): 1, (shot.id, 0): 1, (shot.id, 1): 1,
                                    (shot.id, 2): 1, (grade.id, 0): 1}
    assert [type(event).__name__ for event in first.of(shot) if event.take == 2][-1] == "Done"
    before = keys(studio, project)

    History(project).push(CircleTake(shot.id, 2))
    after = keys(studio, project)
    assert after[shot.id] == before[shot.id]
    assert after[prompt.id] == before[prompt.id]
    assert after[grade.id] != before[grade.id]
    run = studio.render(project)
    assert dict(studio.counter.runs) == {grade.id: 1}
    assert {take: outcome for (node, take), outcome in run.outcomes().items()
            if node == shot.id} == {0: "Cached", 1: "Cached", 2: "Cached"}
    value = (10 + len("rain")) % 256
    frames = studio.frames(run.result.outputs[grade.id])
    want = [transform_frame(source_frame(32, 24, value, 102, index), 1, False)
            for index in range(3)]
    assert all(np.array_equal(got, expected) for got, expected in zip(frames, want, strict=True))


def test_a_duplicate_rendered_together_with_its_original_renders_once(studio: Studio) -> None:
    project = Project()
    original = add(project, studio.registry, SOURCE, value=77, takes=2)
    copy = add(project, studio.registry, SOURCE, (300.0, 300.0), value=77, takes=2)
    cut(project, original)
    cut(project, copy)
    run = studio.render(project)
    assert run.result.ok
    assert sum(studio.counter.runs.values()) == 2  # two takes, each rendered once
    assert run.result.takes[original.id] == run.result.takes[copy.id]
    assert sorted(run.outcomes().values()) == ["Cached", "Cached", "Done", "Done"]
