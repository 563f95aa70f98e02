"""compile_plan: every problem kind at once, each naming its node and port; pure; pruned."""

from __future__ import annotations

import json
from fractions import Fraction

from engine_pack import (
    GENERATE,
    PROMPT,
    SOURCE,
    TRANSFORM,
    FakeBackend,
    Studio,
    add,
    cut,
    wire,
)

from previz.api import NodeSpec, NodeType, Output, PortType
from previz.core.ids import new_id
from previz.core.project import Link, Node, PortRef, Project
from previz.core.project_json import project_to_dict
from previz.engine.backend import ModelInfo
from previz.engine.plan import compile_plan
from previz.engine.problems import ProblemKind

TINY = ModelInfo("tiny", "test", "fp-tiny")
GONE = ModelInfo("gone", "test", "fp-gone")


def test_every_problem_kind_is_reported_with_node_and_port_in_one_call(studio: Studio) -> None:
    project = Project()
    reg = studio.registry
    # Rendered while its model was here; the model has gone since, but its renders have not.
    rendered = add(project, reg, GENERATE, model="gone", name="rendered")
    with_gone = Studio(studio.store.root, [FakeBackend(models=(TINY, GONE))])
    try:
        run = with_gone.render(project, [rendered.id])
    finally:
        with_gone.close()
    assert run.result.ok
    project.models.update(run.result.models)  # the app records what it rendered with

    loop_a = add(project, reg, TRANSFORM, name="loop A")
    loop_b = add(project, reg, TRANSFORM, name="loop B")
    wire(project, loop_a, loop_b, "clip")
    wire(project, loop_b, loop_a, "clip")
    prompt = add(project, reg, PROMPT, text="x")
    mismatched = add(project, reg, TRANSFORM, name="mismatched")
    wire(project, prompt, mismatched, "clip")
    orphan = add(project, reg, TRANSFORM, name="orphan")
    too_far = add(project, reg, SOURCE, frames=0, name="too far")
    wrong_type = add(project, reg, SOURCE, value="bright", name="wrong type")
    alien = Node(new_id(), "acme.hologram", {"glow": 3})
    project.add_node(alien)
    plate = add(project, reg, SOURCE, name="plate")
    project.add_link(Link(new_id(), PortRef(plate.id, "clip"), PortRef(wrong_type.id, "plate")))
    no_backend = add(project, reg, GENERATE, backend="cloud", name="no backend")
    no_model = add(project, reg, GENERATE, model="huge", name="no model")
    unbuilt_spec = NodeSpec("test.unbuilt", 1, "Unbuilt", "Test",
                            outputs=(Output("clip", PortType.CLIP),))
    reg.register(NodeType(unbuilt_spec))
    unbuilt = add(project, reg, "test.unbuilt")

    plan = studio.compile(project, list(project.nodes))

    found = {(problem.kind, problem.node_id, problem.port) for problem in plan.problems}
    assert found == {
        (ProblemKind.CYCLE, min(loop_a.id, loop_b.id), ""),
        (ProblemKind.TYPE_MISMATCH, mismatched.id, "clip"),
        (ProblemKind.MISSING_INPUT, orphan.id, "clip"),
        (ProblemKind.BAD_PARAM, too_far.id, "frames"),
        (ProblemKind.BAD_PARAM, wrong_type.id, "value"),
        (ProblemKind.UNKNOWN_TYPE, alien.id, ""),
        (ProblemKind.UNKNOWN_PORT, wrong_type.id, "plate"),
        (ProblemKind.BACKEND_MISSING, no_backend.id, "backend"),
        (ProblemKind.MODEL_MISSING, no_model.id, "model"),
        (ProblemKind.NOT_RUNNABLE, unbuilt.id, ""),
    }
    messages = {(problem.kind, problem.node_id): str(problem) for problem in plan.problems}
    cycle = messages[ProblemKind.CYCLE, min(loop_a.id, loop_b.id)]
    assert "Transform 'loop A'" in cycle and "Transform 'loop B'" in cycle
    assert "expects Clip, but Test Prompt" in messages[ProblemKind.TYPE_MISMATCH, mismatched.id]
    assert "0 is below the minimum 1" in messages[ProblemKind.BAD_PARAM, too_far.id]
    assert "'bright' is not a whole number" in messages[ProblemKind.BAD_PARAM, wrong_type.id]
    assert "acme.hologram" in messages[ProblemKind.UNKNOWN_TYPE, alien.id]
    assert "'cloud' is not available here (available: fake)" in messages[
        ProblemKind.BACKEND_MISSING, no_backend.id]
    assert "'huge'" in messages[ProblemKind.MODEL_MISSING, no_model.id]
    assert all(problem.node_name in str(problem) for problem in plan.problems)
    assert plan.problems_of(rendered.id) == []  # its renders are in the store

    studio.store.max_bytes = 0
    studio.store.evict()  # without its renders, the missing model is a problem again
    again = studio.compile(project, [rendered.id])
    assert [(p.kind, p.port) for p in again.problems] == [(ProblemKind.MODEL_MISSING, "model")]


def test_compiling_is_pure_and_repeatable(studio: Studio) -> None:
    project = Project()
    prompt = add(project, studio.registry, PROMPT, text="fog")
    shot = add(project, studio.registry, GENERATE, takes=2)
    wire(project, prompt, shot, "prompt")
    cut(project, shot)
    before = json.dumps(project_to_dict(project), sort_keys=True)
    seen = []
    project.events.connect(seen.append)
    first = studio.compile(project)
    second = studio.compile(project)
    assert json.dumps(project_to_dict(project), sort_keys=True) == before
    assert seen == []
    assert {n: p.keys for n, p in first.nodes.items()} == {n: p.keys for n, p in
                                                            second.nodes.items()}
    assert first.problems == second.problems == ()


def test_the_plan_holds_only_the_targets_ancestors_with_inherited_params(
    studio: Studio,
) -> None:
    project = Project()
    project.settings.rate = Fraction(25)
    prompt = add(project, studio.registry, PROMPT)
    used = add(project, studio.registry, SOURCE)
    unused = add(project, studio.registry, TRANSFORM)  # a problem, but not on the way
    wire(project, prompt, used, "prompt")
    plan = studio.compile(project, [used.id])
    assert set(plan.nodes) == {prompt.id, used.id}
    assert plan.order == (prompt.id, used.id)
    assert plan.ok and unused.id not in plan.graph
    assert plan.nodes[used.id].params["fps"] == "25"


def test_a_bad_fraction_or_a_huge_take_count_is_a_problem_not_a_crash(studio: Studio) -> None:
    project = Project()
    source = add(project, studio.registry, SOURCE, fps="fast", takes=10**9)
    plan = compile_plan(project, [source.id], registry=studio.registry)
    assert {(p.kind, p.port) for p in plan.problems} == {(ProblemKind.BAD_PARAM, "fps"),
                                                          (ProblemKind.BAD_PARAM, "takes")}
    assert len(plan.nodes[source.id].keys) == 1
